package io.karst.datastore.mysql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.mariadb.jdbc.MariaDbDataSource;

import io.karst.datastore.EndpointUri;
import io.karst.datastore.SharedLogSettings;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.TestDatabases;

/** Fresh databases on the test MariaDB server, each dropped when the test class is done. */
final class MysqlTestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final EndpointUri server = EndpointUri.mysql(TestDatabases.mysqlEndpoint());

    /** An endpoint naming a database that does not exist yet: the store creates it. */
    EndpointUri freshDatabase(String purpose) {
        String name = "karst_" + purpose + "_" + RUN + "_" + COUNTER.incrementAndGet();
        created.add(name);
        return server.withDatabase(name);
    }

    /** Opens a store and fails, saying what to run, if the server cannot be reached. */
    static MysqlStore open(EndpointUri endpoint) {
        MysqlStore store = MysqlStore.open(endpoint, TlsFiles.none(), StoreSettings.defaults(),
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
            throw new AssertionError("MariaDB at " + endpoint + " is not reachable (" + reason
                    + "); run scripts/test-databases or set KARST_TEST_MYSQL_ENDPOINT");
        }
        return store;
    }

    void dropAll() throws SQLException {
        MariaDbDataSource admin = new MariaDbDataSource("jdbc:mariadb://" + server.host() + ":" + server.port() + "/");
        admin.setUser(server.user());
        admin.setPassword(server.password());
        try (Connection connection = admin.getConnection(); Statement drop = connection.createStatement()) {
            for (String name : created) {
                drop.execute("DROP DATABASE IF EXISTS `" + name + "`");
            }
        }
        created.clear();
    }
}
