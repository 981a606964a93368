package io.karst.datastore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.KeyValueStore;
import io.karst.datastore.EndpointUri;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.ReconnectingStore;
import io.karst.datastore.SharedLogSettings;
import io.karst.datastore.SqlErrors;
import io.karst.datastore.StoreSettings;

/**
 * The store on a PostgreSQL endpoint: a HikariCP pool over the driver's own {@link PGSimpleDataSource} (no
 * DriverManager lookups, which do not see the driver inside OSGi), the database created when missing, and a
 * {@link ReconnectingStore} so a database that is down at start is used as soon as it comes up.
 */
public final class PostgresStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);
    /** Short, so a read or write during an outage fails in seconds rather than after Hikari's 30 s default. */
    private static final long CONNECTION_TIMEOUT_MILLIS = 3_000;
    private static final String MAINTENANCE_DATABASE = "postgres";

    private final EndpointUri endpoint;
    private final TlsFiles tls;
    private final HikariDataSource pool;
    private final ReconnectingStore store;

    private PostgresStore(EndpointUri endpoint, TlsFiles tls, StoreSettings settings, SharedLogSettings shared,
            Duration retryInterval) {
        this.endpoint = endpoint;
        this.tls = tls;
        HikariConfig config = new HikariConfig();
        config.setPoolName("karst-datastore-postgres");
        config.setDataSource(dataSource(endpoint.database()));
        // Readers, the writer and the log poller each hold one; a few spare for database creation and retries.
        config.setMaximumPoolSize(settings.readConnections() + 4);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        // -1: creating the pool never fails; a database that is down shows up as each connection attempt's error.
        config.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(config);
        this.store = new ReconnectingStore(endpoint.toString(), () -> {
            createDatabaseIfMissing();
            return LogStructuredStore.openShared(new PostgresDialect(), pool::getConnection, settings, shared);
        }, retryInterval);
    }

    /**
     * Opens the store; returns even when the database is down, and the store then reports it unavailable until
     * the database can be reached.
     */
    public static PostgresStore open(EndpointUri endpoint, TlsFiles tls, StoreSettings settings,
            SharedLogSettings shared, Duration retryInterval) {
        return new PostgresStore(endpoint, tls, settings, shared, retryInterval);
    }

    public KeyValueStore store() {
        return store;
    }

    /** Whether the database was reached and the store opened. */
    public boolean isOpen() {
        return store.isOpen();
    }

    @Override
    public void close() {
        store.close();
        pool.close();
    }

    /** CREATE DATABASE runs outside any transaction, on a connection to the maintenance database. */
    private void createDatabaseIfMissing() {
        PGSimpleDataSource maintenance = dataSource(MAINTENANCE_DATABASE);
        maintenance.setLoginTimeout((int) (CONNECTION_TIMEOUT_MILLIS / 1000));
        try (Connection connection = maintenance.getConnection()) {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM pg_database WHERE datname = ?")) {
                select.setString(1, endpoint.database());
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + endpoint.database().replace("\"", "\"\"") + "\"");
                LOG.info("Created the datastore database {}", endpoint);
            }
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                return; // another server created it meanwhile
            }
            if ("28000".equals(e.getSQLState()) || "3D000".equals(e.getSQLState())
                    || "42501".equals(e.getSQLState())) {
                // No access to the maintenance database or no right to create one: the database may exist anyway,
                // and opening it says so clearly if it does not.
                LOG.debug("Could not check for database {}: {}", endpoint, e.getMessage());
                return;
            }
            throw new DatastoreUnavailableException("cannot reach PostgreSQL at " + endpoint + ": "
                    + SqlErrors.describe(e), e);
        }
    }

    private PGSimpleDataSource dataSource(String database) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[] {endpoint.host()});
        source.setPortNumbers(new int[] {endpoint.port()});
        source.setDatabaseName(database);
        source.setUser(endpoint.user());
        source.setPassword(endpoint.password());
        source.setApplicationName("karst");
        source.setConnectTimeout((int) (CONNECTION_TIMEOUT_MILLIS / 1000));
        // A server that vanishes without closing its sockets must not hang a read forever.
        source.setTcpKeepAlive(true);
        endpoint.parameters().forEach((name, value) -> {
            try {
                source.setProperty(name, value);
            } catch (SQLException e) {
                throw new IllegalArgumentException("unknown PostgreSQL endpoint parameter '" + name + "'", e);
            }
        });
        tls.applyTo(source);
        return source;
    }
}
