package io.karst.apiserver.conversion;

import java.util.concurrent.atomic.AtomicReferenceArray;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Converts an object of the watch cache once for all the watchers of one version it fans out to: the cache hands
 * every watcher the same (never modified) stored object, so a few slots keyed by identity catch the repeats while
 * the dispatchers walk the watchers of one event. The converted object is itself shared, so its encoding is too.
 */
public final class ConvertedObjects {
    private static final int SLOTS = 64;
    private static final AtomicReferenceArray<Entry> RECENT = new AtomicReferenceArray<>(SLOTS);
    private static final Object[] LOCKS = new Object[SLOTS];

    static {
        for (int i = 0; i < SLOTS; i++) {
            LOCKS[i] = new Object();
        }
    }

    private record Entry(VersionConversion conversion, ObjectNode stored, ObjectNode served) {
        boolean holds(VersionConversion c, ObjectNode s) {
            return stored == s && conversion == c;
        }
    }

    private ConvertedObjects() {
    }

    /** {@code stored} in the served version of {@code conversion}; the same instance while it stays in its slot. */
    public static ObjectNode fromStorage(VersionConversion conversion, ObjectNode stored) {
        int slot = ((System.identityHashCode(stored) * 31 + System.identityHashCode(conversion)) & 0x7fffffff)
                % SLOTS;
        Entry seen = RECENT.get(slot);
        if (seen != null && seen.holds(conversion, stored)) {
            return seen.served();
        }
        // dispatchers of one event's watchers arrive together: one converts, the others take its result
        synchronized (LOCKS[slot]) {
            seen = RECENT.get(slot);
            if (seen != null && seen.holds(conversion, stored)) {
                return seen.served();
            }
            ObjectNode served = conversion.fromStorage(stored);
            RECENT.set(slot, new Entry(conversion, stored, served));
            return served;
        }
    }
}
