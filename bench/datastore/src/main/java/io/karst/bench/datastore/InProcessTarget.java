package io.karst.bench.datastore;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.WatchEvent;
import io.karst.api.datastore.WatchListener;
import io.karst.datastore.CompactionPolicy;
import io.karst.datastore.CompactionSchedule;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;

/**
 * Karst's SQLite store called directly through {@code KeyValueStore}, opened as the server opens it
 * ({@code synchronous=FULL}, default settings, automatic compaction): the cost of the store without gRPC.
 */
final class InProcessTarget implements BenchTarget {
    private final LogStructuredStore store;
    private final CompactionSchedule compaction;

    InProcessTarget(Path dataDir, CompactionPolicy policy) {
        this.store = SqliteStore.openInDataDir(dataDir, SqliteSync.FULL, StoreSettings.defaults());
        this.compaction = CompactionSchedule.start(store, policy, "bench-in-process-compaction");
    }

    @Override
    public long create(String key, byte[] value) {
        return store.create(key, value, 0).modRevision();
    }

    @Override
    public long update(String key, byte[] value, long expectedModRevision) {
        return store.update(key, value, expectedModRevision, 0).modRevision();
    }

    @Override
    public boolean get(String key) {
        return store.get(key).isPresent();
    }

    @Override
    public int list(String prefix) {
        return store.range(prefix, 0, 0, null).kvs().size();
    }

    @Override
    public AutoCloseable watch(String prefix, LongConsumer onEvent) {
        return store.watch(prefix, 0, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                events.forEach(event -> onEvent.accept(event.revision()));
            }

            @Override
            public void onClosed(DatastoreException cause) {
                if (cause != null) {
                    System.err.println("in-process watch ended: " + cause);
                }
            }
        });
    }

    @Override
    public boolean compactedPast(long revision) {
        return store.compactedRevision() > revision;
    }

    @Override
    public long currentRevision() {
        return store.currentRevision();
    }

    @Override
    public void close() {
        compaction.close();
        store.close();
    }
}
