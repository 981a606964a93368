package io.karst.api.datastore;

/** A write, keep-alive or revocation named a lease that does not exist or has expired (etcd: "lease not found"). */
public class LeaseNotFoundException extends DatastoreException {
    private static final long serialVersionUID = 1L;
    private final long leaseId;

    public LeaseNotFoundException(long leaseId) {
        super("lease not found: " + leaseId);
        this.leaseId = leaseId;
    }

    public long leaseId() {
        return leaseId;
    }
}
