package io.karst.api.datastore;

/** An update or delete found no live key (Kubernetes: 404 NotFound). */
public class KeyNotFoundException extends DatastoreException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public KeyNotFoundException(String key) {
        super("key not found: " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
