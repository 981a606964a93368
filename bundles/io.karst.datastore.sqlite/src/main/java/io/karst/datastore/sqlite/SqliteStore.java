package io.karst.datastore.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.sqlite.SQLiteDataSource;

import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;

/** Opens the log-structured store on a SQLite file. */
public final class SqliteStore {
    /** Where a server keeps its state below the data directory, as K3s does. */
    public static final Path DATABASE_PATH = Path.of("server", "db", "state.db");

    private SqliteStore() {
    }

    /** The store of a server's data directory: {@code <dataDir>/server/db/state.db}. */
    public static LogStructuredStore openInDataDir(Path dataDir, SqliteSync sync, StoreSettings settings) {
        return open(dataDir.resolve(DATABASE_PATH), sync, settings);
    }

    /**
     * Opens (creating if needed) the database file and the store on it.
     *
     * @throws DatastoreUnavailableException when the directory or the database cannot be opened
     */
    public static LogStructuredStore open(Path databaseFile, SqliteSync sync, StoreSettings settings) {
        try {
            Files.createDirectories(databaseFile.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new DatastoreUnavailableException("cannot create the datastore directory of " + databaseFile, e);
        }
        // SQLiteDataSource, not DriverManager: the driver registry and the context class loader it relies on
        // do not see sqlite-jdbc inside OSGi.
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + databaseFile.toAbsolutePath());
        return LogStructuredStore.open(new SqliteDialect(databaseFile, sync), dataSource::getConnection, settings);
    }
}
