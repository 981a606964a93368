package io.karst.etcdserver.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.karst.api.datastore.CompactedException;
import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.FutureRevisionException;
import io.karst.api.datastore.InvalidRequestException;
import io.karst.api.datastore.LeaseNotFoundException;

/**
 * The one place the store's errors become etcd's gRPC errors. The messages are etcd's own strings, because
 * clients (clientv3's rpctypes, hence kube-apiserver and etcdctl) recognise errors by code and message.
 */
final class EtcdErrors {
    static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
    static final String FUTURE_REVISION = "etcdserver: mvcc: required revision is a future revision";
    static final String LEASE_NOT_FOUND = "etcdserver: requested lease not found";
    static final String EMPTY_KEY = "etcdserver: key is not provided";
    static final String KEY_NOT_FOUND = "etcdserver: key not found";

    private EtcdErrors() {
    }

    static StatusRuntimeException toStatus(Throwable error) {
        if (error instanceof StatusRuntimeException status) {
            return status;
        }
        if (error instanceof CompactedException) {
            return Status.OUT_OF_RANGE.withDescription(COMPACTED).asRuntimeException();
        }
        if (error instanceof FutureRevisionException) {
            return Status.OUT_OF_RANGE.withDescription(FUTURE_REVISION).asRuntimeException();
        }
        if (error instanceof LeaseNotFoundException) {
            return Status.NOT_FOUND.withDescription(LEASE_NOT_FOUND).asRuntimeException();
        }
        if (error instanceof InvalidRequestException) {
            return Status.INVALID_ARGUMENT.withDescription("etcdserver: " + error.getMessage()).asRuntimeException();
        }
        if (error instanceof DatastoreUnavailableException) {
            // clientv3 retries UNAVAILABLE on another endpoint or after a back-off, as for a lost leader
            return Status.UNAVAILABLE.withDescription("etcdserver: " + error.getMessage()).withCause(error)
                    .asRuntimeException();
        }
        if (error instanceof DatastoreException) {
            return Status.INTERNAL.withDescription("etcdserver: " + error.getMessage()).withCause(error)
                    .asRuntimeException();
        }
        return Status.INTERNAL.withDescription("etcdserver: " + error).withCause(error).asRuntimeException();
    }

    static StatusRuntimeException emptyKey() {
        return Status.INVALID_ARGUMENT.withDescription(EMPTY_KEY).asRuntimeException();
    }

    static StatusRuntimeException keyNotFound() {
        return Status.INVALID_ARGUMENT.withDescription(KEY_NOT_FOUND).asRuntimeException();
    }

    static StatusRuntimeException unimplemented(String what) {
        return Status.UNIMPLEMENTED.withDescription("etcdserver: not supported by Karst's etcd endpoint: " + what)
                .asRuntimeException();
    }
}
