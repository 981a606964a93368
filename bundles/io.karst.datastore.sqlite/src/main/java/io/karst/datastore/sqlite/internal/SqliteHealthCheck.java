package io.karst.datastore.sqlite.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.health.HealthCheck;

/**
 * The API server's {@code etcd} check, named as upstream names its storage check: a real one-row read through the
 * SQLite store, so a database that cannot be read makes {@code /livez} and {@code /readyz} fail.
 */
@Component(property = {HealthCheck.NAME + "=etcd", HealthCheck.ENDPOINTS + "=livez",
        HealthCheck.ENDPOINTS + "=readyz"})
public final class SqliteHealthCheck implements HealthCheck {
    private static final KeyRange PROBE = KeyRange.prefix("/registry/health/");

    private final KeyValueStore store;

    @Activate
    public SqliteHealthCheck(@Reference(target = "(" + KeyValueStore.TYPE_PROPERTY + "=sqlite)") KeyValueStore store) {
        this.store = store;
    }

    @Override
    public Result check() {
        try {
            store.range(PROBE, 0, 1, null);
            return Result.ok();
        } catch (DatastoreException e) {
            return Result.failed(e.getMessage());
        }
    }
}
