package io.karst.apiserver.cache;

import java.util.ArrayList;
import java.util.List;

/**
 * The most recent events of one resource in a ring of fixed size, so a watch from a recent resourceVersion
 * resumes from memory. Not thread-safe: the owning cache guards it.
 */
final class EventHistory {
    private final CacheEvent[] ring;
    private int start;
    private int size;
    /** Every event after this revision is in the ring: the list revision, or the last event pushed out. */
    private long completeAfter;

    EventHistory(int capacity) {
        ring = new CacheEvent[capacity];
    }

    /** Empties the ring after the cache was loaded from a list at {@code listRevision}. */
    void reset(long listRevision) {
        java.util.Arrays.fill(ring, null);
        start = 0;
        size = 0;
        completeAfter = listRevision;
    }

    void add(CacheEvent event) {
        if (size == ring.length) {
            completeAfter = ring[start].revision();
            ring[start] = null;
            start = (start + 1) % ring.length;
            size--;
        }
        ring[(start + size) % ring.length] = event;
        size++;
    }

    /** Whether a watch from {@code revision} can be served: every event after it is here. */
    boolean covers(long revision) {
        return revision >= completeAfter;
    }

    /** The oldest revision a watch may start from. */
    long oldestServable() {
        return completeAfter;
    }

    /** The events after {@code revision} whose keys start with {@code keyPrefix}, in order. */
    List<CacheEvent> after(long revision, String keyPrefix) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (at(mid).revision() <= revision) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        List<CacheEvent> events = new ArrayList<>(size - lo);
        for (int i = lo; i < size; i++) {
            CacheEvent event = at(i);
            if (event.key().startsWith(keyPrefix)) {
                events.add(event);
            }
        }
        return events;
    }

    int size() {
        return size;
    }

    private CacheEvent at(int i) {
        return ring[(start + i) % ring.length];
    }
}
