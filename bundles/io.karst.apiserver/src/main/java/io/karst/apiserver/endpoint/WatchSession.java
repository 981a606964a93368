package io.karst.apiserver.endpoint;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.cache.StoreWatchSource;
import io.karst.apiserver.cache.WatchSource;
import io.karst.apiserver.cache.WatchStream;
import io.karst.apiserver.cache.WatchTarget;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.status.StatusObject;
import io.karst.apiserver.storage.ObjectStore;

/**
 * One client's watch: optional initial ADDED events for the current state, then the changes after a revision,
 * filtered by the client's selectors (an object that starts or stops matching is ADDED or DELETED, as
 * kube-apiserver's watch cache reports it), periodic BOOKMARKs when asked, and an end after the timeout. The
 * events come from a {@link WatchSource}: the watch cache, or the datastore directly.
 */
public final class WatchSession implements WatchTarget {
    /** Upstream sends a bookmark about once a minute to clients that ask for them. */
    static final long BOOKMARK_INTERVAL_SECONDS = 60;

    private final WatchSource source;
    private final ResourceType type;
    private final String namespace;
    private final long fromRevision;
    private final boolean initialEvents;
    private final boolean initialEventsEndBookmark;
    private final Predicate<ObjectNode> filter;
    private final boolean bookmarks;
    private final long timeoutSeconds;
    private final ScheduledExecutorService timers;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile StreamWriter writer;
    private volatile WatchStream stream;
    private volatile ScheduledFuture<?> timeout;
    private volatile ScheduledFuture<?> bookmarkTimer;

    /** A watch served by the datastore directly. */
    public WatchSession(ObjectStore store, ResourceType type, String namespace, long fromRevision,
            boolean initialEvents, boolean initialEventsEndBookmark, Predicate<ObjectNode> filter,
            boolean bookmarks, long timeoutSeconds, ScheduledExecutorService timers) {
        this(new StoreWatchSource(store), type, namespace, fromRevision, initialEvents, initialEventsEndBookmark,
                filter, bookmarks, timeoutSeconds, timers);
    }

    /**
     * @param fromRevision the resourceVersion the client has seen; events after it are sent. With
     *        {@code initialEvents}, the revision the initial state must have reached instead
     * @param initialEventsEndBookmark send the {@code k8s.io/initial-events-end} bookmark after the initial events
     *        ({@code sendInitialEvents=true})
     */
    public WatchSession(WatchSource source, ResourceType type, String namespace, long fromRevision,
            boolean initialEvents, boolean initialEventsEndBookmark, Predicate<ObjectNode> filter,
            boolean bookmarks, long timeoutSeconds, ScheduledExecutorService timers) {
        this.source = source;
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
            WatchStream s = source.watch(type, namespace, fromRevision, initialEvents, filter, this);
            stream = s;
            if (ended.get()) {
                s.close();
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

    // Events and bookmarks go out under one lock, and a bookmark's revision is one the source has caught up to,
    // so a client that re-watches from a bookmark never skips an event.
    @Override
    public synchronized boolean event(String eventType, ObjectNode object, long revision) {
        if (ended.get()) {
            return false;
        }
        if (!send(eventType, object)) {
            stop();
            return false;
        }
        return true;
    }

    @Override
    public synchronized void initialEventsEnd(long revision) {
        if (initialEventsEndBookmark && !ended.get()) {
            ObjectNode bookmark = bookmarkObject(revision);
            ObjectMetadata.of(bookmark).putObject("annotations").put("k8s.io/initial-events-end", "true");
            send("BOOKMARK", bookmark);
        }
    }

    @Override
    public void ended(ApiException cause) {
        if (cause != null) {
            fail(cause);
        } else {
            stop();
        }
    }

    private synchronized void bookmark() {
        WatchStream s = stream;
        if (!ended.get() && s != null) {
            long revision = s.caughtUpRevision();
            if (revision > 0) {
                send("BOOKMARK", bookmarkObject(revision));
            }
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
        WatchStream s = stream;
        if (s != null) {
            s.close();
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
