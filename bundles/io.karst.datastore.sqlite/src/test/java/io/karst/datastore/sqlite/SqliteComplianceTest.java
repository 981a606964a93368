package io.karst.datastore.sqlite;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import io.karst.api.datastore.KeyValueStore;
import io.karst.datastore.KeyValueStoreComplianceTest;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;

/** The whole compliance kit on a SQLite file in a temporary data directory. */
class SqliteComplianceTest extends KeyValueStoreComplianceTest {
    @TempDir
    Path dataDir;

    @Override
    protected KeyValueStore openStore() {
        return SqliteStore.openInDataDir(dataDir, SqliteSync.FULL, StoreSettings.defaults());
    }

    @Override
    protected void closeStore(KeyValueStore store) {
        ((LogStructuredStore) store).close();
    }
}
