package io.karst.etcdserver.internal;

import io.grpc.stub.StreamObserver;
import io.karst.api.datastore.KeyValueStore;
import io.karst.etcdserver.internal.etcdserverpb.CompactionRequest;
import io.karst.etcdserver.internal.etcdserverpb.CompactionResponse;
import io.karst.etcdserver.internal.etcdserverpb.DeleteRangeRequest;
import io.karst.etcdserver.internal.etcdserverpb.DeleteRangeResponse;
import io.karst.etcdserver.internal.etcdserverpb.KVGrpc;
import io.karst.etcdserver.internal.etcdserverpb.PutRequest;
import io.karst.etcdserver.internal.etcdserverpb.PutResponse;
import io.karst.etcdserver.internal.etcdserverpb.RangeRequest;
import io.karst.etcdserver.internal.etcdserverpb.RangeResponse;
import io.karst.etcdserver.internal.etcdserverpb.TxnRequest;
import io.karst.etcdserver.internal.etcdserverpb.TxnResponse;

/** etcd's KV service. */
final class KvService extends KVGrpc.KVImplBase {
    private final KeyValueStore store;
    private final RangeReader reader;
    private final KeyWriter writer;
    private final TxnExecutor txns;

    KvService(KeyValueStore store) {
        this.store = store;
        this.reader = new RangeReader(store);
        this.writer = new KeyWriter(store);
        this.txns = new TxnExecutor(store, reader, writer);
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        GrpcCalls.answer(observer, () -> reader.range(request));
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        GrpcCalls.answer(observer, () -> writer.put(request));
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
        GrpcCalls.answer(observer, () -> writer.deleteRange(request));
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        GrpcCalls.answer(observer, () -> txns.txn(request));
    }

    /** Compacts synchronously, so {@code physical} needs no separate wait. */
    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        GrpcCalls.answer(observer, () -> {
            store.compact(request.getRevision());
            return CompactionResponse.newBuilder().setHeader(ResponseHeaders.at(store.currentRevision())).build();
        });
    }
}
