package io.karst.api.datastore;

/**
 * A guarded update or delete expected another mod revision (Kubernetes: 409 Conflict). It carries the key as it
 * is now, so the caller can retry without reading it again, as kube-apiserver's GuaranteedUpdate does.
 */
public class RevisionConflictException extends DatastoreException {
    private static final long serialVersionUID = 1L;
    private final long expectedModRevision;
    private final transient KeyValue current;

    public RevisionConflictException(long expectedModRevision, KeyValue current) {
        super("key " + current.key() + " has mod revision " + current.modRevision() + ", expected "
                + expectedModRevision);
        this.expectedModRevision = expectedModRevision;
        this.current = current;
    }

    public long expectedModRevision() {
        return expectedModRevision;
    }

    /** The key as it is now. */
    public KeyValue current() {
        return current;
    }
}
