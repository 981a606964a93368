package io.karst.datastore;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchEvent;
import io.karst.api.datastore.WatchListener;

/**
 * Fans each commit's events out to the watches, straight from the writer: no polling, so an event reaches its
 * listeners as soon as its write is durable. It also owns the committed revision, moving it under the same lock
 * that registers watches, so a new watch's history replay and its live events meet without gap or overlap.
 */
final class WatchHub implements AutoCloseable {

    /** Reads the recorded events of {@code [from, to]} in a range, at most {@code limit}, in revision order. */
    @FunctionalInterface
    interface History {
        List<WatchEvent> read(KeyRange range, long from, long to, int limit);
    }

    private final Object lock = new Object();
    private final Map<Long, StoreWatch> watches = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ExecutorService delivery;
    private final History history;
    private final int backlog;
    private volatile long committedRevision;

    WatchHub(String name, long committedRevision, History history, int threads, int backlog) {
        this.committedRevision = committedRevision;
        this.history = history;
        this.backlog = backlog;
        this.delivery = Executors.newFixedThreadPool(threads, daemonThreads(name));
    }

    long committedRevision() {
        return committedRevision;
    }

    /** Called by the writer after each commit, before the writes' callers are released. */
    void publish(long revision, List<WatchEvent> events) {
        synchronized (lock) {
            committedRevision = revision;
            if (!events.isEmpty()) {
                for (StoreWatch watch : watches.values()) {
                    watch.offer(events);
                }
            }
        }
    }

    /**
     * Starts a watch: history from {@code fromRevision} (0: none) up to the committed revision, replayed on a
     * delivery thread, then every later event.
     */
    Watch watch(KeyRange range, long fromRevision, WatchListener listener) {
        StoreWatch watch;
        synchronized (lock) {
            long committed = committedRevision;
            long start = fromRevision == 0 ? committed + 1 : fromRevision;
            watch = new StoreWatch(ids.incrementAndGet(), range, start, committed, listener, this);
            watches.put(watch.id(), watch);
        }
        watch.start();
        return watch;
    }

    History history() {
        return history;
    }

    int backlog() {
        return backlog;
    }

    ExecutorService delivery() {
        return delivery;
    }

    void remove(StoreWatch watch) {
        watches.remove(watch.id());
    }

    int size() {
        return watches.size();
    }

    /** Ends every watch with "unavailable", lets listeners hear it, then stops the delivery threads. */
    @Override
    public void close() {
        DatastoreUnavailableException closing = new DatastoreUnavailableException("the datastore is closed");
        for (StoreWatch watch : watches.values()) {
            watch.end(closing);
        }
        delivery.shutdown();
        try {
            if (!delivery.awaitTermination(5, TimeUnit.SECONDS)) {
                delivery.shutdownNow();
            }
        } catch (InterruptedException e) {
            delivery.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
