package io.karst.etcdserver.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import io.karst.api.datastore.KeyExistsException;
import io.karst.api.datastore.KeyNotFoundException;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.RevisionConflictException;
import io.karst.etcdserver.internal.etcdserverpb.Compare;
import io.karst.etcdserver.internal.etcdserverpb.DeleteRangeRequest;
import io.karst.etcdserver.internal.etcdserverpb.DeleteRangeResponse;
import io.karst.etcdserver.internal.etcdserverpb.PutRequest;
import io.karst.etcdserver.internal.etcdserverpb.PutResponse;
import io.karst.etcdserver.internal.etcdserverpb.RangeResponse;
import io.karst.etcdserver.internal.etcdserverpb.RequestOp;
import io.karst.etcdserver.internal.etcdserverpb.ResponseOp;
import io.karst.etcdserver.internal.etcdserverpb.TxnRequest;
import io.karst.etcdserver.internal.etcdserverpb.TxnResponse;

/**
 * etcd's Txn in the shapes kube-apiserver (and kine's users) send: compares on one key, then at most one put or
 * delete of that key plus any reads. Such a transaction is exactly a guarded write: the key is read, the
 * compares are evaluated on it, and the chosen branch's write is made conditional on the key's mod revision as
 * read (or on its absence), so the store refuses it if anything changed in between, and the whole transaction
 * is evaluated again. Any other shape (several keys, key ranges in compares, nested transactions) would need a
 * multi-key transaction the store does not offer, and is refused with UNIMPLEMENTED.
 */
final class TxnExecutor {
    private final KeyValueStore store;
    private final RangeReader reader;
    private final KeyWriter writer;

    TxnExecutor(KeyValueStore store, RangeReader reader, KeyWriter writer) {
        this.store = store;
        this.reader = reader;
        this.writer = writer;
    }

    TxnResponse txn(TxnRequest request) {
        String guardKey = guardKey(request);
        for (int attempt = 0; attempt < KeyWriter.MAX_ATTEMPTS; attempt++) {
            long readAt = store.currentRevision();
            Optional<KeyValue> current = guardKey == null ? Optional.empty() : store.get(guardKey, readAt);
            boolean succeeded = request.getCompareList().stream().allMatch(compare -> holds(compare, current));
            try {
                return execute(succeeded ? request.getSuccessList() : request.getFailureList(), succeeded,
                        current, readAt);
            } catch (KeyExistsException | KeyNotFoundException | RevisionConflictException changedMeanwhile) {
                // the key moved between the compare and the write: evaluate the compares again
            }
        }
        throw KeyWriter.contended(guardKey);
    }

