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
    /**
     * An update's row holds the value and the value it replaced, so a 1 KiB object makes a row of ~2.1 KB: one row
     * per 4 KiB page (half of every page written empty), three per 8 KiB page. bench/datastore, a million updates
     * of 1 KiB values by 64 writers: 4 KiB pages 10,400-10,900/s and a 3.8 GB file, 8 KiB pages 13,100/s and
     * 2.8 GB; 16 KiB pages wrote as fast but made a list of 10,000 keys a quarter slower (a page read per key).
     * Only a new database takes it: an existing one keeps its page size.
     */
    private static final int PAGE_SIZE_BYTES = 8192;
    /**
     * Pages in the write-ahead log before the writer copies them back (SQLite's default is 1000). A checkpoint
     * copies a page once however often it was rewritten since the last, and the hot pages of the (name, id)
     * index are rewritten by nearly every batch: 4000 pages (32 MiB) took the million updates from 13,100 to
     * 13,800/s.
     */
    private static final int WAL_CHECKPOINT_PAGES = 4000;
    /** Pages given back to the file system per transaction: 16 MiB, some 40 ms of the writer's time. */
    static final int RECLAIM_SLICE_PAGES = 2048;

    private final Path databaseFile;
    private final SqliteSync sync;
    private final FreePageReserve reserve = new FreePageReserve();

    public SqliteDialect(Path databaseFile, SqliteSync sync) {
        this.databaseFile = databaseFile;
        this.sync = sync;
    }

    @Override
    public String name() {
        return "sqlite";
    }

    /** page_size and auto_vacuum only take effect before the first table exists, so they run ahead of the schema. */
    @Override
    public List<String> prepareDatabase() {
        return List.of("PRAGMA page_size = " + PAGE_SIZE_BYTES, "PRAGMA auto_vacuum = INCREMENTAL",
                "PRAGMA journal_mode = WAL");
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
                statement.execute("PRAGMA wal_autocheckpoint = " + WAL_CHECKPOINT_PAGES);
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

    @Override
    public void beforeCompaction(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            reserve.beforeCompaction(pageCount(statement), freePages(statement));
        }
    }

    /**
     * Gives back to the file system the free pages beyond those the writes are likely to take again before the next
     * compaction ({@link FreePageReserve}), {@value #RECLAIM_SLICE_PAGES} pages a transaction. {@code executeUpdate}
     * steps the pragma to its end; a plain {@code execute} steps it once, which frees a single page.
     */
    @Override
    public boolean reclaimSpace(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            long free = freePages(statement);
            long surplus = reserve.pagesToGiveBack(free);
            if (surplus > 0) {
                statement.executeUpdate("PRAGMA incremental_vacuum(" + Math.min(surplus, RECLAIM_SLICE_PAGES) + ")");
            }
            long left = freePages(statement);
            // another slice only while the free list shrinks: a vacuum that frees nothing must not loop for ever
            if (surplus > RECLAIM_SLICE_PAGES && left < free) {
                return true;
            }
            reserve.afterReclaim(pageCount(statement), left);
            return false;
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
        return pragma(statement, "freelist_count");
    }

    private static long pageCount(Statement statement) throws SQLException {
        return pragma(statement, "page_count");
    }

    private static long pragma(Statement statement, String name) throws SQLException {
        try (ResultSet rs = statement.executeQuery("PRAGMA " + name)) {
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
