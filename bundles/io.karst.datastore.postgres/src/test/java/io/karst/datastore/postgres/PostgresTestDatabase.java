package io.karst.datastore.postgres;

import io.karst.datastore.EndpointUri;
import io.karst.datastore.TestDatabases;
import io.karst.datastore.pooled.PooledDatabase;
import io.karst.datastore.pooled.PooledTestDatabase;

/** The test PostgreSQL server: fresh databases on it, each dropped when the test class is done. */
public final class PostgresTestDatabase extends PooledTestDatabase {
    public static final PostgresTestDatabase SERVER = new PostgresTestDatabase();

    private PostgresTestDatabase() {
        super("postgres", EndpointUri.postgres(TestDatabases.postgresEndpoint()));
    }

    @Override
    public PooledDatabase database(EndpointUri endpoint) {
        return new PostgresDatabase(endpoint, TlsFiles.none());
    }

    @Override
    protected String maintenanceDatabase() {
        return "postgres";
    }

    @Override
    protected String dropDatabase(String name) {
        return "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)";
    }
}
