package io.karst.apiserver.cache;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.RangeResult;
import io.karst.apiserver.conversion.ConvertedObjects;
import io.karst.apiserver.conversion.VersionConversion;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.selection.ListOptions;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * The watch cache in front of the datastore, after kube-apiserver's cacher: per datastore key prefix (a resource,
 * whatever its versions), the objects in memory and a history of recent changes, all fed by one datastore watch.
 * Watches are served from it, so a thousand watchers cost one datastore watch; lists that may be served from
 * memory are (resourceVersion "0", NotOlderThan, and consistent lists once the cache has reached the datastore's
 * current revision, as upstream's ConsistentListFromCache). A resource's cache starts on its first list or watch
 * and stops when it has been idle a while.
 */
public final class WatchCaches implements WatchSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchCaches.class);

    private final ObjectStore store;
    private final Supplier<KeyValueStore> kv;
    private final CacheSettings settings;
    private final StoreFeed feed;
    private final StoreWatchSource direct;
    private final ExecutorService dispatch;
    private final AtomicInteger fallbacks = new AtomicInteger();
    private final ScheduledFuture<?> sweeper;
    private volatile boolean closed;

    /**
     * @param timers runs the sweep that stops idle caches
     */
    public WatchCaches(ObjectStore store, Supplier<KeyValueStore> kv, CacheSettings settings,
            ScheduledExecutorService timers) {
        this.store = store;
        this.kv = kv;
        this.settings = settings;
        this.feed = new StoreFeed(kv);
        this.direct = new StoreWatchSource(store);
        AtomicInteger count = new AtomicInteger();
        this.dispatch = Executors.newFixedThreadPool(settings.dispatchThreads(), task -> {
            Thread thread = new Thread(task, "karst-apiserver-watch-dispatch-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        long sweep = Math.max(1000, settings.idleTimeout().toMillis() / 4);
        this.sweeper = timers.scheduleWithFixedDelay(this::stopIdle, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /**
     * One page of a list from memory, when the request may be served from the cache; empty when it must go to
     * the datastore: an exact resourceVersion (resourceVersionMatch=Exact, or a limit with a resourceVersion
     * other than "0"), a continue token, or a cache that could not catch up in time.
     *
     * <p>As upstream 1.33: {@code resourceVersion=0} ignores the limit and answers everything; a consistent list
     * (no resourceVersion) answers at least the datastore's current revision, honours the limit, and its continue
     * token pins the next pages to the revision of the first (served by the datastore).
     *
     * @param filter the request's selectors
     */
    public Optional<ObjectStore.Page> list(ResourceType type, String namespace, ListOptions options,
            Predicate<ObjectNode> filter) {
        String rv = options.resourceVersion();
        String match = options.resourceVersionMatch();
        if (closed || !options.continueToken().isEmpty() || match.equals(ListOptions.EXACT)
                || !(match.isEmpty() || match.equals(ListOptions.NOT_OLDER_THAN))) {
            return Optional.empty();
        }
        boolean legacyExact = match.isEmpty() && options.hasLimit() && !rv.isEmpty() && !rv.equals("0");
        if (legacyExact) {
            return Optional.empty();
        }
        long limit = rv.equals("0") ? 0 : Math.max(0, options.limit());
        try {
            long atLeast = rv.isEmpty() ? store.currentRevision() : ListOptions.parseResourceVersion(rv);
            ResourceCache cache = cacheFor(type);
            if (cache == null || !feed.await(cache, atLeast, settings.freshnessTimeout().toNanos())) {
                return Optional.empty();
            }
            return Optional.of(cache.list(type, type.keyPrefix(namespace), filter, limit));
        } catch (ApiException | DatastoreException | IllegalStateException e) {
            LOG.debug("Listing {} from the datastore: the watch cache could not serve it: {}", type, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The cache holds objects as stored; a watch of a version stored as another sees them converted, each
     * changed object once per version for all its watchers ({@link ConvertedObjects}), and its selectors apply
     * to the converted object.
     */
    @Override
    public WatchStream watch(ResourceType type, String namespace, long fromRevision, boolean initialEvents,
            Predicate<ObjectNode> filter, WatchTarget target) {
        if (type.converted()) {
            VersionConversion conversion = type.conversion();
            return watchCache(type, namespace, fromRevision, initialEvents,
                    stored -> filter.test(ConvertedObjects.fromStorage(conversion, stored)),
                    new ConvertingTarget(conversion, target), filter, target);
        }
        return watchCache(type, namespace, fromRevision, initialEvents, filter, target, filter, target);
    }

    /**
     * @param cacheFilter and {@code cacheTarget} see stored objects; {@code filter} and {@code target} the
     *        version of {@code type}, for a watch the datastore serves directly (it converts as it decodes)
     */
    private WatchStream watchCache(ResourceType type, String namespace, long fromRevision, boolean initialEvents,
            Predicate<ObjectNode> cacheFilter, WatchTarget cacheTarget, Predicate<ObjectNode> filter,
            WatchTarget target) {
        String keyPrefix = type.keyPrefix(namespace);
        ResourceCache cache;
        try {
            cache = closed ? null : cacheFor(type);
            if (cache != null && initialEvents) {
                if (feed.await(cache, fromRevision, settings.freshnessTimeout().toNanos())) {
                    return cache.watchWithState(keyPrefix, cacheFilter, cacheTarget);
                }
                cache = null;
            } else if (cache != null) {
                CacheWatcher watcher = cache.watchFrom(fromRevision, keyPrefix, cacheFilter, cacheTarget);
                if (watcher != null) {
                    return watcher;
                }
            }
        } catch (ApiException | DatastoreException | IllegalStateException e) {
            LOG.debug("Watching {} on the datastore: the watch cache could not serve it: {}", type, e.toString());
            cache = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.serviceUnavailable("interrupted");
        }
        if (cache == null) {
            return direct.watch(type, namespace, fromRevision, initialEvents, filter, target);
        }
        // Older than the history: upstream answers 410 and the client lists again. The datastore may still
        // hold those changes, so a few such watches are served by it; past that, or when it has compacted them
        // too, 410 as upstream.
        long compacted = store.compactedRevision();
        if (fromRevision < compacted) {
            throw ApiException.expired("too old resource version: " + fromRevision + " (" + compacted + ")");
        }
        if (fallbacks.incrementAndGet() > settings.maxStoreFallbacks()) {
            fallbacks.decrementAndGet();
            throw ApiException.expired("too old resource version: " + fromRevision + " ("
                    + cache.oldestServable() + ")");
        }
        try {
            return new CountedStream(direct.watch(type, namespace, fromRevision, false, filter, target));
        } catch (RuntimeException e) {
            fallbacks.decrementAndGet();
            throw e;
        }
    }

    /** The cache of a resource, started and loaded on first use; null once closed. */
    private ResourceCache cacheFor(ResourceType type) {
        String prefix = type.keyPrefix();
        while (!closed) {
            ResourceCache cache;
            boolean mine = false;
            synchronized (this) {
                cache = feed.get(prefix);
                if (cache == null) {
                    cache = new ResourceCache(prefix, store, feed, dispatch, settings);
                    feed.add(cache);
                    mine = true;
                }
            }
            if (mine) {
                load(cache);
            } else if (!cache.awaitLoaded()) {
                continue;
            }
            cache.touch();
            return cache;
        }
        return null;
    }

    private void load(ResourceCache cache) {
        try {
            KeyValueStore store = kv.get();
            if (store == null) {
                throw ApiException.serviceUnavailable("the datastore is not available");
            }
            RangeResult all = store.range(cache.prefix(), 0, 0, null);
            cache.load(all.kvs(), all.revision());
        } catch (RuntimeException e) {
            synchronized (this) {
                feed.remove(cache);
            }
            cache.fail();
            throw e;
        }
    }

    /** Stops the caches nobody watched or listed for the idle timeout. */
    private void stopIdle() {
        long before = System.nanoTime() - settings.idleTimeout().toNanos();
        for (ResourceCache cache : feed.all()) {
            boolean stop;
            synchronized (this) {
                stop = cache.idleSince(before);
                if (stop) {
                    feed.remove(cache);
                }
            }
            if (stop) {
                cache.fail();
                LOG.debug("Watch cache of {} stopped after being idle", cache.prefix());
            }
        }
    }

    /** Resources with a running cache. */
    int activeCaches() {
        return feed.all().size();
    }

    /** Watchers served by the cache of a resource; 0 when it has none. */
    int watchers(ResourceType type) {
        ResourceCache cache = feed.get(type.keyPrefix());
        return cache == null ? 0 : cache.watcherCount();
    }

    /** Ends every cached watch (clients watch again) and stops the datastore watch. */
    @Override
    public void close() {
        closed = true;
        sweeper.cancel(false);
        feed.close();
        // Let the watchers' endings run, then stop.
        dispatch.shutdown();
        try {
            if (!dispatch.awaitTermination(2, TimeUnit.SECONDS)) {
                dispatch.shutdownNow();
            }
        } catch (InterruptedException e) {
            dispatch.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Hands a watcher the cache's stored objects in its version. */
    private record ConvertingTarget(VersionConversion conversion, WatchTarget target) implements WatchTarget {
        @Override
        public boolean event(String type, ObjectNode object, long revision) {
            return target.event(type, ConvertedObjects.fromStorage(conversion, object), revision);
        }

        @Override
        public void initialEventsEnd(long revision) {
            target.initialEventsEnd(revision);
        }

        @Override
        public void ended(ApiException cause) {
            target.ended(cause);
        }
    }

    /** A datastore watch standing in for the cache, counted against {@link CacheSettings#maxStoreFallbacks()}. */
    private final class CountedStream implements WatchStream {
        private final WatchStream stream;
        private final AtomicBoolean released = new AtomicBoolean();

        CountedStream(WatchStream stream) {
            this.stream = stream;
        }

        @Override
        public long caughtUpRevision() {
            return stream.caughtUpRevision();
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                fallbacks.decrementAndGet();
            }
            stream.close();
        }
    }
}
