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
 * {@code (name, id)}, {@code kv_meta(name PRIMARY KEY, value)} and {@code kv_lease(id PRIMARY KEY, ttl_seconds)}.
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

    /** Statement inserting or replacing one {@code kv_meta} row, parameters {@code (name, value)}. */
    default String upsertMeta() {
        return "INSERT INTO kv_meta(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value";
    }

    /** Bytes the database occupies, or -1 when it cannot tell. */
    long sizeBytes(Connection connection) throws SQLException;

    /** Returns the space compaction freed to the file system, if the database does not do so itself. */
    default void reclaimSpace(Connection connection) throws SQLException {
    }
}
