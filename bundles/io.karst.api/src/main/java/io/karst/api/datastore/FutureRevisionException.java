package io.karst.api.datastore;

/** A read or compaction named a revision the store has not reached (etcd: "required revision is a future revision"). */
public class FutureRevisionException extends DatastoreException {
    private static final long serialVersionUID = 1L;
    private final long requestedRevision;
    private final long currentRevision;

    public FutureRevisionException(long requestedRevision, long currentRevision) {
        super("revision " + requestedRevision + " is in the future; the current revision is " + currentRevision);
        this.requestedRevision = requestedRevision;
        this.currentRevision = currentRevision;
    }

    public long requestedRevision() {
        return requestedRevision;
    }

    public long currentRevision() {
        return currentRevision;
    }
}
