package io.karst.launcher.boot;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

import io.karst.launcher.boot.JoinVerifier.JoinException;

/**
 * An agent waits for its server as K3s's does: while the server cannot be reached or answers that it is not ready
 * (5xx), the join is tried again, 2 s after the first failure and up to every 30 s, forever, each failure said on
 * stderr. A refusal (token, CA hash, node password) ends the agent at once: trying again would not change it.
 */
final class JoinRetry {
    static final Duration FIRST_WAIT = Duration.ofSeconds(2);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    @FunctionalInterface
    interface Attempt<T> {
        T run() throws JoinException, IOException;
    }

    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private JoinRetry() {
    }

    static <T> T until(Attempt<T> attempt, PrintStream err, String command, Sleeper sleeper)
            throws JoinException, IOException {
        Duration wait = FIRST_WAIT;
        while (true) {
            try {
                return attempt.run();
            } catch (JoinException e) {
                if (!e.serverUnavailable()) {
                    throw e;
                }
                err.println(command + ": " + e.getMessage() + "; trying again in " + wait.toSeconds() + " s");
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JoinException("interrupted while waiting for the server");
            }
            wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
        }
    }
}
