package io.karst.etcdserver.internal;

import com.google.protobuf.ByteString;

import io.grpc.stub.StreamObserver;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.Lease;
import io.karst.api.datastore.LeaseNotFoundException;
import io.karst.api.datastore.LeaseTimeToLive;
import io.karst.etcdserver.internal.etcdserverpb.LeaseGrantRequest;
import io.karst.etcdserver.internal.etcdserverpb.LeaseGrantResponse;
import io.karst.etcdserver.internal.etcdserverpb.LeaseGrpc;
import io.karst.etcdserver.internal.etcdserverpb.LeaseKeepAliveRequest;
import io.karst.etcdserver.internal.etcdserverpb.LeaseKeepAliveResponse;
import io.karst.etcdserver.internal.etcdserverpb.LeaseLeasesRequest;
import io.karst.etcdserver.internal.etcdserverpb.LeaseLeasesResponse;
import io.karst.etcdserver.internal.etcdserverpb.LeaseRevokeRequest;
import io.karst.etcdserver.internal.etcdserverpb.LeaseRevokeResponse;
import io.karst.etcdserver.internal.etcdserverpb.LeaseStatus;
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

    /**
     * The remaining and granted TTL, and the attached keys when asked. An unknown or expired lease is not an
     * error but TTL -1, as etcd answers it (etcdctl prints "lease ... already expired").
     */
    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
        GrpcCalls.answer(observer, () -> {
            LeaseTimeToLiveResponse.Builder response = LeaseTimeToLiveResponse.newBuilder().setID(request.getID());
            try {
                LeaseTimeToLive lease = store.timeToLive(request.getID(), request.getKeys());
                response.setTTL(lease.remainingSeconds()).setGrantedTTL(lease.grantedTtlSeconds());
                lease.keys().forEach(key -> response.addKeys(ByteString.copyFromUtf8(key)));
            } catch (LeaseNotFoundException gone) {
                response.setTTL(-1);
            }
            return response.setHeader(ResponseHeaders.at(store.currentRevision())).build();
        });
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> observer) {
        GrpcCalls.answer(observer, () -> {
            LeaseLeasesResponse.Builder response = LeaseLeasesResponse.newBuilder();
            store.leases().forEach(lease -> response.addLeases(LeaseStatus.newBuilder().setID(lease.id())));
            return response.setHeader(ResponseHeaders.at(store.currentRevision())).build();
        });
    }
}
