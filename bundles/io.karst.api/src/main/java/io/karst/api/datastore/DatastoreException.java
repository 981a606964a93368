package io.karst.api.datastore;

/**
 * Every error the store reports. Unchecked, because nearly every call can fail the same few ways and the API
 * server maps each subclass to one Kubernetes {@code Status} code in one place.
 */
public class DatastoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatastoreException(String message) {
        super(message);
    }

    public DatastoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
