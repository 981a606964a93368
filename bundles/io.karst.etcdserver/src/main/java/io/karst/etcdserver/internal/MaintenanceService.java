package io.karst.etcdserver.internal;

import io.grpc.stub.StreamObserver;
import io.karst.api.datastore.DatastoreStatus;
import io.karst.api.datastore.KeyValueStore;
import io.karst.etcdserver.internal.etcdserverpb.MaintenanceGrpc;
import io.karst.etcdserver.internal.etcdserverpb.StatusRequest;
import io.karst.etcdserver.internal.etcdserverpb.StatusResponse;

/** etcd's Maintenance Status, as a single member that is its own leader reports it. */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    /** The etcd API level served; clients gate features on it, and 3.5 has every call kube-apiserver makes. */
    static final String ETCD_VERSION = "3.5.0";

    private final KeyValueStore store;

    MaintenanceService(KeyValueStore store) {
        this.store = store;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        GrpcCalls.answer(observer, () -> {
            DatastoreStatus status = store.status();
            long dbSize = Math.max(0, status.dbSizeBytes());
            // Without raft, the store revision stands in for the raft indexes: both grow with every write.
            return StatusResponse.newBuilder()
                    .setHeader(ResponseHeaders.at(status.revision()))
                    .setVersion(ETCD_VERSION)
                    .setDbSize(dbSize)
                    .setDbSizeInUse(dbSize)
                    .setLeader(ResponseHeaders.MEMBER_ID)
                    .setRaftTerm(ResponseHeaders.RAFT_TERM)
                    .setRaftIndex(status.revision())
                    .setRaftAppliedIndex(status.revision())
                    .build();
        });
    }
}
