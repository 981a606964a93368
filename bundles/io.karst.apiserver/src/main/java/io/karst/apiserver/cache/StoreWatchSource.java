package io.karst.apiserver.cache;

import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.datastore.CompactedException;
import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchEvent;
import io.karst.api.datastore.WatchListener;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * Watches straight on the datastore, one datastore watch per client: the initial state read page by page, then
 * the datastore's changes decoded for this watch alone. What a server without a watch cache does, and what the
 * cache falls back to for a watch older than its history.
 */
public final class StoreWatchSource implements WatchSource {
    private static final int INITIAL_PAGE = 500;

    private final ObjectStore store;

    public StoreWatchSource(ObjectStore store) {
        this.store = store;
    }

    @Override
    public WatchStream watch(ResourceType type, String namespace, long fromRevision, boolean initialEvents,
            Predicate<ObjectNode> filter, WatchTarget target) {
        DirectWatch watch = new DirectWatch(type, filter, target);
        long after = fromRevision;
        if (initialEvents) {
            after = watch.sendInitialState(type, namespace);
            if (watch.closed) {
                return watch;
            }
        }
        watch.lastRevision = after;
        watch.watch = store.watch(type, namespace, after + 1, watch);
        if (watch.closed) {
            watch.watch.close();
        }
        return watch;
    }

    private final class DirectWatch implements WatchListener, WatchStream {
        private final ResourceType type;
        private final Predicate<ObjectNode> filter;
        private final WatchTarget target;
        private volatile boolean closed;
        private volatile long lastRevision;
        private volatile Watch watch;

        DirectWatch(ResourceType type, Predicate<ObjectNode> filter, WatchTarget target) {
            this.type = type;
            this.filter = filter;
            this.target = target;
        }

        /** Sends the current state; returns the revision it was read at. */
        long sendInitialState(ResourceType type, String namespace) {
            String continueKey = null;
            long revision = 0;
            do {
                ObjectStore.Page page = store.list(type, namespace, revision, INITIAL_PAGE, continueKey);
                revision = page.revision();
                for (ObjectNode object : page.items()) {
                    if (filter.test(object) && !target.event("ADDED", object, revision)) {
                        closed = true;
                        return revision;
                    }
                }
                continueKey = page.continueKey();
            } while (continueKey != null);
            target.initialEventsEnd(revision);
            return revision;
        }

        @Override
        public void onEvents(List<WatchEvent> events) {
            for (WatchEvent event : events) {
                if (closed) {
                    return;
                }
                boolean more;
                try {
                    more = deliver(event);
                } catch (ApiException e) {
                    // an undecodable value (unknown encryption key): end this watch with the 500 as its reason
                    close();
                    target.ended(e);
                    return;
                }
                if (!more) {
                    close();
                    return;
                }
                lastRevision = event.revision();
            }
        }

        private boolean deliver(WatchEvent event) {
            ObjectNode previous = event.prevKv() == null ? null : store.decode(type, event.prevKv());
            boolean deleted = event.type() == WatchEvent.Type.DELETE;
            ObjectNode object;
            if (deleted) {
                if (previous == null) {
                    return true;
                }
                // This copy is ours alone: a DELETED event carries the deletion's revision.
                ((ObjectNode) previous.get("metadata")).put("resourceVersion", Long.toString(event.revision()));
                object = previous;
            } else {
                object = store.decode(type, event.kv());
            }
            String change = SelectionChange.of(object, previous, deleted, filter);
            return change == null || target.event(change, object, event.revision());
        }

        @Override
        public void onClosed(DatastoreException cause) {
            if (closed) {
                return;
            }
            closed = true;
            if (cause instanceof CompactedException c) {
                target.ended(ApiException.expired("too old resource version: " + c.requestedRevision() + " ("
                        + c.compactedRevision() + ")"));
            } else {
                target.ended(null);
            }
        }

        @Override
        public long caughtUpRevision() {
            return lastRevision;
        }

        @Override
        public void close() {
            closed = true;
            Watch w = watch;
            if (w != null) {
                w.close();
            }
        }
    }
}
