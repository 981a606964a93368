package io.karst.controllers.replicaset;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * client-go's controller expectations: after creating or deleting pods for a ReplicaSet, the controller waits until
 * its informer has seen those creations and deletions before counting pods again; otherwise a cache that lags
 * would make it create (or delete) the same pods twice. Expectations lapse after {@link #TTL}, as upstream's do,
 * so a lost event cannot stall a ReplicaSet for ever.
 */
public final class Expectations {
    public static final Duration TTL = Duration.ofMinutes(5);

    private record Pending(int creations, int deletions, long sinceNanos) {
    }

    private final Map<String, Pending> pending = new HashMap<>();

    public synchronized boolean satisfied(String key) {
        Pending p = pending.get(key);
        return p == null || (p.creations() <= 0 && p.deletions() <= 0)
                || System.nanoTime() - p.sinceNanos() > TTL.toNanos();
    }

    public synchronized void expect(String key, int creations, int deletions) {
        pending.put(key, new Pending(creations, deletions, System.nanoTime()));
    }

    public synchronized void creationObserved(String key) {
        pending.computeIfPresent(key, (k, p) -> new Pending(p.creations() - 1, p.deletions(), p.sinceNanos()));
    }

    public synchronized void deletionObserved(String key) {
        pending.computeIfPresent(key, (k, p) -> new Pending(p.creations(), p.deletions() - 1, p.sinceNanos()));
    }

    public synchronized void forget(String key) {
        pending.remove(key);
    }
}
