package io.karst.datastore.pooled;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.KeyValueStore;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.ReconnectingStore;
import io.karst.datastore.SharedLogSettings;
import io.karst.datastore.SqlErrors;
import io.karst.datastore.StoreSettings;

/**
 * The store on an external database: a HikariCP pool over the driver's data source, the database created when
 * missing, and a {@link ReconnectingStore} so a database that is down at start is used as soon as it comes up.
 * The store owns the database: closing the store closes it too.
 */
public final class PooledStore implements AutoCloseable {
    /** Short, so a read or write during an outage fails in seconds rather than after Hikari's 30 s default. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    private final PooledDatabase database;
    private final HikariDataSource pool;
    private final ReconnectingStore store;

    private PooledStore(PooledDatabase database, StoreSettings settings, SharedLogSettings shared,
            Duration retryInterval) {
        this.database = database;
        try {
            HikariConfig config = new HikariConfig();
            config.setPoolName("karst-datastore-" + database.dialect().name());
            config.setDataSource(database.dataSource(database.endpoint().database()));
            // Readers, the writer and the log poller each hold one; a few spare for database creation and retries.
            config.setMaximumPoolSize(settings.readConnections() + 4);
            config.setMinimumIdle(0);
            config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
            // -1: creating the pool never fails; a database that is down shows up as each connection attempt's
            // error.
            config.setInitializationFailTimeout(-1);
            this.pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        this.store = new ReconnectingStore(database.endpoint().toString(), () -> {
            try {
                database.createDatabaseIfMissing();
                return LogStructuredStore.openShared(database.dialect(), pool::getConnection, settings, shared);
            } catch (RuntimeException e) {
                throw explainRefusedCertificate(e, database);
            }
        }, retryInterval);
    }

    /**
     * The drivers word a server certificate they refuse in their own jargon (Connector/J even advises to stop
     * verifying, and keeps the cause to itself), so the reason gets what the operator can check.
     */
    private static RuntimeException explainRefusedCertificate(RuntimeException e, PooledDatabase database) {
        if (!database.tls().hasCaFile()) {
            return e;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException || cause instanceof CertPathBuilderException
                    || cause instanceof CertPathValidatorException
                    || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("certificat")) {
                return new DatastoreUnavailableException(SqlErrors.describe(e) + "; the server's certificate must "
                        + "be signed by the CA in --datastore-cafile " + database.tls().caFile() + " and name "
                        + database.endpoint().host(), e);
            }
        }
        return e;
    }

    /**
     * Opens the store; returns even when the database is down, and the store then reports it unavailable until
     * the database can be reached.
     */
    public static PooledStore open(PooledDatabase database, StoreSettings settings, SharedLogSettings shared,
            Duration retryInterval) {
        return new PooledStore(database, settings, shared, retryInterval);
    }

    public KeyValueStore store() {
        return store;
    }

    /** Whether the database was reached and the store opened. */
    public boolean isOpen() {
        return store.isOpen();
    }

    /**
     * Why the store cannot be used right now, or empty: the database was never reached (and why), or the last
     * read of its log failed or hangs. Runs no query, so it answers at once even while the database is down.
     */
    public Optional<String> problem() {
        return store.problem();
    }

    @Override
    public void close() {
        store.close();
        pool.close();
        database.close();
    }
}
