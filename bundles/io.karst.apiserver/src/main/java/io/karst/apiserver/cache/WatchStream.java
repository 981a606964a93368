package io.karst.apiserver.cache;

/** A running watch, as its {@link WatchSource} returns it. */
public interface WatchStream extends AutoCloseable {

    /**
     * A revision fit for a BOOKMARK now: every event up to it that the watch has to send was sent. It moves on
     * with the datastore even when nothing matches the watch.
     */
    long caughtUpRevision();

    /** Stops the events; the target hears nothing more. Idempotent. */
    @Override
    void close();
}
