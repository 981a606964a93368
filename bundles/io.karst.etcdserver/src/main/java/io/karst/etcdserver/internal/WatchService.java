package io.karst.etcdserver.internal;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.karst.api.datastore.KeyValueStore;
import io.karst.etcdserver.internal.etcdserverpb.WatchGrpc;
import io.karst.etcdserver.internal.etcdserverpb.WatchRequest;
import io.karst.etcdserver.internal.etcdserverpb.WatchResponse;

/** etcd's Watch service: one {@link WatchStream} per client stream, each carrying any number of watches. */
final class WatchService extends WatchGrpc.WatchImplBase {
    private final KeyValueStore store;

    WatchService(KeyValueStore store) {
        this.store = store;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
        WatchStream stream = new WatchStream(store, responses);
        // a client that vanishes, or a server shutting down, cancels the call: its store watches must end too
        ((ServerCallStreamObserver<WatchResponse>) responses).setOnCancelHandler(stream::closeAll);
        return stream;
    }
}
