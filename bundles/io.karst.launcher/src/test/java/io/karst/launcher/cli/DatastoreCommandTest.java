package io.karst.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.launcher.cli.ServerFixture.Run;

class DatastoreCommandTest {
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    @TempDir
    Path dir;
    ServerFixture server;
    DatastoreCommand command = new DatastoreCommand(Clock.fixed(NOW, ZoneOffset.UTC));
    Path database;
    Path snapshots;

    @BeforeEach
    void setUp() {
        server = new ServerFixture(dir);
        database = server.dataDir.resolve("server/db/state.db");
        snapshots = server.dataDir.resolve("server/db/snapshots");
    }

    @Test
    void saveTakesAConsistentSnapshotWhileAnotherConnectionKeepsWriting() throws Exception {
        requireDriver();
        createDatastore(database, 100);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong(100);
        Thread writer = new Thread(() -> {
            try (Connection connection = connect(database)) {
                while (!stop.get()) {
                    // One row per transaction, as the server's batches: any consistent copy has revisions 1..n.
                    insert(connection, written.incrementAndGet());
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        Run run;
        try {
            Thread.sleep(100);
            run = server.run(command, "snapshot", "save");
        } finally {
            stop.set(true);
            writer.join();
        }

        assertEquals(0, run.exit(), run.err());
        Path snapshot = snapshots.resolve("on-demand-" + ServerFixture.NODE_NAME + "-" + NOW.getEpochSecond());
        assertTrue(run.out().startsWith("Snapshot " + snapshot.getFileName() + " saved to " + snapshot), run.out());
        long[] range = revisionRange(snapshot);
        assertTrue(range[2] > 100, "snapshot before any concurrent write: " + range[2]);
        assertEquals(range[2], range[0], "snapshot has holes: it is not one commit's state");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshot)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshots)));
        try (var files = Files.list(snapshots)) {
            assertEquals(List.of(snapshot), files.toList(), "a partial file was left behind");
        }
    }

    @Test
    void saveRefusesADataDirWithoutADatastoreAndAnExternalDatabase() throws Exception {
        Run none = server.run(command, "snapshot", "save");
        assertEquals(1, none.exit());
        assertEquals("karst datastore snapshot save: no datastore at " + database.toAbsolutePath()
                + ": start 'karst server' first\n", none.err());

        Run external = server.run(command, "snapshot", "save", "--datastore-endpoint",
                "postgres://u:p@db.example:5432/karst");
        assertEquals(1, external.exit());
        assertTrue(external.err().contains("back up the external database"), external.err());

        Run badName = server.run(command, "snapshot", "save", "--name", "../x");
        assertEquals(1, badName.exit());
        assertTrue(badName.err().contains("--name \"../x\""), badName.err());
    }

    @Test
    void lsListsSnapshotsOldestFirstWithLocationSizeAndCreationTime() throws Exception {
        Files.createDirectories(snapshots);
        Files.write(snapshots.resolve("on-demand-node-1-1740830400"), new byte[4096]);
        Files.write(snapshots.resolve("nightly-node-1-1740744000"), new byte[1024]);
        Files.write(snapshots.resolve(".on-demand-node-1-1740830500.partial"), new byte[10]);

        Run run = server.run(command, "snapshot", "ls");

        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.lines();
        assertEquals(3, lines.size(), run.out());
        assertTrue(lines.get(0).matches("NAME\\s+LOCATION\\s+SIZE\\s+CREATED"), lines.get(0));
        assertTrue(lines.get(1).matches("nightly-node-1-1740744000\\s+file:///\\S+\\s+1024\\s+2025-02-28T12:00:00Z"),
                lines.get(1));
        assertTrue(lines.get(2).startsWith("on-demand-node-1-1740830400 "), lines.get(2));

        Run json = server.run(command, "snapshot", "ls", "-o", "json");
        assertTrue(json.out().contains("\"size\": 4096") || json.out().contains("\"size\":4096"), json.out());
    }

