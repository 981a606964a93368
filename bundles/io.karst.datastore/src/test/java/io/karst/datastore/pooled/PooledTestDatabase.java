package io.karst.datastore.pooled;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.karst.datastore.EndpointUri;
import io.karst.datastore.SharedLogSettings;
import io.karst.datastore.StoreSettings;

/**
 * A test server of one external database kind: fresh databases on it, stores opened on them, and plain
 * connections. Every database handed out is dropped by {@link #dropCreated()}, which the shared test classes run
 * after each test class.
 */
public abstract class PooledTestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private static final List<PooledTestDatabase> SERVERS = new CopyOnWriteArrayList<>();

    private final List<String> created = new CopyOnWriteArrayList<>();
    private final String server;
    private final EndpointUri endpoint;

    /**
     * @param server the server's name for {@code scripts/test-databases} ({@code postgres}, {@code mariadb})
     * @param endpoint the server's endpoint; its database is replaced by fresh ones
     */
    protected PooledTestDatabase(String server, EndpointUri endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        SERVERS.add(this);
    }

    /** The server's name for {@code scripts/test-databases}, to stop and start it. */
    public String server() {
        return server;
    }

    /** The provider's database for an endpoint. */
    public abstract PooledDatabase database(EndpointUri endpoint, TlsFiles tls);

    /** The provider's database for an endpoint, without TLS. */
    public PooledDatabase database(EndpointUri endpoint) {
        return database(endpoint, TlsFiles.none());
    }

    /** Whether the server takes TLS connections. */
    public abstract boolean offersTls(Connection connection) throws SQLException;

    /** Whether the connection is encrypted. */
    public abstract boolean isEncrypted(Connection connection) throws SQLException;

    /** The one value a query returns, as text (booleans as {@code true} or {@code false}). */
    protected static String value(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
            return rs.next() ? String.valueOf(rs.getString(1)) : "";
        }
    }

    /** The database a connection that drops other databases is opened on. */
    protected abstract String maintenanceDatabase();

    /** The statement dropping one database even while connections to it are open. */
    protected abstract String dropDatabase(String name);

    /** A connection to the server without TLS, on a database that is always there. */
    public Connection connectToServer() throws SQLException {
        return connect(endpoint.withDatabase(maintenanceDatabase()));
    }

    /** A plain connection to the endpoint's database, for writing the log the way another server would. */
    public Connection connect(EndpointUri endpoint) throws SQLException {
        return database(endpoint).dataSource(endpoint.database()).getConnection();
    }

    /** An endpoint naming a database that does not exist yet: the store creates it. */
    public EndpointUri freshDatabase(String purpose) {
        String name = "karst_" + purpose + "_" + RUN + "_" + COUNTER.incrementAndGet();
        created.add(name);
        return endpoint.withDatabase(name);
    }

    /**
     * The endpoint as configuration carries it, password included. Test endpoints' passwords need no
     * percent-encoding, so the redacted form with the password put back is the endpoint.
     */
    public String uri(EndpointUri endpoint) {
        return endpoint.toString().replace(":***@", ":" + endpoint.password() + "@");
    }

    /** Opens a store with a short retry interval, whether or not the server is up. */
    public PooledStore openEvenIfDown(EndpointUri endpoint) {
        return openEvenIfDown(endpoint, TlsFiles.none());
    }

    /** Opens a store with a short retry interval, whether or not the server can be reached. */
    public PooledStore openEvenIfDown(EndpointUri endpoint, TlsFiles tls) {
        return PooledStore.open(database(endpoint, tls), StoreSettings.defaults(), SharedLogSettings.defaults(),
                Duration.ofMillis(500));
    }

    /** Opens a store and fails, saying what to run, if the server cannot be reached. */
    public PooledStore open(EndpointUri endpoint) {
        return open(endpoint, TlsFiles.none());
    }

    /** Opens a store and fails, saying why, if the server cannot be reached. */
    public PooledStore open(EndpointUri endpoint, TlsFiles tls) {
        PooledStore store = openEvenIfDown(endpoint, tls);
        if (!store.isOpen()) {
            String reason;
            try {
                store.store().currentRevision();
                reason = "";
            } catch (RuntimeException e) {
                reason = e.getMessage();
            }
            store.close();
            throw new AssertionError(server + " at " + endpoint + " is not reachable (" + reason
                    + "); run scripts/test-databases or set KARST_TEST_POSTGRES_ENDPOINT / KARST_TEST_MYSQL_ENDPOINT");
        }
        return store;
    }

    /** Drops the databases every test server handed out. */
    public static void dropCreated() throws SQLException {
        for (PooledTestDatabase each : SERVERS) {
            each.dropAll();
        }
    }

    private void dropAll() throws SQLException {
        if (created.isEmpty()) {
            return;
        }
        try (Connection connection = connectToServer(); Statement drop = connection.createStatement()) {
            for (String name : created) {
                drop.execute(dropDatabase(name));
            }
        }
        created.clear();
    }
}
