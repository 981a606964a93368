package io.karst.etcdserver.internal;

import io.grpc.stub.StreamObserver;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.Lease;
import io.karst.api.datastore.LeaseNotFoundException;
import io.karst.etcdserver.internal.etcdserverpb.LeaseGrantRequest;
import io.karst.etcdserver.internal.etcdserverpb.LeaseGrantResponse;
import io.karst.etcdserver.internal.etcdserverpb.LeaseGrpc;
import io.karst.etcdserver.internal.etcdserverpb.LeaseKeepAliveRequest;
import io.karst.etcdserver.internal.etcdserverpb.LeaseKeepAliveResponse;
import io.karst.etcdserver.internal.etcdserverpb.LeaseRevokeRequest;
import io.karst.etcdserver.internal.etcdserverpb.LeaseRevokeResponse;
import io.karst.etcdserver.internal.etcdserverpb.LeaseTimeToLiveRequest;
import io.karst.etcdserver.internal.etcdserverpb.LeaseTimeToLiveResponse;

/** etcd's Lease service over the store's leases. */
final class LeaseService extends LeaseGrpc.LeaseImplBase {
    private final KeyValueStore store;

    LeaseService(KeyValueStore store) {
        this.store = store;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
        GrpcCalls.answer(observer, () -> {
            if (request.getID() != 0) {
                // the store picks lease ids; kube-apiserver and etcdctl always let the server choose
                throw EtcdErrors.unimplemented("a lease id chosen by the client");
            }
            Lease lease = store.grantLease(request.getTTL());
            return LeaseGrantResponse.newBuilder().setHeader(ResponseHeaders.at(store.currentRevision()))
                    .setID(lease.id()).setTTL(lease.ttlSeconds()).build();
        });
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
        GrpcCalls.answer(observer, () -> {
            store.revokeLease(request.getID());
            return LeaseRevokeResponse.newBuilder().setHeader(ResponseHeaders.at(store.currentRevision())).build();
        });
    }

    /** One response per request, in order; a lease that is gone answers TTL 0, which clientv3 reads as expired. */
    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> responses) {
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveRequest request) {
                long ttl;
                try {
                    ttl = store.keepAlive(request.getID()).ttlSeconds();
                } catch (LeaseNotFoundException gone) {
                    ttl = 0;
                } catch (RuntimeException e) {
                    responses.onError(EtcdErrors.toStatus(e));
                    return;
                }
                responses.onNext(LeaseKeepAliveResponse.newBuilder()
                        .setHeader(ResponseHeaders.at(store.currentRevision()))
                        .setID(request.getID()).setTTL(ttl).build());
            }

            @Override
            public void onError(Throwable t) {
                // the client went away; nothing is held for the stream
            }

            @Override
            public void onCompleted() {
                responses.onCompleted();
            }
        };
    }

    /** The store keeps a lease's remaining time to itself, so this cannot be answered truthfully. */
    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
        observer.onError(EtcdErrors.unimplemented("LeaseTimeToLive: the datastore does not report remaining TTLs"));
    }
}
