package io.karst.datastore.sqlite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    private static SqliteStoreConfig config(Path dataDir, int maxValueBytes) {
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
        };
    }
}
