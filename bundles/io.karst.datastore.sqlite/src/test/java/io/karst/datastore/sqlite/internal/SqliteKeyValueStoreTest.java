package io.karst.datastore.sqlite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.datastore.DatastoreStatus;
import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.InvalidRequestException;
import io.karst.datastore.sqlite.SqliteSync;

class SqliteKeyValueStoreTest {
    @TempDir
    Path dataDir;

    @Test
    void activationOpensTheDataDirsDatabaseAndDeactivationReleasesIt() {
        SqliteKeyValueStore component = new SqliteKeyValueStore(config(dataDir, 16));
        component.create("/a", new byte[16], 0);
        assertThrows(InvalidRequestException.class, () -> component.create("/b", new byte[17], 0));
        assertTrue(Files.isRegularFile(dataDir.resolve("server/db/state.db")));
        component.deactivate();
        assertThrows(DatastoreUnavailableException.class, () -> component.get("/a"));

        SqliteKeyValueStore again = new SqliteKeyValueStore(config(dataDir, 16));
        try {
            assertEquals(1, again.currentRevision());
        } finally {
            again.deactivate();
        }
    }

    @Test
    void theComponentCompactsOnItsConfiguredScheduleAndKeepsTheConfiguredRevisions() throws Exception {
        SqliteKeyValueStore component = new SqliteKeyValueStore(config(dataDir, 1024, 1));
        try {
            for (int i = 0; i < 50; i++) {
                component.create("/k/" + i, new byte[8], 0);
                component.update("/k/" + i, new byte[8], 0, 0);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            // until a whole compaction is over: the compacted revision moves with its first step, before the space
            // is reclaimed and the write-ahead log truncated
            while (component.status().lastCompaction() == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            DatastoreStatus status = component.status();
            assertTrue(status.compactedRevision() >= 90, "compacted to " + status.compactedRevision());
            assertTrue(status.compactedRevision() <= 100 - 10, "kept fewer than 10 revisions: " + status);
            assertNotNull(status.lastCompaction());
            assertNotNull(status.lastCompactionDuration());
            assertTrue(status.rowCount() <= 60, "superseded rows not removed: " + status);
        } finally {
            component.deactivate();
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("karst-datastore-sqlite-compaction")), "schedule thread left");
    }

    @Test
    void aNegativeCompactionSettingFailsActivationWithoutOpeningTheDatabase() {
        SqliteStoreConfig bad = config(dataDir, 16, -1);
        assertThrows(IllegalArgumentException.class, () -> new SqliteKeyValueStore(bad));
        assertTrue(Files.notExists(dataDir.resolve("server/db/state.db")));
    }

    private static SqliteStoreConfig config(Path dataDir, int maxValueBytes) {
        return config(dataDir, maxValueBytes, 300);
    }

    private static SqliteStoreConfig config(Path dataDir, int maxValueBytes, long intervalSeconds) {
        return new SqliteStoreConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SqliteStoreConfig.class;
            }

            @Override
            public String data_dir() {
                return dataDir.toString();
            }

            @Override
            public SqliteSync synchronous() {
                return SqliteSync.FULL;
            }

            @Override
            public int max_value_bytes() {
                return maxValueBytes;
            }

            @Override
            public int read_connections() {
                return 2;
            }

            @Override
            public long compaction_interval_seconds() {
                return intervalSeconds;
            }

            @Override
            public long compaction_retention_seconds() {
                return 0;
            }

            @Override
            public long compaction_min_revisions() {
                return 10;
            }
        };
    }
}
