package io.karst.datastore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
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
    /** Statements kept per connection; each inner map is used only by the read holding its connection. */
    private final Map<Connection, Map<String, PreparedStatement>> statements =
            Collections.synchronizedMap(new IdentityHashMap<>());
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
                statements.remove(connection);
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
                statements.remove(connection);
                closeQuietly(connection);
            }
            permits.release();
        }
    }

    /**
     * {@code sql} prepared on {@code connection} once and kept as long as the connection: for a single-key get
     * (which every etcd Txn makes too) SQLite spent more time compiling the statement than running it. Only for
     * the connection a {@link #read} was handed, inside that read; the caller closes its result set, never the
     * statement.
     */
    PreparedStatement statement(Connection connection, String sql) throws SQLException {
        Map<String, PreparedStatement> prepared = statements.computeIfAbsent(connection, c -> new HashMap<>());
        PreparedStatement statement = prepared.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            prepared.put(sql, statement);
        }
        return statement;
    }

    @Override
    public void close() {
        closed = true;
        for (Connection connection; (connection = idle.poll()) != null;) {
            statements.remove(connection);
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
