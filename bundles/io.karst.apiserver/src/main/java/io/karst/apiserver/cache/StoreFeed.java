package io.karst.apiserver.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchEvent;
import io.karst.api.datastore.WatchListener;
import io.karst.apiserver.status.ApiException;

/**
 * The one datastore watch behind every {@link ResourceCache}: it watches the whole key space and hands each
 * change to the cache of its key prefix. One watch over everything, rather than one per prefix, gives the caches
 * a common clock: once a commit is delivered, every cache has seen all its changes up to that revision, even
 * caches the commit did not touch. That is what a consistent read needs (the datastore's current revision,
 * reached by the cache) and what etcd's progress notifications give kube-apiserver.
 */
final class StoreFeed {
    private static final Logger LOG = LoggerFactory.getLogger(StoreFeed.class);

    private final Supplier<KeyValueStore> kv;
    private final Map<String, ResourceCache> caches = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private volatile long delivered;
    private int waiting; // guarded by progress
    private Subscription subscription; // guarded by this

    StoreFeed(Supplier<KeyValueStore> kv) {
        this.kv = kv;
    }

    /** Every change up to this revision has been handed to the caches. */
    long deliveredRevision() {
        return delivered;
    }

    ResourceCache get(String prefix) {
        return caches.get(prefix);
    }

    /**
     * Starts feeding a cache (and the datastore watch, if it is the first), before the cache lists its objects:
     * changes that race with the list are then buffered rather than lost.
     */
    synchronized void add(ResourceCache cache) {
        if (subscription == null) {
            KeyValueStore store = kv.get();
            if (store == null) {
                throw ApiException.serviceUnavailable("the datastore is not available");
            }
            Subscription s = new Subscription();
            delivered = store.currentRevision();
            s.watch = store.watch("", 0, s);
            subscription = s;
        }
        caches.put(cache.prefix(), cache);
    }

    /** Stops feeding a cache; the datastore watch ends with the last one. */
    synchronized void remove(ResourceCache cache) {
        caches.remove(cache.prefix(), cache);
        if (caches.isEmpty() && subscription != null) {
            Subscription s = subscription;
            subscription = null;
            s.close();
        }
    }

    synchronized List<ResourceCache> all() {
        return new ArrayList<>(caches.values());
    }

    /** Stops the watch and every cache. */
    void close() {
        List<ResourceCache> stopping;
        synchronized (this) {
            stopping = new ArrayList<>(caches.values());
            caches.clear();
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
        }
        stopping.forEach(ResourceCache::fail);
    }

    /**
     * Waits until {@code cache} has reached {@code revision}, at most {@code timeoutNanos}.
     *
     * @return false on timeout
     */
    boolean await(ResourceCache cache, long revision, long timeoutNanos) throws InterruptedException {
        if (cache.revision() >= revision) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (progress) {
            waiting++;
            try {
                while (cache.revision() < revision) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    progress.wait(Math.max(1, left / 1_000_000));
                }
                return true;
            } finally {
                waiting--;
            }
        }
    }

    private void deliver(List<WatchEvent> events) {
        if (!caches.isEmpty()) {
            Map<ResourceCache, List<WatchEvent>> routed = new HashMap<>();
            for (WatchEvent event : events) {
                route(event, routed);
            }
            routed.forEach(this::applyOrStop);
        }
        delivered = events.get(events.size() - 1).revision();
        synchronized (progress) {
            if (waiting > 0) {
                progress.notifyAll();
            }
        }
    }

    /**
     * A change the cache cannot decode (a value encrypted with a key the server does not have) stops that cache:
     * its requests go to the datastore, which answers them or fails them with the same error, and the next use
     * starts it again; the other caches and the feed go on.
     */
    private void applyOrStop(ResourceCache cache, List<WatchEvent> events) {
        try {
            cache.apply(events);
        } catch (ApiException e) {
            LOG.warn("The watch cache of {} stopped: {}", cache.prefix(), e.getMessage());
            synchronized (this) {
                caches.remove(cache.prefix(), cache);
            }
            cache.fail();
        }
    }

    /** A key belongs to the caches of each of its prefixes that ends at a '/'. */
    private void route(WatchEvent event, Map<ResourceCache, List<WatchEvent>> routed) {
        String key = event.kv().key();
        for (int slash = key.indexOf('/', 1); slash > 0; slash = key.indexOf('/', slash + 1)) {
            ResourceCache cache = caches.get(key.substring(0, slash + 1));
            if (cache != null) {
                routed.computeIfAbsent(cache, c -> new ArrayList<>()).add(event);
            }
        }
    }

    /** The datastore ended the watch: the caches can no longer be trusted and start again on next use. */
    private void lost(Subscription s, DatastoreException cause) {
        List<ResourceCache> stopping;
        synchronized (this) {
            if (subscription != s) {
                return;
            }
            subscription = null;
            stopping = new ArrayList<>(caches.values());
            caches.clear();
        }
        LOG.info("The watch cache lost its datastore watch ({}); {} caches restart on next use",
                cause == null ? "closed" : cause.getMessage(), stopping.size());
        stopping.forEach(ResourceCache::fail);
    }

    /** One datastore watch; events of a replaced one are ignored. */
    private final class Subscription implements WatchListener {
        volatile Watch watch;
        private volatile boolean closed;

        @Override
        public void onEvents(List<WatchEvent> events) {
            if (!closed && !events.isEmpty()) {
                deliver(events);
            }
        }

        @Override
        public void onClosed(DatastoreException cause) {
            if (!closed) {
                lost(this, cause);
            }
        }

        void close() {
            closed = true;
            Watch w = watch;
            if (w != null) {
                w.close();
            }
        }
    }
}
