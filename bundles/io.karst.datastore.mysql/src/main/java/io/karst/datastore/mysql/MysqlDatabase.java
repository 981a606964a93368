package io.karst.datastore.mysql;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.mariadb.jdbc.MariaDbDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.datastore.EndpointUri;
import io.karst.datastore.SqlErrors;
import io.karst.datastore.pooled.PooledDatabase;
import io.karst.datastore.pooled.PooledStore;

/**
 * A MySQL or MariaDB endpoint: MariaDB Connector/J's own data source, and the database created, on a connection
 * with no database selected, when missing.
 */
public final class MysqlDatabase extends PooledDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(MysqlDatabase.class);

    private final Map<String, String> options;

    /** @throws IllegalArgumentException when the TLS files are not usable with MariaDB Connector/J */
    public MysqlDatabase(EndpointUri endpoint, TlsFiles tls) {
        super(endpoint, new MysqlDialect());
        Map<String, String> all = new LinkedHashMap<>();
        all.put("connectTimeout", Long.toString(PooledStore.CONNECTION_TIMEOUT.toMillis()));
        // Keys and values are bytes as the API hands them over; utf8mb4 keeps every Unicode key intact.
        all.put("connectionCollation", "utf8mb4_bin");
        all.put("tcpKeepAlive", "true");
        all.putAll(tls.options());
        all.putAll(endpoint.parameters());
        this.options = Map.copyOf(all);
    }

    /** Connects without a database selected, which works before the database exists. */
    @Override
    public void createDatabaseIfMissing() {
        try (Connection connection = dataSource("").getConnection();
                Statement create = connection.createStatement()) {
            int created = create.executeUpdate("CREATE DATABASE IF NOT EXISTS `"
                    + endpoint().database().replace("`", "``") + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            if (created > 0) {
                LOG.info("Created the datastore database {}", endpoint());
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1044) {
                // No right to create databases: the database may exist anyway, and opening it says if it does not.
                LOG.debug("Could not create database {}: {}", endpoint(), e.getMessage());
                return;
            }
            throw new DatastoreUnavailableException("cannot reach MySQL at " + endpoint() + ": "
                    + SqlErrors.describe(e), e);
        }
    }

    @Override
    public MariaDbDataSource dataSource(String database) {
        String query = options.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String host = endpoint().host().contains(":") ? "[" + endpoint().host() + "]" : endpoint().host();
        try {
            MariaDbDataSource source = new MariaDbDataSource("jdbc:mariadb://" + host + ":" + endpoint().port() + "/"
                    + encode(database) + "?" + query);
            source.setUser(endpoint().user());
            source.setPassword(endpoint().password());
            return source;
        } catch (SQLException e) {
            throw new IllegalArgumentException("MySQL endpoint " + endpoint() + " has options the driver refuses: "
                    + e.getMessage(), e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
