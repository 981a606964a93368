package io.karst.bench.datastore;

import java.util.function.LongConsumer;

/**
 * The few operations the bench measures, on one store. The etcd client implements them for both etcd and
 * Karst's etcd endpoint, so both servers see exactly the same requests; the in-process target implements them
 * on Karst's {@code KeyValueStore} directly.
 */
interface BenchTarget extends AutoCloseable {

    /**
     * Creates a key that must not exist yet.
     *
     * @return the key's mod revision
     */
    long create(String key, byte[] value);

    /**
     * Replaces a key's value, guarded by the mod revision the writer last saw (as kube-apiserver updates).
     *
     * @return the new mod revision
     */
    long update(String key, byte[] value, long expectedModRevision);

    /** Reads one key; whether it exists. */
    boolean get(String key);

    /** Lists every key under a prefix in one request; how many came back. */
    int list(String prefix);

    /**
     * Watches a prefix from now on; {@code onEvent} is called with each event's revision as it arrives. Returns
     * once the watch is established, so writes made after it are seen.
     */
    AutoCloseable watch(String prefix, LongConsumer onEvent);

    /** Whether a read at {@code revision} is refused because history up to it was compacted. */
    boolean compactedPast(long revision);

    /** The store's current revision. */
    long currentRevision();

    /**
     * The bytes of the database its data occupies, as the store reports it; etcd's shrinks as its compaction
     * deletes in the background, while its file keeps its size until a defragmentation. -1 when unknown.
     */
    default long dbBytesInUse() {
        return -1;
    }

    /** Writes the store refused as unavailable and that were tried again; 0 where nothing retries. */
    default long refusedWrites() {
        return 0;
    }

    /** Reclaims the space compaction freed, where the store needs an explicit step for it; false if not. */
    default boolean defragment() {
        return false;
    }

    @Override
    void close();
}
