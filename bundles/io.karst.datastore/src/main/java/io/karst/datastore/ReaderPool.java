package io.karst.datastore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

import io.karst.api.datastore.DatastoreUnavailableException;

/**
 * A few connections for reads. A connection that fails is closed rather than returned, so a database that went
 * away and came back is used again through fresh connections.
 */
final class ReaderPool implements AutoCloseable {

    /** A read on one connection. */
    @FunctionalInterface
    interface Read<T> {
        T apply(Connection connection) throws SQLException;
    }

    private final ConnectionSource source;
    private final Dialect dialect;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    ReaderPool(ConnectionSource source, Dialect dialect, int size) {
        this.source = source;
        this.dialect = dialect;
        this.permits = new Semaphore(size, true);
    }

    <T> T read(Read<T> read) {
        if (closed) {
            throw new DatastoreUnavailableException("the datastore is closed");
        }
        permits.acquireUninterruptibly();
        Connection connection = null;
        try {
            connection = idle.poll();
            if (connection == null) {
                connection = source.open();
                dialect.configure(connection, false);
            }
            T result = read.apply(connection);
            if (closed) {
                connection.close();
            } else {
                idle.add(connection);
            }
            connection = null;
            return result;
        } catch (SQLException e) {
            throw new DatastoreUnavailableException("datastore read failed: " + SqlErrors.describe(e), e);
        } finally {
            if (connection != null) {
                closeQuietly(connection);
            }
            permits.release();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Connection connection; (connection = idle.poll()) != null;) {
            closeQuietly(connection);
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing a broken connection is best effort; the database end releases it anyway.
        }
    }
}
