package io.karst.datastore;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.karst.api.datastore.DatastoreStatus;
import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.Lease;
import io.karst.api.datastore.LeaseTimeToLive;
import io.karst.api.datastore.RangeResult;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchListener;

/** A {@link KeyValueStore} that hands every call to another one: the base of provider components and wrappers. */
public abstract class ForwardingKeyValueStore implements KeyValueStore {

    /** The store calls go to; may throw when there is none right now. */
    protected abstract KeyValueStore delegate();

    @Override
    public Optional<KeyValue> get(String key, long revision) {
        return delegate().get(key, revision);
    }

    @Override
    public RangeResult range(KeyRange range, long revision, int limit, String continueFrom) {
        return delegate().range(range, revision, limit, continueFrom);
    }

    @Override
    public long count(String prefix) {
        return delegate().count(prefix);
    }

    @Override
    public KeyValue create(String key, byte[] value, long leaseId) {
        return delegate().create(key, value, leaseId);
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedModRevision, long leaseId) {
        return delegate().update(key, value, expectedModRevision, leaseId);
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        return delegate().delete(key, expectedModRevision);
    }

    @Override
    public CompletionStage<KeyValue> createAsync(String key, byte[] value, long leaseId) {
        return forward(() -> delegate().createAsync(key, value, leaseId));
    }

    @Override
    public CompletionStage<KeyValue> updateAsync(String key, byte[] value, long expectedModRevision, long leaseId) {
        return forward(() -> delegate().updateAsync(key, value, expectedModRevision, leaseId));
    }

    @Override
    public CompletionStage<KeyValue> deleteAsync(String key, long expectedModRevision) {
        return forward(() -> delegate().deleteAsync(key, expectedModRevision));
    }

    /** A delegate that cannot be had fails the stage, as it fails the synchronous call. */
    private static CompletionStage<KeyValue> forward(Supplier<CompletionStage<KeyValue>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Watch watch(KeyRange range, long fromRevision, WatchListener listener) {
        return delegate().watch(range, fromRevision, listener);
    }

    @Override
    public void compact(long revision) {
        delegate().compact(revision);
    }

    @Override
    public long currentRevision() {
        return delegate().currentRevision();
    }

    @Override
    public long compactedRevision() {
        return delegate().compactedRevision();
    }

    @Override
    public Lease grantLease(long ttlSeconds) {
        return delegate().grantLease(ttlSeconds);
    }

    @Override
    public void revokeLease(long leaseId) {
        delegate().revokeLease(leaseId);
    }

    @Override
    public Lease keepAlive(long leaseId) {
        return delegate().keepAlive(leaseId);
    }

    @Override
    public LeaseTimeToLive timeToLive(long leaseId, boolean withKeys) {
        return delegate().timeToLive(leaseId, withKeys);
    }

    @Override
    public List<Lease> leases() {
        return delegate().leases();
    }

    @Override
    public DatastoreStatus status() {
        return delegate().status();
    }
}
