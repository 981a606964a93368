package io.karst.apiserver.endpoint;

/**
 * The client side of a watch, as the HTTP layer provides it. Writes never block: a client that does not read
 * fills its buffer, {@link #write} answers false, and the session ends the watch (the client lists again, as
 * upstream clients do when a watch ends).
 */
public interface StreamWriter {
    /** Queues one event frame; false when the client is gone or too far behind. */
    boolean write(WatchFrame frame);

    /** Ends the response. Idempotent. */
    void end();

    /** Runs {@code action} once when the client goes away or the stream ends. */
    void onClose(Runnable action);
}
