package io.karst.apiserver.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.status.ApiException;

/**
 * Receives one watch's events, in revision order and one at a time. Objects may be shared with other watchers
 * and must not be modified.
 */
public interface WatchTarget {

    /**
     * One event for the client.
     *
     * @param type {@code ADDED}, {@code MODIFIED} or {@code DELETED}
     * @param revision the change's revision; for initial events, the object's resourceVersion
     * @return false when the client is gone or too far behind: the source then stops
     */
    boolean event(String type, ObjectNode object, long revision);

    /** The initial events are all sent; they showed the state at {@code revision}. */
    void initialEventsEnd(long revision);

    /**
     * The source ended the watch on its own; no call follows.
     *
     * @param cause the error to report to the client (410 when history it needed was compacted), or null when
     *        the watch was just ended (too slow, cache restarted): clients then watch again from their last event
     */
    void ended(ApiException cause);
}
