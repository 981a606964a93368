package io.karst.datastore.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import io.karst.datastore.EndpointUri;
import io.karst.datastore.TestDatabases;
import io.karst.datastore.pooled.PooledDatabase;
import io.karst.datastore.pooled.PooledTestDatabase;
import io.karst.datastore.pooled.TlsFiles;

/** The test PostgreSQL server: fresh databases on it, each dropped when the test class is done. */
public final class PostgresTestDatabase extends PooledTestDatabase {
    public static final PostgresTestDatabase SERVER = new PostgresTestDatabase();

    private PostgresTestDatabase() {
        super("postgres", EndpointUri.postgres(TestDatabases.postgresEndpoint()));
    }

    @Override
    public PooledDatabase database(EndpointUri endpoint, TlsFiles tls) {
        return new PostgresDatabase(endpoint, tls);
    }

    @Override
    public boolean offersTls(Connection connection) throws SQLException {
        return "on".equals(value(connection, "SHOW ssl"));
    }

    @Override
    public boolean isEncrypted(Connection connection) throws SQLException {
        return "true".equals(value(connection, "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
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
