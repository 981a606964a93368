package io.karst.api.datastore;

/**
 * The database could not serve the request: it is down, unreachable, full, or the store is stopping (Kubernetes:
 * 503, and clients retry). Whether the failed write was applied is unknown only when the cause says so.
 */
public class DatastoreUnavailableException extends DatastoreException {
    private static final long serialVersionUID = 1L;

    public DatastoreUnavailableException(String message) {
        super(message);
    }

    public DatastoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
