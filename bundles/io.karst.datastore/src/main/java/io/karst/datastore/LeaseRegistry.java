package io.karst.datastore;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import io.karst.api.datastore.Lease;

/**
 * The leases and their deadlines. Deadlines live only in memory: on start every stored lease gets a full TTL
 * again, as etcd's leader does after an election, so nothing is persisted per keep-alive.
 */
final class LeaseRegistry {
    private final Map<Long, Entry> leases = new ConcurrentHashMap<>();

    private static final class Entry {
        final long ttlSeconds;
        volatile long deadlineNanos;

        Entry(long ttlSeconds, long now) {
            this.ttlSeconds = ttlSeconds;
            this.deadlineNanos = now + ttlSeconds * 1_000_000_000L;
        }

        boolean expired(long now) {
            return now - deadlineNanos >= 0;
        }
    }

    /** A fresh random id: positive, unused, and unguessable enough that ids do not collide across restarts. */
    long newId() {
        while (true) {
            long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            if (!leases.containsKey(id)) {
                return id;
            }
        }
    }

    void add(long id, long ttlSeconds) {
        leases.put(id, new Entry(ttlSeconds, System.nanoTime()));
    }

    void remove(long id) {
        leases.remove(id);
    }

    /** Whether the lease exists and has not expired: keys may be attached to it. */
    boolean alive(long id) {
        Entry entry = leases.get(id);
        return entry != null && !entry.expired(System.nanoTime());
    }

    boolean exists(long id) {
        return leases.containsKey(id);
    }

    /** Restarts the lease's TTL; {@code null} when it does not exist or has already expired. */
    Lease keepAlive(long id) {
        Entry entry = leases.get(id);
        long now = System.nanoTime();
        if (entry == null || entry.expired(now)) {
            return null;
        }
        entry.deadlineNanos = now + entry.ttlSeconds * 1_000_000_000L;
        return new Lease(id, entry.ttlSeconds);
    }

    /** The lease's granted TTL and its whole seconds left; {@code null} when it does not exist or has expired. */
    long[] timeToLive(long id) {
        Entry entry = leases.get(id);
        long now = System.nanoTime();
        if (entry == null || entry.expired(now)) {
            return null;
        }
        return new long[] {entry.ttlSeconds, (entry.deadlineNanos - now) / 1_000_000_000L};
    }

    /** The leases that have not expired. */
    List<Lease> live() {
        long now = System.nanoTime();
        return leases.entrySet().stream().filter(e -> !e.getValue().expired(now))
                .map(e -> new Lease(e.getKey(), e.getValue().ttlSeconds)).toList();
    }

    List<Long> expired() {
        long now = System.nanoTime();
        return leases.entrySet().stream().filter(e -> e.getValue().expired(now)).map(Map.Entry::getKey).toList();
    }
}
