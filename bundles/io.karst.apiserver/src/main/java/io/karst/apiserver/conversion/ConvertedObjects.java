package io.karst.apiserver.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Converts an object of the watch cache once for all the watchers of one version it fans out to: the cache hands
 * every watcher the same (never modified) stored object, so a few slots keyed by identity catch the repeats while
 * the dispatcher walks the watchers of one event. The converted object is itself shared, so its encoding is too.
 */
public final class ConvertedObjects {
    private static final int SLOTS = 64;
    private static final Entry[] RECENT = new Entry[SLOTS];

    private record Entry(VersionConversion conversion, ObjectNode stored, ObjectNode served) {
    }

    private ConvertedObjects() {
    }

    /** {@code stored} in the served version of {@code conversion}; the same instance for the same arguments. */
    public static ObjectNode fromStorage(VersionConversion conversion, ObjectNode stored) {
        int slot = ((System.identityHashCode(stored) * 31 + System.identityHashCode(conversion)) & 0x7fffffff)
                % SLOTS;
        Entry seen = RECENT[slot];
        if (seen != null && seen.stored() == stored && seen.conversion() == conversion) {
            return seen.served();
        }
        ObjectNode served = conversion.fromStorage(stored);
        // a plain array slot: a lost write only costs one more conversion
        RECENT[slot] = new Entry(conversion, stored, served);
        return served;
    }
}
