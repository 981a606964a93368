package io.karst.etcdserver.internal;

import java.util.Optional;

import io.grpc.Status;
import io.karst.api.datastore.KeyExistsException;
import io.karst.api.datastore.KeyNotFoundException;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.RangeResult;
import io.karst.api.datastore.RevisionConflictException;
import io.karst.etcdserver.internal.etcdserverpb.DeleteRangeRequest;
import io.karst.etcdserver.internal.etcdserverpb.DeleteRangeResponse;
import io.karst.etcdserver.internal.etcdserverpb.PutRequest;
import io.karst.etcdserver.internal.etcdserverpb.PutResponse;

/**
 * etcd's unconditional Put and DeleteRange over the store's guarded create, update and delete. Each write is
 * guarded by the state just read, so the previous key-value a response reports is exactly the one replaced;
 * a concurrent writer makes the guard fail and the write is tried again on the new state.
 */
final class KeyWriter {
    /** Enough for any real contention on one key; beyond it the caller is told to retry rather than spin. */
    static final int MAX_ATTEMPTS = 64;
    private static final int DELETE_PAGE = 1000;

    private final KeyValueStore store;

    KeyWriter(KeyValueStore store) {
        this.store = store;
    }

    PutResponse put(PutRequest request) {
        String key = requireKey(request.getKey().toStringUtf8());
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                return putAssuming(request, store.get(key));
            } catch (KeyExistsException | KeyNotFoundException | RevisionConflictException changedMeanwhile) {
                // another writer got in between the read and the write: read again
            }
        }
        throw contended(key);
    }

    /**
     * Writes the put on the assumption that the key is as {@code current} says.
     *
     * @throws KeyExistsException, RevisionConflictException, KeyNotFoundException when it no longer is
     */
    PutResponse putAssuming(PutRequest request, Optional<KeyValue> current) {
        String key = requireKey(request.getKey().toStringUtf8());
        if ((request.getIgnoreValue() || request.getIgnoreLease()) && current.isEmpty()) {
            throw EtcdErrors.keyNotFound();
        }
        byte[] value = request.getIgnoreValue() ? current.get().value() : request.getValue().toByteArray();
        long lease = request.getIgnoreLease() ? current.get().lease() : request.getLease();
        KeyValue written = current.isEmpty() ? store.create(key, value, lease)
                : store.update(key, value, current.get().modRevision(), lease);
        PutResponse.Builder response = PutResponse.newBuilder().setHeader(ResponseHeaders.at(written.modRevision()));
        if (request.getPrevKv()) {
            current.ifPresent(prev -> response.setPrevKv(ProtoKeyValues.of(prev)));
        }
        return response.build();
    }

    /**
     * Deletes one key or every key of a range. A range is deleted key by key, each with its own revision: the
     * store has no multi-key transaction. kube-apiserver only deletes single keys.
     */
    DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
        KeySelection selection = KeySelection.of(request.getKey(), request.getRangeEnd());
        if (selection.single()) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                try {
                    return deleteAssuming(selection.key(), store.get(selection.key()), request.getPrevKv());
                } catch (KeyNotFoundException | RevisionConflictException changedMeanwhile) {
                    // read again
                }
            }
            throw contended(selection.key());
        }
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder();
        long deleted = 0;
        RangeResult page = store.range(selection.range(), 0, DELETE_PAGE, null);
        while (true) {
            for (KeyValue kv : page.kvs()) {
                Optional<KeyValue> removed = deleteLatest(kv);
                if (removed.isPresent()) {
                    deleted++;
                    if (request.getPrevKv()) {
                        response.addPrevKvs(ProtoKeyValues.of(removed.get()));
                    }
                }
            }
            if (!page.more()) {
                break;
            }
            page = store.range(selection.range(), 0, DELETE_PAGE, page.continueKey());
        }
        return response.setDeleted(deleted).setHeader(ResponseHeaders.at(store.currentRevision())).build();
    }

    /**
     * Deletes the key on the assumption that it is as {@code current} says; deleting an absent key deletes
     * nothing, as in etcd.
     */
    DeleteRangeResponse deleteAssuming(String key, Optional<KeyValue> current, boolean prevKv) {
        if (current.isEmpty()) {
            return DeleteRangeResponse.newBuilder().setHeader(ResponseHeaders.at(store.currentRevision())).build();
        }
        KeyValue removed = store.delete(key, current.get().modRevision());
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder().setDeleted(1)
                .setHeader(ResponseHeaders.at(store.currentRevision()));
        if (prevKv) {
            response.addPrevKvs(ProtoKeyValues.of(removed));
        }
        return response.build();
    }

    /** Deletes whatever version of the key is live now; empty when it is gone already. */
    private Optional<KeyValue> deleteLatest(KeyValue seen) {
        KeyValue expected = seen;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                return Optional.of(store.delete(expected.key(), expected.modRevision()));
            } catch (KeyNotFoundException gone) {
                return Optional.empty();
            } catch (RevisionConflictException changed) {
                expected = changed.current();
            }
        }
        throw contended(seen.key());
    }

    static String requireKey(String key) {
        if (key.isEmpty()) {
            throw EtcdErrors.emptyKey();
        }
        return key;
    }

    static RuntimeException contended(String key) {
        return Status.ABORTED.withDescription("etcdserver: key " + key + " changed " + MAX_ATTEMPTS
                + " times while being written; retry").asRuntimeException();
    }
}