    private TxnResponse execute(List<RequestOp> ops, boolean succeeded, Optional<KeyValue> current,
            long readAt) {
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(succeeded);
        long revision = readAt;
        for (RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> {
                    RangeResponse range = reader.range(op.getRequestRange());
                    revision = Math.max(revision, range.getHeader().getRevision());
                    response.addResponses(ResponseOp.newBuilder().setResponseRange(range));
                }
                case REQUEST_PUT -> {
                    PutResponse put = writer.putAssuming(op.getRequestPut(), current);
                    revision = Math.max(revision, put.getHeader().getRevision());
                    response.addResponses(ResponseOp.newBuilder().setResponsePut(put));
                }
                case REQUEST_DELETE_RANGE -> {
                    DeleteRangeRequest delete = op.getRequestDeleteRange();
                    var deleted = writer.deleteAssuming(delete.getKey().toStringUtf8(), current,
                            delete.getPrevKv());
                    revision = Math.max(revision, deleted.getHeader().getRevision());
                    response.addResponses(ResponseOp.newBuilder().setResponseDeleteRange(deleted));
                }
                default -> throw EtcdErrors.unimplemented("transaction operation " + op.getRequestCase());
            }
        }
        return response.setHeader(ResponseHeaders.at(revision)).build();
    }

    /**
     * kube-apiserver's writes, "if the key's mod revision is R, put (or delete) it", are exactly the store's
     * guarded create (R = 0), update and delete. Made directly, the store checks the guard as it writes, without
     * the read the general path makes first, and without holding a thread while the write commits.
     *
     * @return null when the transaction has another shape; else a stage completing with the answer of the success
     *         branch, or with null when the guard failed: {@link #txn} then reads the key and answers the failure
     *         branch
     */
    CompletionStage<TxnResponse> writeDirectly(TxnRequest request) {
        if (request.getCompareCount() != 1 || request.getSuccessCount() != 1) {
            return null;
        }
        Compare compare = request.getCompare(0);
        if (compare.getTarget() != Compare.CompareTarget.MOD || compare.getResult() != Compare.CompareResult.EQUAL
                || !compare.getRangeEnd().isEmpty()) {
            return null;
        }
        String key = compare.getKey().toStringUtf8();
        long guard = compare.getModRevision();
        RequestOp op = request.getSuccess(0);
        if (op.getRequestCase() == RequestOp.RequestCase.REQUEST_PUT) {
            PutRequest put = op.getRequestPut();
            if (put.getPrevKv() || put.getIgnoreValue() || put.getIgnoreLease() || !put.getKey().equals(compare.getKey())
                    || key.isEmpty()) {
                return null;
            }
            byte[] value = put.getValue().toByteArray();
            CompletionStage<KeyValue> written = guard == 0 ? store.createAsync(key, value, put.getLease())
                    : store.updateAsync(key, value, guard, put.getLease());
            return guarded(written.thenApply(kv -> {
                PutResponse response = PutResponse.newBuilder().setHeader(ResponseHeaders.at(kv.modRevision())).build();
                return TxnResponse.newBuilder().setSucceeded(true).setHeader(response.getHeader())
                        .addResponses(ResponseOp.newBuilder().setResponsePut(response)).build();
            }));
        }
        if (op.getRequestCase() == RequestOp.RequestCase.REQUEST_DELETE_RANGE && guard != 0) {
            DeleteRangeRequest delete = op.getRequestDeleteRange();
            if (!delete.getRangeEnd().isEmpty() || !delete.getKey().equals(compare.getKey()) || key.isEmpty()) {
                return null;
            }
            return guarded(store.deleteAsync(key, guard).thenApply(removed -> {
                DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder().setDeleted(1)
                        .setHeader(ResponseHeaders.at(store.currentRevision()));
                if (delete.getPrevKv()) {
                    response.addPrevKvs(ProtoKeyValues.of(removed));
                }
                return TxnResponse.newBuilder().setSucceeded(true).setHeader(response.getHeader())
                        .addResponses(ResponseOp.newBuilder().setResponseDeleteRange(response)).build();
            }));
        }
        return null;
    }

    /** A failed guard becomes a null answer; any other failure stays one. */
    private static CompletionStage<TxnResponse> guarded(CompletionStage<TxnResponse> write) {
        return write.handle((response, error) -> {
            if (error == null) {
                return response;
            }
            Throwable cause = error instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : error;
            if (cause instanceof KeyExistsException || cause instanceof KeyNotFoundException
                    || cause instanceof RevisionConflictException) {
                return null;
            }
            throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
        });
    }

    /**
     * The one key the transaction compares and writes, {@code null} for a transaction that only reads; refuses
     * every shape that is not a guarded write of one key.
     */
    private static String guardKey(TxnRequest request) {
        String key = null;
        for (Compare compare : request.getCompareList()) {
            if (!compare.getRangeEnd().isEmpty()) {
                throw EtcdErrors.unimplemented("compare over a key range");
            }
            key = sameKey(key, KeyWriter.requireKey(compare.getKey().toStringUtf8()), "compares on several keys");
        }
        for (List<RequestOp> branch : List.of(request.getSuccessList(), request.getFailureList())) {
            int writes = 0;
            for (RequestOp op : branch) {
                String written = switch (op.getRequestCase()) {
                    case REQUEST_PUT -> op.getRequestPut().getKey().toStringUtf8();
                    case REQUEST_DELETE_RANGE -> {
                        if (!op.getRequestDeleteRange().getRangeEnd().isEmpty()) {
                            throw EtcdErrors.unimplemented("deleting a key range in a transaction");
                        }
                        yield op.getRequestDeleteRange().getKey().toStringUtf8();
                    }
                    case REQUEST_RANGE -> null;
                    case REQUEST_TXN -> throw EtcdErrors.unimplemented("nested transactions");
                    default -> throw EtcdErrors.unimplemented("an empty transaction operation");
                };
                if (written != null) {
                    if (++writes > 1) {
                        throw EtcdErrors.unimplemented("more than one write in a transaction branch");
                    }
                    key = sameKey(key, KeyWriter.requireKey(written), "writing a key other than the compared one");
                }
            }
        }
        return key;
    }

    private static String sameKey(String known, String key, String refusal) {
        if (known != null && !known.equals(key)) {
            throw EtcdErrors.unimplemented(refusal);
        }
        return key;
    }

    /** etcd's compare: an absent key has version, revisions and lease 0, and no value to compare. */
    static boolean holds(Compare compare, Optional<KeyValue> current) {
        int order;
        switch (compare.getTarget()) {
            case VERSION -> order = Long.compare(current.map(KeyValue::version).orElse(0L), compare.getVersion());
            case CREATE -> order = Long.compare(current.map(KeyValue::createRevision).orElse(0L),
                    compare.getCreateRevision());
            case MOD -> order = Long.compare(current.map(KeyValue::modRevision).orElse(0L), compare.getModRevision());
            case LEASE -> order = Long.compare(current.map(KeyValue::lease).orElse(0L), compare.getLease());
            case VALUE -> {
                if (current.isEmpty()) {
                    return false;
                }
                order = Arrays.compareUnsigned(current.get().value(), compare.getValue().toByteArray());
            }
            default -> throw EtcdErrors.unimplemented("compare target " + compare.getTarget());
        }
        return switch (compare.getResult()) {
            case EQUAL -> order == 0;
            case NOT_EQUAL -> order != 0;
            case GREATER -> order > 0;
            case LESS -> order < 0;
            default -> throw EtcdErrors.unimplemented("compare result " + compare.getResult());
        };
    }
}
