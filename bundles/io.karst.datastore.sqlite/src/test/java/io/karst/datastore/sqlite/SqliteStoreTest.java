package io.karst.datastore.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import io.karst.api.datastore.DatastoreStatus;
import io.karst.api.datastore.KeyValue;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;

class SqliteStoreTest {
    @TempDir
    Path dataDir;

    @Test
    void theDatabaseLivesInServerDbStateDbInWalMode() throws Exception {
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.FULL, StoreSettings.defaults())) {
            store.create("/a", new byte[] {1}, 0);
        }
        Path file = dataDir.resolve("server/db/state.db");
        assertTrue(Files.isRegularFile(file));
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + file);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            assertEquals("wal", single(statement, "PRAGMA journal_mode"));
            assertEquals("2", single(statement, "PRAGMA auto_vacuum"), "2 is INCREMENTAL");
            assertEquals("8192", single(statement, "PRAGMA page_size"));
            assertEquals("1", single(statement, "SELECT COUNT(*) FROM kv_log"));
        }
    }

    /** The page size only takes effect in a database that has no table yet: an existing one keeps its own. */
    @Test
    void aDatabaseMadeWithSmallerPagesKeepsThem() throws Exception {
        createDatabaseWith("PRAGMA page_size = 4096");
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.FULL, StoreSettings.defaults())) {
            store.create("/a", new byte[] {1}, 0);
            assertEquals(1, store.get("/a").orElseThrow().version());
        }
        assertEquals("4096", pragma("page_size"));
    }

    /**
     * A lone write commits on its caller's thread and concurrent ones are batched by the writer thread; either
     * way one batch runs at a time, so revisions stay unique and consecutive and every write is readable at its own.
     */
    @Test
    void writesFromManyThreadsAtOnceGetConsecutiveRevisions() throws Exception {
        int threads = 16;
        int perThread = 200;
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.NORMAL, StoreSettings.defaults())) {
            long before = store.currentRevision();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<KeyValue>>> written = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    written.add(pool.submit(() -> {
                        List<KeyValue> mine = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            mine.add(store.create("/many/" + thread + "/" + i, new byte[] {(byte) i}, 0));
                        }
                        return mine;
                    }));
                }
                Set<Long> revisions = new TreeSet<>();
                for (Future<List<KeyValue>> future : written) {
                    for (KeyValue kv : future.get(60, TimeUnit.SECONDS)) {
                        assertTrue(revisions.add(kv.modRevision()), "revision " + kv.modRevision() + " twice");
                        assertEquals(kv.modRevision(), store.get(kv.key()).orElseThrow().modRevision());
                    }
                }
                assertEquals(threads * perThread, revisions.size());
                assertEquals(before + 1, ((TreeSet<Long>) revisions).first());
                assertEquals(before + threads * perThread, ((TreeSet<Long>) revisions).last());
                assertEquals(before + threads * perThread, store.currentRevision());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * A write's completion runs once its batch has given up the writer's turn, so a write made from it (and
     * waited for there) commits instead of waiting for a turn its own thread holds.
     */
    @Test
    void aWriteMadeAndAwaitedInAnotherWritesCompletionCommits() throws Exception {
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.NORMAL, StoreSettings.defaults())) {
            KeyValue second = store.createAsync("/first", new byte[] {1}, 0)
                    .thenApply(first -> store.create("/second", new byte[] {2}, 0))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(store.get("/first").orElseThrow().modRevision() + 1, second.modRevision());
        }
    }

    /**
     * The asynchronous writes a thread makes inside commitOnThisThread are committed on that thread when it
     * returns, so their completions run there (otherwise they would run on the store's writer thread), in order,
     * at consecutive revisions; a nested call's writes join the outer call's.
     */
    @Test
    void asynchronousWritesHeldByAThreadCommitOnThatThreadWhenItsWritesHaveRun() throws Exception {
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.NORMAL, StoreSettings.defaults())) {
            long before = store.currentRevision();
            List<String> completedOn = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<KeyValue>> written = new ArrayList<>();
            store.commitOnThisThread(() -> {
                for (int i = 0; i < 3; i++) {
                    written.add(store.createAsync("/held/" + i, new byte[] {(byte) i}, 0).toCompletableFuture());
                }
                store.commitOnThisThread(() -> written.add(store.createAsync("/held/nested", new byte[] {9}, 0)
                        .toCompletableFuture()));
                written.forEach(future -> assertFalse(future.isDone(), "committed before the writes had all run"));
                written.forEach(future -> future.thenRun(() -> completedOn.add(Thread.currentThread().getName())));
            });
            assertTrue(written.stream().allMatch(CompletableFuture::isDone));
            assertEquals(Collections.nCopies(4, Thread.currentThread().getName()), completedOn);
            for (int i = 0; i < 4; i++) {
                assertEquals(before + 1 + i, written.get(i).get().modRevision());
            }
            assertEquals(before + 4, store.get("/held/nested").orElseThrow().modRevision());
        }
    }

    /** A write held back before the caller's writes failed part way is still committed, not left waiting. */
    @Test
    void writesHeldBeforeTheCallersWritesFailedAreCommittedAllTheSame() throws Exception {
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.NORMAL, StoreSettings.defaults())) {
            List<CompletableFuture<KeyValue>> written = new ArrayList<>();
            Runnable failingPartWay = () -> {
                written.add(store.createAsync("/held-then-failed", new byte[] {1}, 0).toCompletableFuture());
                throw new IllegalStateException("the caller failed after its first write");
            };
            IllegalStateException failure = assertThrows(IllegalStateException.class,
                    () -> store.commitOnThisThread(failingPartWay));
            assertEquals("the caller failed after its first write", failure.getMessage());
            KeyValue kv = written.get(0).get(10, TimeUnit.SECONDS);
            assertEquals(kv.modRevision(), store.get("/held-then-failed").orElseThrow().modRevision());
        }
    }

    @Test
    void aDatabaseFromBeforeLeaseDeadlinesGetsTheColumnAndItsLeasesAFullTtl() throws Exception {
        long leaseId;
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.FULL, StoreSettings.defaults())) {
            leaseId = store.grantLease(60).id();
            store.create("/leased", new byte[] {1}, leaseId);
        }
        Path file = dataDir.resolve("server/db/state.db");
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + file);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            // The table as the first releases made it.
            statement.execute("ALTER TABLE kv_lease DROP COLUMN expires_at");
        }
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.FULL, StoreSettings.defaults())) {
            assertEquals(60, store.timeToLive(leaseId, false).grantedTtlSeconds());
            assertTrue(store.timeToLive(leaseId, false).remainingSeconds() >= 58);
            assertEquals(List.of("/leased"), store.timeToLive(leaseId, true).keys());
        }
    }

    /** More history than one slice of the reclaim (SqliteDialect.RECLAIM_SLICE_PAGES), all of it given back. */
    @Test
    void compactionGivesTheSpaceOfRemovedHistoryBack() {
        int keys = 1000;
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.NORMAL,
                StoreSettings.defaults().withCompactionStep(500))) {
            writeDeletedHistory(store, keys);
            assertTrue(pageCount() > 2 * SqliteDialect.RECLAIM_SLICE_PAGES, "history too small for two slices");
            store.compact(store.currentRevision());
            DatastoreStatus after = store.status();
            assertEquals(0, after.rowCount());
            assertEquals(3 * keys, after.compactedRevision());
            assertTrue(after.dbSizeBytes() > 0);
        }
        assertEquals(0, freePages());
        long pages = pageCount();
        assertTrue(pages < 50, "history of 24 MiB left " + pages + " pages behind");
    }

    /**
     * A database made without incremental auto-vacuum cannot give pages back: the compaction ends all the same,
     * and its free pages wait for the next writes.
     */
    @Test
    void aDatabaseWithoutIncrementalVacuumStillCompacts() throws Exception {
        createDatabaseWith("PRAGMA auto_vacuum = NONE");
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.NORMAL,
                StoreSettings.defaults().withCompactionStep(500))) {
            writeDeletedHistory(store, 1000);
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> store.compact(store.currentRevision()));
            assertEquals(0, store.status().rowCount());
        }
        assertEquals("0", pragma("auto_vacuum"));
        assertTrue(freePages() > 2 * SqliteDialect.RECLAIM_SLICE_PAGES, freePages() + " free pages");
    }

    /**
     * Under a steady load a compaction keeps the free pages the writes will take again (FreePageReserve), and
     * once the load stopped the next compaction gives them back.
     */
    @Test
    void compactionKeepsTheFreePagesTheWritesTookSinceThePreviousOneAndGivesBackTheRest() {
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.NORMAL,
                StoreSettings.defaults())) {
            byte[] value = new byte[4 * 1024];
            for (int i = 0; i < 300; i++) {
                store.create("/load/" + i, value, 0);
            }
            store.compact(store.currentRevision());
            assertEquals(0, freePages(), "the first compaction after opening gives everything back");

            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 300; i++) {
                    store.update("/load/" + i, value, 0, 0);
                }
                long pagesBefore = pageCount();
                store.compact(store.currentRevision());
                assertTrue(freePages() >= 250, "round " + round + ": the freed rows' pages were given back, "
                        + freePages() + " free of " + pageCount());
                assertEquals(pagesBefore, pageCount(), "round " + round);
            }

            long pagesUnderLoad = pageCount();
            store.create("/quiet", new byte[] {1}, 0);
            store.compact(store.currentRevision());
            assertTrue(freePages() <= 2, "kept " + freePages() + " free pages with no load");
            assertTrue(pageCount() < pagesUnderLoad - 300, pageCount() + " pages, " + pagesUnderLoad + " before");
            assertEquals(301, store.count("/"));
        }
    }

    /** Keys created, updated and deleted with 8 KiB values: three revisions each, none left alive. */
    private static void writeDeletedHistory(LogStructuredStore store, int keys) {
        byte[] value = new byte[8 * 1024];
        for (int i = 0; i < keys; i++) {
            store.create("/h/" + i, value, 0);
            store.update("/h/" + i, value, 0, 0);
            store.delete("/h/" + i, 0);
        }
    }

    /** The database file as an earlier release or another tool made it: {@code pragma} and one table. */
    private void createDatabaseWith(String pragma) throws Exception {
        Path file = dataDir.resolve("server/db/state.db");
        Files.createDirectories(file.getParent());
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + file);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(pragma);
            statement.execute("CREATE TABLE earlier (id INTEGER PRIMARY KEY)");
        }
    }

    private long freePages() {
        return Long.parseLong(pragma("freelist_count"));
    }

    private long pageCount() {
        return Long.parseLong(pragma("page_count"));
    }

    private String pragma(String name) {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + dataDir.resolve("server/db/state.db"));
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            return single(statement, "PRAGMA " + name);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aQuietStoreTruncatesItsWriteAheadLogAfterCompaction() throws Exception {
        Path wal = dataDir.resolve("server/db/state.db-wal");
        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.NORMAL,
                StoreSettings.defaults())) {
            byte[] value = new byte[64 * 1024];
            store.create("/big/0", value, 0);
            long before;
            // A reader's snapshot keeps checkpoints from resetting the log, so 16 MiB of history piles up in it.
            SQLiteDataSource dataSource = new SQLiteDataSource();
            dataSource.setUrl("jdbc:sqlite:" + dataDir.resolve("server/db/state.db"));
            try (Connection reader = dataSource.getConnection()) {
                reader.setAutoCommit(false);
                try (Statement statement = reader.createStatement()) {
                    single(statement, "SELECT COUNT(*) FROM kv_log");
                }
                for (int i = 0; i < 256; i++) {
                    store.update("/big/0", value, 0, 0);
                }
                before = java.nio.file.Files.size(wal);
                assertTrue(before > 8L * 1024 * 1024, "the log holds the history: " + before);
                reader.commit();
            }
            store.compact(store.currentRevision());
            assertEquals(0, java.nio.file.Files.size(wal), "the log was " + before + " bytes");
            assertEquals(value.length, store.get("/big/0").orElseThrow().value().length);
        }
    }

    private static String single(Statement statement, String sql) throws java.sql.SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
