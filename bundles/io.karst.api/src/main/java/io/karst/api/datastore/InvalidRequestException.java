package io.karst.api.datastore;

/** A request the store refuses as malformed: an empty key, a value over the maximum size, a bad range or TTL. */
public class InvalidRequestException extends DatastoreException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
