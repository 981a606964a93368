package io.karst.etcdserver.internal;

import java.util.function.Supplier;

import io.grpc.stub.StreamObserver;

/** Answers a unary call: the result, or the error mapped once by {@link EtcdErrors}. */
final class GrpcCalls {
    private GrpcCalls() {
    }

    static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            observer.onError(EtcdErrors.toStatus(e));
            return;
        }
        observer.onNext(result);
        observer.onCompleted();
    }
}
