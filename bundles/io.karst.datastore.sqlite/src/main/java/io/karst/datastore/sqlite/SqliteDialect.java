package io.karst.datastore.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.karst.datastore.Dialect;

/**
 * SQLite: WAL journal (readers never block the writer), {@code auto_vacuum=INCREMENTAL} so compaction can hand
 * space back, and the {@code (name, id)} index that makes "latest row of each key under a prefix" an index walk.
 * Text uses SQLite's BINARY collation, which orders keys by their UTF-8 bytes as etcd does.
 */
public final class SqliteDialect implements Dialect {
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;
    private static final long WAL_SIZE_LIMIT_BYTES = 64L * 1024 * 1024;

    private final Path databaseFile;
    private final SqliteSync sync;

    public SqliteDialect(Path databaseFile, SqliteSync sync) {
        this.databaseFile = databaseFile;
        this.sync = sync;
    }

    @Override
    public String name() {
        return "sqlite";
    }

    /** auto_vacuum only takes effect before the first table exists, so it runs ahead of the schema. */
    @Override
    public List<String> prepareDatabase() {
        return List.of("PRAGMA auto_vacuum = INCREMENTAL", "PRAGMA journal_mode = WAL");
    }

    @Override
    public List<String> schema() {
        return List.of("""
                CREATE TABLE IF NOT EXISTS kv_log (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    created INTEGER NOT NULL,
                    deleted INTEGER NOT NULL,
                    create_revision INTEGER NOT NULL,
                    prev_revision INTEGER NOT NULL,
                    lease INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    value BLOB NOT NULL,
                    old_value BLOB)""",
                "CREATE UNIQUE INDEX IF NOT EXISTS kv_log_name_id ON kv_log (name, id)",
                // Partial: most keys carry no lease, and only lease revocation looks keys up by lease.
                "CREATE INDEX IF NOT EXISTS kv_log_lease ON kv_log (lease) WHERE lease <> 0",
                "CREATE TABLE IF NOT EXISTS kv_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS kv_lease (id INTEGER PRIMARY KEY, ttl_seconds INTEGER NOT NULL, "
                        + "expires_at INTEGER NOT NULL)");
    }

    /**
     * SQLite runs a recursive CTE as a FIFO queue and scans the materialized result in insertion order, so the
     * walk from key to next key yields the keys in order.
     */
    @Override
    public boolean walksKeysInOrder() {
        return true;
    }

    /** julianday counts days from noon UTC, 4714 BC; 2440587.5 of them end at the Unix epoch. */
    @Override
    public String clockMillis() {
        return "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)";
    }

    @Override
    public void configure(Connection connection, boolean writer) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            if (writer) {
                statement.execute("PRAGMA synchronous = " + sync.name());
                // Without a limit the WAL file keeps the size of the largest transaction ever committed.
                statement.execute("PRAGMA journal_size_limit = " + WAL_SIZE_LIMIT_BYTES);
            } else {
                statement.execute("PRAGMA query_only = 1");
            }
        }
    }

    /** Main file plus write-ahead log: what the store costs on disk right now. */
    @Override
    public long sizeBytes(Connection connection) {
        return fileSize(databaseFile) + fileSize(databaseFile.resolveSibling(databaseFile.getFileName() + "-wal"));
    }

    /**
     * Gives the pages compaction freed back to the file system. sqlite-jdbc may step the pragma only once, which
     * frees one page, so it is repeated until the free list is empty or stops shrinking.
     */
    @Override
    public void reclaimSpace(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            long free = freePages(statement);
            while (free > 0) {
                statement.execute("PRAGMA incremental_vacuum");
                long left = freePages(statement);
                if (left >= free) {
                    return;
                }
                free = left;
            }
        }
    }

    /**
     * Truncates the write-ahead log once compaction's pages are back in the main file: {@code journal_size_limit}
     * only acts when the log is reset by a later write, so a store that goes quiet after compaction kept a log of
     * hundreds of megabytes. A reader still on an older snapshot makes the checkpoint stop early, harmlessly.
     */
    @Override
    public void afterReclaim(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        // sqlite-jdbc begins the next transaction right after a commit; a checkpoint needs none open
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static long freePages(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("PRAGMA freelist_count")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static long fileSize(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
