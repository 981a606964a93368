package io.karst.apiserver.cache;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One watch served by a {@link ResourceCache}, as upstream's cacheWatcher: first its backlog (the initial state,
 * or the history after its resourceVersion), then live events from a bounded queue. The cache only queues; the
 * shared dispatcher threads drain each watcher in order, a batch at a time, so no watcher waits for another. A
 * watcher whose queue overflows is ended rather than allowed to hold the others up; its client watches again.
 */
final class CacheWatcher implements WatchStream, Runnable {
    /** Events sent per turn on a dispatcher thread before other watchers get theirs. */
    private static final int DRAIN_BATCH = 64;

    private final ResourceCache cache;
    private final String keyPrefix;
    private final Predicate<ObjectNode> filter;
    private final WatchTarget target;
    private final Executor dispatch;
    private final int capacity;
    /** Live events at or before this revision are already in the backlog or were seen by the client. */
    private final long liveAfter;
    private final ArrayDeque<CacheEvent> live = new ArrayDeque<>();
    /** Events queued or in the backlog and not yet handed to the target (or filtered out). */
    private final AtomicInteger undelivered = new AtomicInteger();
    // guarded by this
    private List<CacheEvent> backlog;
    private int backlogNext;
    private long initialEnd;
    private boolean snapshot;
    private boolean scheduled;
    private boolean closed;
    /** The revision of the last event handed over; -1 while the initial state is being sent. */
    private volatile long lastDelivered;

    /**
     * @param backlog events to send before live ones
     * @param initialEnd for a watch with initial events, the revision of the state the backlog shows; -1 for a
     *        watch resuming from {@code fromRevision}
     */
    CacheWatcher(ResourceCache cache, String keyPrefix, Predicate<ObjectNode> filter, WatchTarget target,
            Executor dispatch, int capacity, long liveAfter, long fromRevision, List<CacheEvent> backlog,
            long initialEnd) {
        this.cache = cache;
        this.keyPrefix = keyPrefix;
        this.filter = filter;
        this.target = target;
        this.dispatch = dispatch;
        this.capacity = capacity;
        this.liveAfter = liveAfter;
        this.backlog = backlog;
        this.initialEnd = initialEnd;
        this.snapshot = initialEnd >= 0;
        this.lastDelivered = snapshot ? -1 : fromRevision;
        undelivered.set(backlog.size() + (snapshot ? 1 : 0));
    }

    String keyPrefix() {
        return keyPrefix;
    }

    /** Begins sending the backlog; called once the watcher is registered. */
    void start() {
        synchronized (this) {
            if (closed || scheduled) {
                return;
            }
            scheduled = true;
        }
        submit(this);
    }

    /**
     * Queues a live event; called by the cache, under its lock, for each change under this watcher's prefix.
     *
     * @return false when the queue overflowed and the watcher ended: the cache drops it
     */
    boolean offer(CacheEvent event) {
        if (event.revision() <= liveAfter) {
            return true;
        }
        boolean run;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (live.size() >= capacity) {
                endLocked();
                submit(() -> target.ended(null));
                return false;
            }
            live.add(event);
            undelivered.incrementAndGet();
            run = !scheduled;
            scheduled = true;
        }
        if (run) {
            submit(this);
        }
        return true;
    }

    @Override
    public void run() {
        for (int i = 0; i < DRAIN_BATCH; i++) {
            CacheEvent next = null;
            long end = -1;
            synchronized (this) {
                if (closed) {
                    scheduled = false;
                    return;
                }
                if (backlog != null && backlogNext < backlog.size()) {
                    next = backlog.get(backlogNext++);
                } else if (initialEnd >= 0) {
                    end = initialEnd;
                    initialEnd = -1;
                    backlog = null;
                } else {
                    backlog = null;
                    next = live.poll();
                    if (next == null) {
                        scheduled = false;
                        return;
                    }
                }
            }
            if (end >= 0) {
                target.initialEventsEnd(end);
                snapshot = false;
                lastDelivered = end;
                undelivered.decrementAndGet();
            } else if (!deliver(next)) {
                close();
                return;
            }
        }
        // More to send: yield the thread to other watchers and come back.
        submit(this);
    }

    private boolean deliver(CacheEvent event) {
        String type = SelectionChange.of(event.deleted() ? event.previous() : event.object(), event.previous(),
                event.deleted(), filter);
        if (type != null && !target.event(type, event.object(), event.revision())) {
            return false;
        }
        if (!snapshot) {
            lastDelivered = event.revision();
        }
        undelivered.decrementAndGet();
        return true;
    }

    @Override
    public long caughtUpRevision() {
        // Read the cache's revision first: every event up to it was queued before it was published, so an empty
        // queue afterwards means they are all out.
        long revision = cache.revision();
        long last = lastDelivered;
        if (undelivered.get() == 0 && last >= 0) {
            return Math.max(revision, last);
        }
        return last;
    }

    /** Ends the watch without telling the target, which closed it. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            endLocked();
        }
        cache.remove(this);
    }

    /** Ends the watch because the cache stopped; the target hears of it. */
    void terminate() {
        synchronized (this) {
            if (closed) {
                return;
            }
            endLocked();
        }
        submit(() -> target.ended(null));
    }

    private void endLocked() {
        closed = true;
        live.clear();
        backlog = null;
    }

    private void submit(Runnable task) {
        try {
            dispatch.execute(task);
        } catch (RejectedExecutionException stopped) {
            // The caches are closing and their dispatcher is gone; nothing is left to send to.
        }
    }
}
