package io.karst.api.datastore;

/** A create found the key already present (Kubernetes: 409 AlreadyExists). */
public class KeyExistsException extends DatastoreException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public KeyExistsException(String key) {
        super("key already exists: " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
