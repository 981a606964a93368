package io.karst.etcdserver.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.grpc.Status;
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
    private final Executor calls;
    private final EventLoopCommits commits;

    KvService(KeyValueStore store, Executor calls, EventLoopCommits commits) {
        this.store = store;
        this.calls = calls;
        this.commits = commits;
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

    /**
     * Runs on the transport's thread (see {@link EtcdEndpoint}): a guarded write of one key is handed to the store
     * in the loop's next commit ({@link EventLoopCommits}) and answered when it commits; everything else, and a
     * write whose guard failed, goes to the call threads, where the store may be read.
     */
    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        commits.write(() -> writeOrPassOn(request, observer));
    }

    private void writeOrPassOn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        CompletionStage<TxnResponse> direct;
        try {
            direct = txns.writeDirectly(request);
        } catch (RuntimeException e) {
            observer.onError(EtcdErrors.toStatus(e));
            return;
        }
        if (direct == null) {
            answerOnCallThread(request, observer);
            return;
        }
        direct.whenComplete((response, error) -> {
            if (error != null) {
                observer.onError(EtcdErrors.toStatus(error instanceof CompletionException wrapped
                        && wrapped.getCause() != null ? wrapped.getCause() : error));
            } else if (response == null) {
                answerOnCallThread(request, observer);
            } else {
                observer.onNext(response);
                observer.onCompleted();
            }
        });
    }

    private void answerOnCallThread(TxnRequest request, StreamObserver<TxnResponse> observer) {
        try {
            calls.execute(() -> GrpcCalls.answer(observer, () -> txns.txn(request)));
        } catch (RejectedExecutionException stopping) {
            observer.onError(Status.UNAVAILABLE.withDescription("etcdserver: the endpoint is stopping")
                    .asRuntimeException());
        }
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
