package io.karst.apiserver.cache;

import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;

/** Where a watch gets its events: the {@link WatchCaches}, or the datastore directly ({@link StoreWatchSource}). */
public interface WatchSource {

    /**
     * Starts a watch of one resource, in one namespace or all ({@code namespace} null).
     *
     * @param fromRevision without {@code initialEvents}: the resourceVersion the client has seen, events after it
     *        are sent; with them: the revision the initial state must have reached (0 for any)
     * @param initialEvents send the current state first, as ADDED events in key order, then
     *        {@link WatchTarget#initialEventsEnd}
     * @param filter the client's selectors; objects that start or stop matching are ADDED or DELETED
     * @throws ApiException before any event, when the watch cannot start (410 Expired for a compacted revision)
     */
    WatchStream watch(ResourceType type, String namespace, long fromRevision, boolean initialEvents,
            Predicate<ObjectNode> filter, WatchTarget target);
}
