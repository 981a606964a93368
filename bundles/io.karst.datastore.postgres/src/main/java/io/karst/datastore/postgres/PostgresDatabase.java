package io.karst.datastore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.postgresql.ds.PGSimpleDataSource;
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
 * A PostgreSQL endpoint: the driver's own {@link PGSimpleDataSource}, and the database created on the
 * {@code postgres} maintenance database when missing.
 */
public final class PostgresDatabase extends PooledDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);
    private static final String MAINTENANCE_DATABASE = "postgres";
    private static final int CONNECT_TIMEOUT_SECONDS = (int) PooledStore.CONNECTION_TIMEOUT.toSeconds();

    /** @throws IllegalArgumentException when the TLS files cannot be used */
    public PostgresDatabase(EndpointUri endpoint, TlsFiles tls) {
        super(endpoint, new PostgresDialect(), tls);
    }

    /** CREATE DATABASE runs outside any transaction, on a connection to the maintenance database. */
    @Override
    public void createDatabaseIfMissing() {
        PGSimpleDataSource maintenance = dataSource(MAINTENANCE_DATABASE);
        maintenance.setLoginTimeout(CONNECT_TIMEOUT_SECONDS);
        try (Connection connection = maintenance.getConnection()) {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM pg_database WHERE datname = ?")) {
                select.setString(1, endpoint().database());
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + endpoint().database().replace("\"", "\"\"") + "\"");
                LOG.info("Created the datastore database {}", endpoint());
            }
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                return; // another server created it meanwhile
            }
            if ("28000".equals(e.getSQLState()) || "3D000".equals(e.getSQLState())
                    || "42501".equals(e.getSQLState())) {
                // No access to the maintenance database or no right to create one: the database may exist anyway,
                // and opening it says so clearly if it does not.
                LOG.debug("Could not check for database {}: {}", endpoint(), e.getMessage());
                return;
            }
            throw new DatastoreUnavailableException("cannot reach PostgreSQL at " + endpoint() + ": "
                    + SqlErrors.describe(e), e);
        }
    }

    @Override
    public PGSimpleDataSource dataSource(String database) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[] {endpoint().host()});
        source.setPortNumbers(new int[] {endpoint().port()});
        source.setDatabaseName(database);
        source.setUser(endpoint().user());
        source.setPassword(endpoint().password());
        source.setApplicationName("karst");
        source.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        // A server that vanishes without closing its sockets must not hang a read forever.
        source.setTcpKeepAlive(true);
        endpoint().parameters().forEach((name, value) -> {
            try {
                source.setProperty(name, value);
            } catch (SQLException e) {
                throw new IllegalArgumentException("unknown PostgreSQL endpoint parameter '" + name + "'", e);
            }
        });
        applyTls(source);
        return source;
    }

    /**
     * A CA file turns on full verification of the server's certificate and name, as K3s does. A PEM client
     * certificate and key go to the driver as the key store made of them: pgjdbc reads a {@code .p12} key file with
     * its password, certificate chain included.
     */
    private void applyTls(PGSimpleDataSource source) {
        TlsFiles tls = tls();
        if (tls.hasCaFile()) {
            source.setSsl(true);
            source.setSslMode("verify-full");
            source.setSslRootCert(tls.caFile());
        }
        if (clientKey().isPresent()) {
            ClientKeyStore key = clientKey().get();
            source.setSsl(true);
            source.setSslKey(key.file().toString());
            source.setSslPassword(key.password());
        } else if (tls.keyFileIsKeyStore()) {
            source.setSsl(true);
            source.setSslKey(tls.keyFile());
        }
    }
}
