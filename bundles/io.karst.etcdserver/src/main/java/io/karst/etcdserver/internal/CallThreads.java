package io.karst.etcdserver.internal;

import java.util.concurrent.Executor;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.karst.etcdserver.internal.etcdserverpb.KVGrpc;

/**
 * Where each call runs. Most block on the store (SQL reads), so they run on the call threads. A transaction is
 * started on the transport's own thread: the guarded writes kube-apiserver sends are committed there, with the
 * others that loop was handed in one go, and answered from that commit (see {@link KvService#txn} and
 * {@link EventLoopCommits}), which spares each write two thread hand-offs; any transaction that must read is
 * passed on to the call threads from there.
 */
final class CallThreads implements ServerCallExecutorSupplier {
    private static final Executor TRANSPORT_THREAD = Runnable::run;

    private final Executor calls;

    CallThreads(Executor calls) {
        this.calls = calls;
    }

    @Override
    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
        return call.getMethodDescriptor().getFullMethodName().equals(KVGrpc.getTxnMethod().getFullMethodName())
                ? TRANSPORT_THREAD : calls;
    }
}
