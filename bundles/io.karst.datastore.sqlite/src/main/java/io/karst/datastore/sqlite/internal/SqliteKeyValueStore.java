package io.karst.datastore.sqlite.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

import io.karst.api.datastore.DatastoreStatus;
import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.Lease;
import io.karst.api.datastore.LeaseTimeToLive;
import io.karst.api.datastore.RangeResult;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchListener;
import io.karst.datastore.CompactionPolicy;
import io.karst.datastore.CompactionSchedule;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;

/**
 * The SQLite store as a service. Ranked -100 so that any configured external datastore outranks this default;
 * consumers that want this one target {@code (karst.datastore.type=sqlite)}.
 */
@Component(configurationPid = SqliteKeyValueStore.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = {"service.ranking:Integer=-100", KeyValueStore.TYPE_PROPERTY + "=sqlite"})
@Designate(ocd = SqliteStoreConfig.class)
public final class SqliteKeyValueStore implements KeyValueStore {
    static final String PID = "io.karst.datastore.sqlite";

    private final LogStructuredStore store;
    private final CompactionSchedule compaction;

    @Activate
    public SqliteKeyValueStore(SqliteStoreConfig config) {
        StoreSettings settings = StoreSettings.defaults().withMaxValueBytes(config.max_value_bytes())
                .withReadConnections(Math.max(1, config.read_connections()));
        // Checked before the database is opened, so a bad setting leaves nothing open behind the failed activation.
        CompactionPolicy policy = policy(config);
        this.store = SqliteStore.openInDataDir(Path.of(config.data_dir()), config.synchronous(), settings);
        this.compaction = CompactionSchedule.start(store, policy, "karst-datastore-sqlite-compaction");
    }

    static CompactionPolicy policy(SqliteStoreConfig config) {
        return new CompactionPolicy(Duration.ofSeconds(config.compaction_interval_seconds()),
                Duration.ofSeconds(config.compaction_retention_seconds()), config.compaction_min_revisions());
    }

    /**
     * Stops the compaction schedule, the writer, watch and lease threads and closes every connection; open
     * watches are ended.
     */
    @Deactivate
    void deactivate() {
        // The schedule first: a compaction round must not find the store closing under it.
        compaction.close();
        store.close();
    }

    @Override
    public Optional<KeyValue> get(String key, long revision) {
        return store.get(key, revision);
    }

    @Override
    public RangeResult range(KeyRange range, long revision, int limit, String continueFrom) {
        return store.range(range, revision, limit, continueFrom);
    }

    @Override
    public long count(String prefix) {
        return store.count(prefix);
    }

    @Override
    public KeyValue create(String key, byte[] value, long leaseId) {
        return store.create(key, value, leaseId);
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedModRevision, long leaseId) {
        return store.update(key, value, expectedModRevision, leaseId);
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        return store.delete(key, expectedModRevision);
    }

    @Override
    public CompletionStage<KeyValue> createAsync(String key, byte[] value, long leaseId) {
        return store.createAsync(key, value, leaseId);
    }

    @Override
    public CompletionStage<KeyValue> updateAsync(String key, byte[] value, long expectedModRevision, long leaseId) {
        return store.updateAsync(key, value, expectedModRevision, leaseId);
    }

    @Override
    public CompletionStage<KeyValue> deleteAsync(String key, long expectedModRevision) {
        return store.deleteAsync(key, expectedModRevision);
    }

    @Override
    public Watch watch(KeyRange range, long fromRevision, WatchListener listener) {
        return store.watch(range, fromRevision, listener);
    }

    @Override
    public void compact(long revision) {
        store.compact(revision);
    }

    @Override
    public long currentRevision() {
        return store.currentRevision();
    }

    @Override
    public long compactedRevision() {
        return store.compactedRevision();
    }

    @Override
    public Lease grantLease(long ttlSeconds) {
        return store.grantLease(ttlSeconds);
    }

    @Override
    public void revokeLease(long leaseId) {
        store.revokeLease(leaseId);
    }

    @Override
    public Lease keepAlive(long leaseId) {
        return store.keepAlive(leaseId);
    }

    @Override
    public LeaseTimeToLive timeToLive(long leaseId, boolean withKeys) {
        return store.timeToLive(leaseId, withKeys);
    }

    @Override
    public List<Lease> leases() {
        return store.leases();
    }

    @Override
    public DatastoreStatus status() {
        return store.status();
    }
}
