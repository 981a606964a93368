package io.karst.datastore.mysql;

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
import io.karst.datastore.pooled.ClientKeyStore;
import io.karst.datastore.pooled.PooledDatabase;
import io.karst.datastore.pooled.PooledStore;
import io.karst.datastore.pooled.TlsFiles;

/**
 * A MySQL or MariaDB endpoint: MariaDB Connector/J's own data source, and the database created, on a connection
 * with no database selected, when missing.
 */
public final class MysqlDatabase extends PooledDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(MysqlDatabase.class);

    private final Map<String, String> options;

    /** @throws IllegalArgumentException when the TLS files cannot be used */
    public MysqlDatabase(EndpointUri endpoint, TlsFiles tls) {
        super(endpoint, new MysqlDialect(), tls);
        Map<String, String> all = new LinkedHashMap<>();
        all.put("connectTimeout", Long.toString(PooledStore.CONNECTION_TIMEOUT.toMillis()));
        // Keys and values are bytes as the API hands them over; utf8mb4 keeps every Unicode key intact.
        all.put("connectionCollation", "utf8mb4_bin");
        all.put("tcpKeepAlive", "true");
        all.putAll(tlsOptions());
        all.putAll(endpoint.parameters());
        try {
            requireUrlSafe(endpoint, all);
        } catch (IllegalArgumentException e) {
            close(); // the client key store made for the driver
            throw e;
        }
        this.options = Map.copyOf(all);
    }

    /** Connector/J reads its options from the URL as they stand: it decodes no percent-escapes. */
    private static void requireUrlSafe(EndpointUri endpoint, Map<String, String> options) {
        if (endpoint.database().contains("?")) {
            throw new IllegalArgumentException("MySQL endpoint " + endpoint + " names a database with '?', which "
                    + "MariaDB Connector/J cannot take");
        }
        options.forEach((name, value) -> {
            if ((name + value).contains("&") || name.contains("=")) {
                throw new IllegalArgumentException("MySQL endpoint option " + name + " cannot contain '&' (nor its "
                        + "name '='): MariaDB Connector/J reads options from its URL as they are");
            }
        });
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
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
        String host = endpoint().host().contains(":") ? "[" + endpoint().host() + "]" : endpoint().host();
        try {
            MariaDbDataSource source = new MariaDbDataSource("jdbc:mariadb://" + host + ":" + endpoint().port() + "/"
                    + database + "?" + query);
            source.setUser(endpoint().user());
            source.setPassword(endpoint().password());
            return source;
        } catch (SQLException e) {
            throw new IllegalArgumentException("MySQL endpoint " + endpoint() + " has options the driver refuses: "
                    + e.getMessage(), e);
        }
    }

    /**
     * A CA file turns on full verification of the server's certificate and name, as K3s does. Connector/J reads
     * a client certificate only from a key store: the one made of the PEM files, or a PKCS#12 key file as given.
     */
    private Map<String, String> tlsOptions() {
        TlsFiles tls = tls();
        Map<String, String> options = new LinkedHashMap<>();
        if (tls.hasCaFile()) {
            options.put("sslMode", "verify-full");
            options.put("serverSslCert", tls.caFile());
        }
        if (clientKey().isPresent()) {
            ClientKeyStore key = clientKey().get();
            options.putIfAbsent("sslMode", "verify-full");
            options.put("keyStore", key.file().toString());
            options.put("keyStorePassword", key.password());
            options.put("keyStoreType", "PKCS12");
        } else if (tls.keyFileIsKeyStore()) {
            options.putIfAbsent("sslMode", "verify-full");
            options.put("keyStore", tls.keyFile());
            options.put("keyStoreType", "PKCS12");
        }
        return options;
    }
}
