package io.karst.datastore.pooled;

import javax.sql.DataSource;

import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.datastore.Dialect;
import io.karst.datastore.EndpointUri;

/** One kind of external database behind a {@link PooledStore}: what differs between PostgreSQL and MySQL. */
public abstract class PooledDatabase {
    private final EndpointUri endpoint;
    private final Dialect dialect;

    protected PooledDatabase(EndpointUri endpoint, Dialect dialect) {
        this.endpoint = endpoint;
        this.dialect = dialect;
    }

    /** The endpoint; its {@code toString()} leaves the password out, so messages may name it. */
    public final EndpointUri endpoint() {
        return endpoint;
    }

    public final Dialect dialect() {
        return dialect;
    }

    /**
     * The driver's own data source (no DriverManager lookups, which do not see the driver inside OSGi) for one
     * database on the endpoint's server, with connect timeouts, keep-alive and TLS set. The store pools the one
     * for the endpoint's database.
     */
    public abstract DataSource dataSource(String database);

    /**
     * Creates the endpoint's database if it does not exist; does nothing when the user may not create databases
     * (the database may exist anyway, and opening it says clearly if it does not).
     *
     * @throws DatastoreUnavailableException when the server cannot be reached
     */
    public abstract void createDatabaseIfMissing();
}
