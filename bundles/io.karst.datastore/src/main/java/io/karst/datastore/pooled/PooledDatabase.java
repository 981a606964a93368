package io.karst.datastore.pooled;

import java.util.Optional;

import javax.sql.DataSource;

import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.datastore.Dialect;
import io.karst.datastore.EndpointUri;

/**
 * One kind of external database behind a {@link PooledStore}: what differs between PostgreSQL and MySQL. The TLS
 * files are read when the database is made, so bad ones fail at once; a PEM client certificate and key become a
 * {@link ClientKeyStore} for the driver, deleted on {@link #close()}.
 */
public abstract class PooledDatabase implements AutoCloseable {
    private final EndpointUri endpoint;
    private final Dialect dialect;
    private final TlsFiles tls;
    private final Optional<ClientKeyStore> clientKey;

    /** @throws IllegalArgumentException when the TLS files cannot be used */
    protected PooledDatabase(EndpointUri endpoint, Dialect dialect, TlsFiles tls) {
        this.endpoint = endpoint;
        this.dialect = dialect;
        this.tls = tls;
        this.clientKey = tls.clientKeyStore();
    }

    /** The endpoint; its {@code toString()} leaves the password out, so messages may name it. */
    public final EndpointUri endpoint() {
        return endpoint;
    }

    public final Dialect dialect() {
        return dialect;
    }

    public final TlsFiles tls() {
        return tls;
    }

    /** The PEM client certificate and key as a key store, when they are configured as PEM files. */
    protected final Optional<ClientKeyStore> clientKey() {
        return clientKey;
    }

    /**
     * The driver's own data source (no DriverManager lookups, which do not see the driver inside OSGi) for one
     * database on the endpoint's server, with connect timeouts, keep-alive and TLS set. The store pools the one
     * for the endpoint's database.
     */
    public abstract DataSource dataSource(String database);

    /**
     * Creates the endpoint's database if it does not exist; does nothing when the user may not create databases
     * (the database may exist anyway, and opening it says clearly if it does not).
     *
     * @throws DatastoreUnavailableException when the server cannot be reached
     */
    public abstract void createDatabaseIfMissing();

    /** Deletes the client key store made for the driver. Idempotent. */
    @Override
    public void close() {
        clientKey.ifPresent(ClientKeyStore::close);
    }
}
