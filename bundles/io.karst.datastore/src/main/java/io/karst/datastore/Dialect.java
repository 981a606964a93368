package io.karst.datastore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What differs between SQL databases: the schema's types and indexes, per-connection settings, how to measure
 * the database and reclaim space. The queries themselves are portable SQL in {@link LogSql}.
 *
 * <p>The schema must define {@code kv_log(id, name, created, deleted, create_revision, prev_revision, lease,
 * version, value, old_value)} with {@code id} the primary key, {@code name} compared by UTF-8 bytes, an index on
 * {@code (name, id)}, {@code kv_meta(name PRIMARY KEY, value)} and {@code kv_lease(id PRIMARY KEY, ttl_seconds,
 * expires_at)} (a BIGINT of milliseconds on {@link #clockMillis()}).
 * A database several servers share (see {@link LogStructuredStore#openShared}) must also generate {@code id}
 * (auto-increment) and keep {@code (name, prev_revision)} unique, so two servers cannot both supersede one row.
 */
public interface Dialect {

    /** Short name for logs and status, e.g. {@code sqlite}. */
    String name();

    /** Statements run once at start on the writer connection, before the schema; each must be idempotent. */
    default List<String> prepareDatabase() {
        return List.of();
    }

    /** Idempotent DDL creating the tables and indexes. */
    List<String> schema();

    /** Applies per-connection settings to a newly opened connection. */
    void configure(Connection connection, boolean writer) throws SQLException;

    /**
     * Statement inserting or replacing one {@code kv_meta} row, parameters {@code (name, value)}. A shared
     * database's dialect should keep the larger value, so a server with a stale view never lowers the compacted
     * revision another server recorded.
     */
    default String upsertMeta() {
        return "INSERT INTO kv_meta(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value";
    }

    /**
     * Whether a failed statement lost a race with another server's write: a uniqueness violation of
     * {@code (name, prev_revision)} or of the id. The batch is then rolled back and run again, and its writes see
     * the other server's row. SQLSTATE class 23 is the standard "integrity constraint violation".
     */
    default boolean isConflict(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The id the last insert on this connection took from the database, even if that insert then failed and was
     * rolled back; 0 when the database cannot tell. A writer fills that id at once after losing a race, rather
     * than leaving every server's poller to wait out its gap timeout.
     */
    default long lastAllocatedId(Connection connection) throws SQLException {
        return 0;
    }

    /**
     * Compaction's delete of the rows superseded in a step, parameters {@code (from, to)}. MySQL cannot delete
     * from a table its own subquery reads and overrides this with a derived table.
     */
    default String deleteSuperseded() {
        return LogSql.DELETE_SUPERSEDED;
    }

    /**
     * An SQL expression for the database's clock, in milliseconds since the epoch. Lease deadlines are kept on it,
     * so that servers sharing the database agree on them whatever their own clocks say.
     */
    String clockMillis();

    /**
     * What ends a {@code SELECT} of a row that another transaction must not delete before this one commits
     * (a shared lock); empty where one writer is alone on the database.
     */
    default String shareLockSuffix() {
        return "";
    }

    /**
     * Whether the range query's walk from key to next key returns its rows in key order without an
     * {@code ORDER BY}, whose sort would copy every row (values included) once more. The store checks the order
     * of what it gets and asks again with the sort if it ever is not.
     */
    default boolean walksKeysInOrder() {
        return false;
    }

    /** Bytes the database occupies, or -1 when it cannot tell. */
    long sizeBytes(Connection connection) throws SQLException;

    /**
     * On the writer's connection, in a transaction of its own, before a compaction deletes anything: what the
     * database notes of its space to decide afterwards what to give back (SQLite: the free pages the writes used
     * since the previous compaction).
     */
    default void beforeCompaction(Connection connection) throws SQLException {
    }

    /**
     * Returns the space compaction freed to the file system, if the database does not do so itself, a slice per
     * call so that writes go on between the slices.
     *
     * @return whether more is left to give back, in another transaction
     */
    default boolean reclaimSpace(Connection connection) throws SQLException {
        return false;
    }

    /**
     * After a compaction's space was reclaimed and committed, on the writer's connection with no transaction open:
     * what shrinks the database's files further (SQLite truncates its write-ahead log).
     */
    default void afterReclaim(Connection connection) throws SQLException {
    }
}
