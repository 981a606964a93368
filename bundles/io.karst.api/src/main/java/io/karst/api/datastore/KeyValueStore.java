package io.karst.api.datastore;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A revisioned key-value store with etcd v3 semantics. Every change gets the next store revision; reads can be
 * served at any revision not yet compacted; watches replay history from a revision and then follow live
 * changes. Keys are non-empty strings ordered by their UTF-8 bytes; values are byte arrays up to a size the
 * provider documents.
 *
 * <p>A {@code revision} argument of 0 means "the current revision". Reads at a revision below
 * {@link #compactedRevision()} throw {@link CompactedException}; above {@link #currentRevision()},
 * {@link FutureRevisionException}. A database failure throws {@link DatastoreUnavailableException}.
 *
 * <p>Providers register this service with {@value #TYPE_PROPERTY} naming their backend and are chosen by
 * ranking and target filter.
 */
@ProviderType
public interface KeyValueStore {

    /** Service property naming the backend, e.g. {@code sqlite}; consumers may target it. */
    String TYPE_PROPERTY = "karst.datastore.type";

    /** The live key at the current revision. */
    default Optional<KeyValue> get(String key) {
        return get(key, 0);
    }

    /** The key as it was at {@code revision} (0: current); empty when it did not exist then. */
    Optional<KeyValue> get(String key, long revision);

    /**
     * One page of the live keys in {@code range} as they were at {@code revision}, in key order.
     *
     * @param revision the revision to read at, 0 for the current one; later pages pass the first page's
     *        {@link RangeResult#revision()} so the pages form one consistent snapshot
     * @param limit the most keys to return, 0 for no limit
     * @param continueFrom the key to resume from, inclusive ({@link RangeResult#continueKey()}); {@code null}
     *        to start at the range's start
     */
    RangeResult range(KeyRange range, long revision, int limit, String continueFrom);

    /** {@link #range(KeyRange, long, int, String)} over a prefix. */
    default RangeResult range(String prefix, long revision, int limit, String continueFrom) {
        return range(KeyRange.prefix(prefix), revision, limit, continueFrom);
    }

    /** How many live keys start with {@code prefix} at the current revision. */
    long count(String prefix);

    /**
     * Creates a key that does not exist (or was deleted).
     *
     * @param leaseId the lease to attach it to, 0 for none
     * @return the new key
     * @throws KeyExistsException when it exists
     * @throws LeaseNotFoundException when the lease does not exist
     * @throws InvalidRequestException when the key is empty or the value too large
     */
    KeyValue create(String key, byte[] value, long leaseId);

    /**
     * Replaces the value of a live key.
     *
     * @param expectedModRevision the mod revision the caller last saw; 0 updates whatever the current one is
     * @param leaseId the lease to attach it to from now on, 0 for none
     * @return the key after the update
     * @throws KeyNotFoundException when the key does not exist
     * @throws RevisionConflictException when its mod revision is not {@code expectedModRevision}
     */
    KeyValue update(String key, byte[] value, long expectedModRevision, long leaseId);

    /**
     * Deletes a live key.
     *
     * @param expectedModRevision the mod revision the caller last saw; 0 deletes whatever the current one is
     * @return the key as it was just before the deletion
     * @throws KeyNotFoundException when the key does not exist
     * @throws RevisionConflictException when its mod revision is not {@code expectedModRevision}
     */
    KeyValue delete(String key, long expectedModRevision);

    /**
     * {@link #create} without holding the caller's thread while the write commits: a server that answers many
     * clients from a few threads (the etcd endpoint) sends each answer when its commit completes. The stage
     * fails with the exceptions {@link #create} throws. A store that cannot write asynchronously writes at once.
     */
    default CompletionStage<KeyValue> createAsync(String key, byte[] value, long leaseId) {
        return completed(() -> create(key, value, leaseId));
    }

    /** {@link #update} as {@link #createAsync} is {@link #create}. */
    default CompletionStage<KeyValue> updateAsync(String key, byte[] value, long expectedModRevision, long leaseId) {
        return completed(() -> update(key, value, expectedModRevision, leaseId));
    }

    /** {@link #delete} as {@link #createAsync} is {@link #create}. */
    default CompletionStage<KeyValue> deleteAsync(String key, long expectedModRevision) {
        return completed(() -> delete(key, expectedModRevision));
    }

    /**
     * Runs {@code writes}, which call the asynchronous writes ({@link #createAsync} and its siblings), and then
     * commits what they wrote together: on the calling thread when no other commit is under way, which spares
     * the hand-offs to the store's writer and back, else through the writer as usual. A server that reads many
     * requests on one thread (an event loop) runs the writes of the requests it read in one go through this, so
     * that they share a commit and their answers leave from that thread. Nested calls just run {@code writes}.
     * A store without a writer of its own just runs {@code writes}.
     *
     * @since 1.3
     */
    default void commitOnThisThread(Runnable writes) {
        writes.run();
    }

    private static <T> CompletionStage<T> completed(Supplier<T> write) {
        try {
            return CompletableFuture.completedFuture(write.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Watches the keys in {@code range}: first the changes from {@code fromRevision} up to now, replayed from
     * history, then the live ones, all in revision order with no gap and no repeat.
     *
     * @param fromRevision the first revision to deliver; 0 for only the changes after the current revision
     * @throws CompactedException when {@code fromRevision} is not after {@link #compactedRevision()}
     */
    Watch watch(KeyRange range, long fromRevision, WatchListener listener);

    /** {@link #watch(KeyRange, long, WatchListener)} over a prefix. */
    default Watch watch(String prefix, long fromRevision, WatchListener listener) {
        return watch(KeyRange.prefix(prefix), fromRevision, listener);
    }

    /**
     * Discards the history before {@code revision}: the state at {@code revision} and after stays readable,
     * earlier revisions throw {@link CompactedException}. Returns once the compaction is done.
     *
     * @throws CompactedException when the store is already compacted to {@code revision} or beyond
     * @throws FutureRevisionException when {@code revision} is after the current revision
     */
    void compact(long revision);

    /** The revision of the last change; 0 for a store never written. */
    long currentRevision();

    /** The revision the history was compacted to; 0 if never. */
    long compactedRevision();

    /**
     * Grants a lease of {@code ttlSeconds}. Leases outlive restarts: after one, each runs a full TTL again, as
     * etcd's do, so a restart never expires a lease its holder was keeping alive.
     *
     * @throws InvalidRequestException when {@code ttlSeconds} is not positive
     */
    Lease grantLease(long ttlSeconds);

    /**
     * Revokes a lease now, deleting every key attached to it.
     *
     * @throws LeaseNotFoundException when it does not exist
     */
    void revokeLease(long leaseId);

    /**
     * Restarts a lease's TTL.
     *
     * @return the lease
     * @throws LeaseNotFoundException when it does not exist or has expired
     */
    Lease keepAlive(long leaseId);

    /**
     * How long a lease has left, and optionally which keys are attached to it.
     *
     * @param withKeys whether to read the attached keys (a query over the log)
     * @throws LeaseNotFoundException when it does not exist or has expired
     */
    LeaseTimeToLive timeToLive(long leaseId, boolean withKeys);

    /** The live leases, in no particular order. */
    List<Lease> leases();

    /** Revision, compaction and size figures. */
    DatastoreStatus status();
}
