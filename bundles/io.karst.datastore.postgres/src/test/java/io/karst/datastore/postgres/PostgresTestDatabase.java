package io.karst.datastore.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.postgresql.ds.PGSimpleDataSource;

import io.karst.datastore.EndpointUri;
import io.karst.datastore.SharedLogSettings;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.TestDatabases;

/** Fresh databases on the test PostgreSQL server, each dropped when the test class is done. */
final class PostgresTestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final EndpointUri server = EndpointUri.postgres(TestDatabases.postgresEndpoint());

    /** An endpoint naming a database that does not exist yet: the store creates it. */
    EndpointUri freshDatabase(String purpose) {
        String name = "karst_" + purpose + "_" + RUN + "_" + COUNTER.incrementAndGet();
        created.add(name);
        return server.withDatabase(name);
    }

    /** Opens a store and fails, saying what to run, if the server cannot be reached. */
    static PostgresStore open(EndpointUri endpoint) {
        PostgresStore store = PostgresStore.open(endpoint, TlsFiles.none(), StoreSettings.defaults(),
                SharedLogSettings.defaults(), Duration.ofMillis(500));
        if (!store.isOpen()) {
            String reason;
            try {
                store.store().currentRevision();
                reason = "";
            } catch (RuntimeException e) {
                reason = e.getMessage();
            }
            store.close();
            throw new AssertionError("PostgreSQL at " + endpoint + " is not reachable (" + reason
                    + "); run scripts/test-databases or set KARST_TEST_POSTGRES_ENDPOINT");
        }
        return store;
    }

    /** A plain connection to the endpoint's database, for writing the log the way another server would. */
    static Connection connect(EndpointUri endpoint) throws SQLException {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[] {endpoint.host()});
        source.setPortNumbers(new int[] {endpoint.port()});
        source.setDatabaseName(endpoint.database());
        source.setUser(endpoint.user());
        source.setPassword(endpoint.password());
        return source.getConnection();
    }

    void dropAll() throws SQLException {
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setServerNames(new String[] {server.host()});
        admin.setPortNumbers(new int[] {server.port()});
        admin.setDatabaseName("postgres");
        admin.setUser(server.user());
        admin.setPassword(server.password());
        try (Connection connection = admin.getConnection(); Statement drop = connection.createStatement()) {
            for (String name : created) {
                drop.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            }
        }
        created.clear();
    }
}