    @Test
    void restoreRefusesWhileAServerHoldsTheInstanceLock() throws Exception {
        Path lock = server.dataDir.resolve("server/karaf/data/lock");
        Files.createDirectories(lock.getParent());
        Files.createFile(lock);
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE);
                FileLock held = channel.lock()) {
            Run run = server.run(command, "snapshot", "restore", "--name", "anything");
            assertEquals(1, run.exit());
            assertEquals("karst datastore snapshot restore: a Karst server is running on "
                    + server.dataDir.toAbsolutePath() + " (it holds the instance lock "
                    + lock.toAbsolutePath() + "): stop it first\n", run.err());
        }
    }

    @Test
    void restoreReplacesTheDatabaseKeepsThePreviousOneAndDropsItsWal() throws Exception {
        requireDriver();
        createDatastore(database, 10);
        assertEquals(0, server.run(command, "snapshot", "save", "--name", "before").exit());
        try (Connection connection = connect(database)) {
            for (long id = 11; id <= 20; id++) {
                insert(connection, id);
            }
        }
        // A stale lock file, as a server killed with -9 leaves it, is no obstacle.
        Files.createDirectories(server.dataDir.resolve("server/karaf/data"));
        Files.createFile(server.dataDir.resolve("server/karaf/data/lock"));

        String name = "before-" + ServerFixture.NODE_NAME + "-" + NOW.getEpochSecond();
        Run run = server.run(command, "snapshot", "restore", "--name", name);

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("at revision 10"), run.out());
        assertEquals(10, revisionRange(database)[2]);
        Path backup = database.resolveSibling("state.db.pre-restore-" + NOW.getEpochSecond());
        assertTrue(run.out().contains("the previous database is kept as " + backup.toAbsolutePath()), run.out());
        assertEquals(20, revisionRange(backup)[2]);
        assertFalse(Files.exists(database.resolveSibling("state.db-wal")));
        assertFalse(Files.exists(database.resolveSibling("state.db.restoring")));
    }

    @Test
    void restoreOfADamagedSnapshotLeavesTheDatabaseAsItWas() throws Exception {
        requireDriver();
        createDatastore(database, 5);
        Path damaged = dir.resolve("damaged");
        Files.write(damaged, "not a database at all, just text".repeat(200).getBytes());

        Run run = server.run(command, "snapshot", "restore", damaged.toString());

        assertEquals(1, run.exit());
        assertTrue(run.err().contains("is not a Karst datastore snapshot"), run.err());
        assertEquals(5, revisionRange(database)[2]);
        try (var files = Files.list(database.getParent())) {
            assertEquals(List.of("state.db"), files.map(f -> f.getFileName().toString())
                    .filter(f -> !f.endsWith("-wal") && !f.endsWith("-shm")).toList());
        }
    }

    @Test
    void unknownCommandsAndMissingArgumentsSayWhatIsExpected() {
        Run unknown = server.run(command, "defrag");
        assertEquals("karst datastore defrag: unknown command \"defrag\": expected snapshot\n", unknown.err());
        Run missing = server.run(command, "snapshot", "restore");
        assertEquals("karst datastore snapshot restore: missing --name: expected a snapshot name from ls, or a path\n",
                missing.err());
        Run help = ServerFixture.runExactly(command, List.of("--help"), server.env);
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("Usage: karst datastore snapshot"), help.out());
    }

    /**
     * The launcher does not depend on sqlite-jdbc: bin/karst puts it on the command's class path. Tests that
     * need it run when the test class path has it too.
     */
    private static void requireDriver() {
        boolean present;
        try {
            DriverManager.getDriver("jdbc:sqlite:");
            present = true;
        } catch (SQLException e) {
            present = false;
        }
        assumeTrue(present, "org.xerial:sqlite-jdbc is not on the test class path");
    }

    /** The log table as the server's schema has it, with {@code rows} revisions, in WAL mode. */
    private static void createDatastore(Path database, long rows) throws Exception {
        Files.createDirectories(database.getParent());
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("CREATE TABLE kv_log (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value BLOB)");
            statement.execute("CREATE TABLE kv_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
            for (long id = 1; id <= rows; id++) {
                insert(connection, id);
            }
        }
    }

    private static void insert(Connection connection, long id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO kv_log VALUES (?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, "/registry/k/" + id);
            insert.setBytes(3, new byte[512]);
            insert.executeUpdate();
        }
    }

    private static Connection connect(Path database) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
        }
        return connection;
    }

    private static long[] revisionRange(Path database) throws SQLException {
        try (Connection connection = connect(database); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT COUNT(*), MIN(id), MAX(id) FROM kv_log")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }
}
