package io.karst.datastore;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.KeyValueStore;

/**
 * A store on an external database that may be down when the server starts. Opening is tried at once and then
 * again in the background until it works; meanwhile every call fails with {@link DatastoreUnavailableException}
 * saying why, so the server starts, reports the datastore unhealthy, and uses the database as soon as it is
 * there, without a restart. Once open, the store itself reconnects after outages (fresh connections per failure).
 */
public final class ReconnectingStore extends ForwardingKeyValueStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectingStore.class);

    private final String description;
    private final Supplier<LogStructuredStore> opener;
    private final Duration retryInterval;
    private final ScheduledExecutorService retries;
    private volatile LogStructuredStore store;
    private volatile String lastError = "not opened yet";
    private volatile boolean closed;

    /**
     * @param description what is opened, for messages, e.g. the endpoint without its password
     * @param opener opens the store; throws {@link DatastoreException} or {@link RuntimeException} on failure
     */
    public ReconnectingStore(String description, Supplier<LogStructuredStore> opener, Duration retryInterval) {
        this.description = description;
        this.opener = opener;
        this.retryInterval = retryInterval;
        this.retries = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "karst-datastore-connect");
            thread.setDaemon(true);
            return thread;
        });
        if (!tryOpen()) {
            LOG.error("Datastore {} is unavailable: {}; retrying every {}", description, lastError,
                    seconds(retryInterval));
            retries.scheduleWithFixedDelay(this::retry, retryInterval.toMillis(), retryInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private static String seconds(Duration interval) {
        return interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() / 1000.0 + " s";
    }

    /** Whether the store is open (the database was reached at least once). */
    public boolean isOpen() {
        return store != null;
    }

    /**
     * Why the datastore cannot be used right now, or empty: it is not open yet (and why the last attempt failed),
     * or its database cannot be read (see {@link LogStructuredStore#problem()}). Runs no query.
     */
    public Optional<String> problem() {
        LogStructuredStore open = store;
        if (open == null) {
            return Optional.of(closed ? "the datastore is closed" : unavailable());
        }
        return open.problem().map(reason -> "datastore " + description + ": " + reason);
    }

    private void retry() {
        if (store == null && !closed && tryOpen()) {
            LOG.info("Datastore {} is available again", description);
            retries.shutdown();
        }
    }

    private synchronized boolean tryOpen() {
        if (closed) {
            return false;
        }
        try {
            store = opener.get();
            return true;
        } catch (RuntimeException e) {
            lastError = SqlErrors.describe(e);
            LOG.debug("Datastore {} could not be opened", description, e);
            return false;
        }
    }

    @Override
    protected KeyValueStore delegate() {
        LogStructuredStore open = store;
        if (open == null) {
            throw new DatastoreUnavailableException(closed ? "the datastore is closed" : unavailable());
        }
        return open;
    }

    private String unavailable() {
        return "datastore " + description + " is unavailable: " + lastError + " (retrying every "
                + seconds(retryInterval) + ")";
    }

    /** Stops retrying and closes the store if it was opened. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        retries.shutdownNow();
        LogStructuredStore open = store;
        if (open != null) {
            open.close();
        }
    }
}
