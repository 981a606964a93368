package io.karst.apiserver.endpoint;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.datastore.CompactedException;
import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchEvent;
import io.karst.api.datastore.WatchListener;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.status.StatusObject;
import io.karst.apiserver.storage.ObjectStore;

/**
 * One client's watch: optional initial ADDED events for the current state, then the store's changes after a
 * revision, filtered by the client's selectors (an object that starts or stops matching is ADDED or DELETED, as
 * kube-apiserver's watch cache reports it), periodic BOOKMARKs when asked, and an end after the timeout.
 */
public final class WatchSession implements WatchListener {
    /** Upstream sends a bookmark about once a minute to clients that ask for them. */
    static final long BOOKMARK_INTERVAL_SECONDS = 60;

    private final ObjectStore store;
    private final ResourceType type;
    private final String namespace;
    private final long fromRevision;
    private final boolean initialEvents;
    private final boolean initialEventsEndBookmark;
    private final Predicate<ObjectNode> filter;
    private final boolean bookmarks;
    private final long timeoutSeconds;
    private final ScheduledExecutorService timers;
    private final AtomicLong lastRevision = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile StreamWriter writer;
    private volatile Watch watch;
    private volatile ScheduledFuture<?> timeout;
    private volatile ScheduledFuture<?> bookmarkTimer;

    /**
     * @param fromRevision the resourceVersion the client has seen; events after it are sent. Ignored when
     *        {@code initialEvents}, which starts from the current state instead
     * @param initialEventsEndBookmark send the {@code k8s.io/initial-events-end} bookmark after the initial events
     *        ({@code sendInitialEvents=true})
     */
    public WatchSession(ObjectStore store, ResourceType type, String namespace, long fromRevision,
            boolean initialEvents, boolean initialEventsEndBookmark, Predicate<ObjectNode> filter,
            boolean bookmarks, long timeoutSeconds, ScheduledExecutorService timers) {
        this.store = store;
        this.type = type;
        this.namespace = namespace;
        this.fromRevision = fromRevision;
        this.initialEvents = initialEvents;
        this.initialEventsEndBookmark = initialEventsEndBookmark;
        this.filter = filter;
        this.bookmarks = bookmarks;
        this.timeoutSeconds = timeoutSeconds;
        this.timers = timers;
    }

    /** Starts sending to {@code out}; called by the HTTP layer once the response headers are out. */
    public void start(StreamWriter out) {
        this.writer = out;
        out.onClose(this::stop);
        try {
            long after = fromRevision;
            if (initialEvents) {
                after = sendInitialState();
            }
            lastRevision.set(after);
            watch = store.watch(type, namespace, after + 1, this);
            if (ended.get()) {
                watch.close();
                return;
            }
        } catch (ApiException e) {
            fail(e);
            return;
        }
        if (timeoutSeconds > 0) {
            timeout = timers.schedule(this::stop, timeoutSeconds, TimeUnit.SECONDS);
        }
        if (bookmarks) {
            bookmarkTimer = timers.scheduleAtFixedRate(this::bookmark, BOOKMARK_INTERVAL_SECONDS,
                    BOOKMARK_INTERVAL_SECONDS, TimeUnit.SECONDS);
        }
    }

    private long sendInitialState() {
        String continueKey = null;
        long revision = 0;
        do {
            ObjectStore.Page page = store.list(type, namespace, revision, 500, continueKey);
            revision = page.revision();
            for (ObjectNode object : page.items()) {
                if (filter.test(object) && !send("ADDED", object)) {
                    return revision;
                }
            }
            continueKey = page.continueKey();
        } while (continueKey != null);
        if (initialEventsEndBookmark) {
            ObjectNode bookmark = bookmarkObject(revision);
            ObjectMetadata.of(bookmark).putObject("annotations").put("k8s.io/initial-events-end", "true");
            send("BOOKMARK", bookmark);
        }
        return revision;
    }

    @Override
    public void onEvents(List<WatchEvent> events) {
        // Events and bookmarks go out under one lock, and the bookmark's revision is that of the last event
        // sent, so a client that re-watches from a bookmark never skips an event.
        synchronized (this) {
            for (WatchEvent event : events) {
                if (ended.get()) {
                    return;
                }
                if (!deliver(event)) {
                    stop();
                    return;
                }
                lastRevision.set(event.revision());
            }
        }
    }

    private boolean deliver(WatchEvent event) {
        ObjectNode previous = event.prevKv() == null ? null : store.decode(event.prevKv());
        boolean wasIn = previous != null && filter.test(previous);
        if (event.type() == WatchEvent.Type.DELETE) {
            if (!wasIn) {
                return true;
            }
            ObjectMetadata.of(previous).put("resourceVersion", Long.toString(event.revision()));
            return send("DELETED", previous);
        }
        ObjectNode current = store.decode(event.kv());
        boolean isIn = filter.test(current);
        if (isIn) {
            return send(wasIn ? "MODIFIED" : "ADDED", current);
        }
        if (wasIn) {
            // It left the selection: the client sees it go, with the state that made it leave.
            return send("DELETED", current);
        }
        return true;
    }

    @Override
    public void onClosed(DatastoreException cause) {
        if (cause instanceof CompactedException c) {
            fail(ApiException.expired("too old resource version: " + c.requestedRevision() + " ("
                    + c.compactedRevision() + ")"));
        } else {
            stop();
        }
    }

    private synchronized void bookmark() {
        if (!ended.get()) {
            send("BOOKMARK", bookmarkObject(lastRevision.get()));
        }
    }

    private ObjectNode bookmarkObject(long revision) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        object.put("kind", type.kind());
        object.put("apiVersion", type.apiVersion());
        object.putObject("metadata").put("resourceVersion", Long.toString(revision));
        return object;
    }

    private boolean send(String eventType, ObjectNode object) {
        StreamWriter out = writer;
        return out != null && out.write(new WatchFrame(eventType, object));
    }

    private void fail(ApiException e) {
        send("ERROR", StatusObject.failure(e));
        stop();
    }

    /** Ends the watch and the response; idempotent. */
    public void stop() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        Watch w = watch;
        if (w != null) {
            w.close();
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (bookmarkTimer != null) {
            bookmarkTimer.cancel(false);
        }
        StreamWriter out = writer;
        if (out != null) {
            out.end();
        }
    }
}
