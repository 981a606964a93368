package io.karst.apiserver.cache;

import java.time.Duration;

/**
 * Tuning of the {@link WatchCaches}.
 *
 * @param historyCapacity recent events kept per resource, from which watches resume without the datastore
 * @param watcherQueueCapacity events a watcher may have waiting before it is ended as too slow (its client
 *        watches again from the last event it got, as upstream clients do)
 * @param dispatchThreads threads sending events to all watchers
 * @param freshnessTimeout how long a read waits for the cache to reach a revision before it is served by the
 *        datastore instead (kube-apiserver's watch cache waits 3 s)
 * @param idleTimeout how long a resource's cache lives with no watcher and no list
 * @param maxStoreFallbacks watches from revisions older than a cache's history that may run on their own
 *        datastore watch at once; past it they get 410 Expired, as every such watch does upstream
 */
public record CacheSettings(int historyCapacity, int watcherQueueCapacity, int dispatchThreads,
        Duration freshnessTimeout, Duration idleTimeout, int maxStoreFallbacks) {

    public CacheSettings {
        if (historyCapacity < 1 || watcherQueueCapacity < 1 || dispatchThreads < 1 || maxStoreFallbacks < 0) {
            throw new IllegalArgumentException("cache settings must be positive");
        }
    }

    public static CacheSettings defaults() {
        return new CacheSettings(1024, 1000, Math.max(2, Runtime.getRuntime().availableProcessors()),
                Duration.ofSeconds(3), Duration.ofMinutes(5), 100);
    }

    public CacheSettings withHistoryCapacity(int events) {
        return new CacheSettings(events, watcherQueueCapacity, dispatchThreads, freshnessTimeout, idleTimeout,
                maxStoreFallbacks);
    }

    public CacheSettings withWatcherQueueCapacity(int events) {
        return new CacheSettings(historyCapacity, events, dispatchThreads, freshnessTimeout, idleTimeout,
                maxStoreFallbacks);
    }

    public CacheSettings withIdleTimeout(Duration idle) {
        return new CacheSettings(historyCapacity, watcherQueueCapacity, dispatchThreads, freshnessTimeout, idle,
                maxStoreFallbacks);
    }
}
