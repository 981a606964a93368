package io.karst.datastore.mysql;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.mariadb.jdbc.MariaDbDataSource;
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
 * The store on a MySQL or MariaDB endpoint: a HikariCP pool over MariaDB Connector/J's own data source (no
 * DriverManager lookups, which do not see the driver inside OSGi), the database created when missing, and a
 * {@link ReconnectingStore} so a database that is down at start is used as soon as it comes up.
 */
public final class MysqlStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MysqlStore.class);
    /** Short, so a read or write during an outage fails in seconds rather than after Hikari's 30 s default. */
    private static final long CONNECTION_TIMEOUT_MILLIS = 3_000;

    private final EndpointUri endpoint;
    private final Map<String, String> options;
    private final HikariDataSource pool;
    private final ReconnectingStore store;

    private MysqlStore(EndpointUri endpoint, TlsFiles tls, StoreSettings settings, SharedLogSettings shared,
            Duration retryInterval) {
        this.endpoint = endpoint;
        Map<String, String> all = new LinkedHashMap<>();
        all.put("connectTimeout", Long.toString(CONNECTION_TIMEOUT_MILLIS));
        // Keys and values are bytes as the API hands them over; utf8mb4 keeps every Unicode key intact.
        all.put("connectionCollation", "utf8mb4_bin");
        all.put("tcpKeepAlive", "true");
        all.putAll(tls.options());
        all.putAll(endpoint.parameters());
        this.options = Map.copyOf(all);
        HikariConfig config = new HikariConfig();
        config.setPoolName("karst-datastore-mysql");
        config.setDataSource(dataSource(endpoint.database()));
        // Readers, the writer and the log poller each hold one; a few spare for retries.
        config.setMaximumPoolSize(settings.readConnections() + 4);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        // -1: creating the pool never fails; a database that is down shows up as each connection attempt's error.
        config.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(config);
        this.store = new ReconnectingStore(endpoint.toString(), () -> {
            createDatabaseIfMissing();
            return LogStructuredStore.openShared(new MysqlDialect(), pool::getConnection, settings, shared);
        }, retryInterval);
    }

    /**
     * Opens the store; returns even when the database is down, and the store then reports it unavailable until
     * the database can be reached.
     */
    public static MysqlStore open(EndpointUri endpoint, TlsFiles tls, StoreSettings settings,
            SharedLogSettings shared, Duration retryInterval) {
        return new MysqlStore(endpoint, tls, settings, shared, retryInterval);
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

    /** Connects without a database selected, which works before the database exists. */
    private void createDatabaseIfMissing() {
        try (Connection connection = dataSource("").getConnection();
                Statement create = connection.createStatement()) {
            int created = create.executeUpdate("CREATE DATABASE IF NOT EXISTS `"
                    + endpoint.database().replace("`", "``") + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            if (created > 0) {
                LOG.info("Created the datastore database {}", endpoint);
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1044) {
                // No right to create databases: the database may exist anyway, and opening it says if it does not.
                LOG.debug("Could not create database {}: {}", endpoint, e.getMessage());
                return;
            }
            throw new DatastoreUnavailableException("cannot reach MySQL at " + endpoint + ": "
                    + SqlErrors.describe(e), e);
        }
    }

    private MariaDbDataSource dataSource(String database) {
        String query = options.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String host = endpoint.host().contains(":") ? "[" + endpoint.host() + "]" : endpoint.host();
        try {
            MariaDbDataSource source = new MariaDbDataSource("jdbc:mariadb://" + host + ":" + endpoint.port() + "/"
                    + encode(database) + "?" + query);
            source.setUser(endpoint.user());
            source.setPassword(endpoint.password());
            return source;
        } catch (SQLException e) {
            throw new IllegalArgumentException("MySQL endpoint " + endpoint + " has options the driver refuses: "
                    + e.getMessage(), e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
