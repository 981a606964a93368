package io.karst.datastore.pooled;

import java.util.Dictionary;
import java.util.Hashtable;

import io.karst.api.health.HealthCheck;

/**
 * The API server's {@code etcd} check for an external datastore, named as upstream names its storage check and as
 * the SQLite provider's: failed, with the reason, while the database cannot be reached. It runs no query: it
 * reports what the store last saw (the outcome of opening it, and of the log poll every server runs every 100 ms),
 * so {@code /readyz} never waits on a database that is down.
 */
public final class PooledHealthCheck implements HealthCheck {
    private final PooledStore store;

    public PooledHealthCheck(PooledStore store) {
        this.store = store;
    }

    /** The service properties: name {@code etcd}, on {@code /livez} and {@code /readyz}, as SQLite's check. */
    public static Dictionary<String, Object> properties() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(NAME, "etcd");
        properties.put(ENDPOINTS, new String[] {"livez", "readyz"});
        return properties;
    }

    @Override
    public Result check() {
        return store.problem().map(Result::failed).orElseGet(Result::ok);
    }
}
