package io.karst.api.datastore;

/**
 * A read or watch asked for a revision whose history was compacted away (etcd: "required revision has been
 * compacted"; Kubernetes: 410 Gone, and clients list again).
 */
public class CompactedException extends DatastoreException {
    private static final long serialVersionUID = 1L;
    private final long requestedRevision;
    private final long compactedRevision;

    public CompactedException(long requestedRevision, long compactedRevision) {
        super("revision " + requestedRevision + " has been compacted; the oldest available is " + compactedRevision);
        this.requestedRevision = requestedRevision;
        this.compactedRevision = compactedRevision;
    }

    public long requestedRevision() {
        return requestedRevision;
    }

    public long compactedRevision() {
        return compactedRevision;
    }
}
