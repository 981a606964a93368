package io.karst.launcher.runtime;

import java.util.logging.LogManager;

/**
 * The JDK's log manager, except that the JVM's shutdown does not close the handlers behind the framework's back:
 * the JDK resets logging in a shutdown hook of its own, which runs alongside {@link AgentRuntime}'s hook that stops
 * the framework, so the components' last words (containers left running, containerd stopped) would be lost.
 * {@link AgentRuntime} closes the handlers itself once the framework has stopped. Named by
 * {@code -Djava.util.logging.manager} (bin/karst), so the JDK instantiates it from the class path.
 */
public final class RuntimeLogManager extends LogManager {
    private volatile boolean closing;

    @Override
    public void reset() {
        // the JDK's shutdown hook calls reset(); so does the first readConfiguration, when there is nothing yet
        if (closing) {
            super.reset();
        }
    }

    /** Flushes and closes every handler: the last thing the runtime does. */
    void close() {
        closing = true;
        super.reset();
    }
}
