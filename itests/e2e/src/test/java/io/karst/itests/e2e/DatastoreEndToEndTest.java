package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The datastore of a real server: {@code karst:datastore} in its shell, and {@code karst datastore snapshot}
 * saving online, refusing to restore under a running server, and restoring into a stopped one. Nothing in the
 * server writes the store yet, so the test adds log rows with the sqlite3 tool while the server is stopped
 * (the server resumes from the log's highest revision, so such rows are as good as its own).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatastoreEndToEndTest {
    private static final List<String> QUIET = List.of("--disable-controller-manager", "--disable-scheduler",
            "--kube-apiserver-arg", "endpoint-reconciler-type=none");

    @TempDir
    static Path tmp;

    private KarstServer server;
    private Path database;
    private String snapshotName;
    /** The revision of a new cluster: what the API server creates at its first start. */
    private long base;

    @BeforeAll
    void startServer() throws Exception {
        // no controllers or scheduler (their Lease renewals, a write every 2 s) and no kubernetes endpoints
        // (written at start and stop): they would move the revisions this test counts
        server = new KarstServer(tmp.resolve("data"), QUIET).start();
        server.awaitReady(Duration.ofSeconds(90));
        database = server.dataDir.resolve("server/db/state.db");
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    @Order(1)
    void theShellShowsTheSqliteDatastore() throws Exception {
        String[] row = datastoreRow();
        assertEquals("sqlite", row[0]);
        // a new cluster holds what its first start created, one revision each: the four namespaces, the kubernetes
        // Service and the RBAC bootstrap policy
        base = Long.parseLong(row[1]);
        assertTrue(base > 5, "revision of a new cluster: " + base);
        assertEquals(row[1], row[3], "one row per revision");
        assertEquals("none since start", row[5]);
    }

    @Test
    @Order(2)
    void aRestartedServerResumesFromTheLogItFinds() throws Exception {
        assertEquals(0, server.stop());
        appendRows(base + 1, base + 3);
        restart();
        String[] row = datastoreRow();
        assertEquals(String.valueOf(base + 3), row[1]);
        assertEquals(String.valueOf(base + 3), row[3], "rows");
    }

    @Test
    @Order(3)
    void snapshotSaveWorksOnlineAndLsListsTheSnapshot() throws Exception {
        Commands.Result saved = server.karst("datastore", "snapshot", "save", "--data-dir", server.dataDir.toString(),
                "--node-name", "e2e-node");
        assertEquals(0, saved.exit(), saved::toString);
        assertTrue(saved.stdout().contains("at revision " + (base + 3)), saved::toString);
        snapshotName = saved.stdout().split(" ")[1];
        assertTrue(snapshotName.matches("on-demand-e2e-node-\\d+"), snapshotName);

        Commands.Result listed = server.karst("datastore", "snapshot", "ls", "--data-dir", server.dataDir.toString());
        assertEquals(0, listed.exit(), listed::toString);
        assertTrue(listed.stdout().lines().anyMatch(l -> l.startsWith(snapshotName + " ")), listed::toString);
    }

    @Test
    @Order(4)
    void restoreIsRefusedWhileTheServerRuns() throws Exception {
        Commands.Result refused = server.karst("datastore", "snapshot", "restore", "--name", snapshotName,
                "--data-dir", server.dataDir.toString());
        assertEquals(1, refused.exit(), refused::toString);
        assertTrue(refused.stderr().contains("a Karst server is running on"), refused::toString);
        assertTrue(server.isAlive());
    }

    @Test
    @Order(5)
    void restoreIntoTheStoppedServerBringsTheSnapshotsRevisionBack() throws Exception {
        assertEquals(0, server.stop());
        appendRows(base + 4, base + 5);
        Commands.Result restored = server.karst("datastore", "snapshot", "restore", "--name", snapshotName,
                "--data-dir", server.dataDir.toString());
        assertEquals(0, restored.exit(), restored::toString);
        try (var files = Files.list(database.getParent())) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("state.db.pre-restore-")));
        }
        restart();
        String[] row = datastoreRow();
        assertEquals(String.valueOf(base + 3), row[1], "revision after restoring the snapshot");
    }

    private void restart() throws Exception {
        server = new KarstServer(server.dataDir, QUIET).start();
        server.awaitReady(Duration.ofSeconds(90));
    }

    /** The cells of karst:datastore's one row: provider, revision, compacted, rows, size, last, duration. */
    private String[] datastoreRow() throws Exception {
        Commands.Result shown = server.shell("karst:datastore");
        assertEquals(0, shown.exit(), shown::toString);
        List<String> lines = shown.stdout().lines().map(String::strip).toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("PROVIDER")), shown::toString);
        String row = lines.stream().filter(l -> l.startsWith("sqlite") || l.startsWith("unknown")).findFirst()
                .orElseThrow(() -> new AssertionError("no datastore row\n" + shown));
        return Arrays.stream(row.split("\\|")).map(String::strip).toArray(String[]::new);
    }

    /** Log rows {@code from..to}, as the server writes creations, added while it is stopped. */
    private void appendRows(long from, long to) throws Exception {
        StringBuilder sql = new StringBuilder("BEGIN;");
        for (long id = from; id <= to; id++) {
            sql.append("INSERT INTO kv_log(id, name, created, deleted, create_revision, prev_revision, lease, version,"
                    + " value, old_value) VALUES (").append(id).append(", '/registry/e2e/").append(id)
                    .append("', 1, 0, ").append(id).append(", 0, 0, 1, X'00', NULL);");
        }
        sql.append("COMMIT;");
        Commands.Result r = Commands.run(List.of("sqlite3", database.toString(), sql.toString()), Map.of(),
                Duration.ofSeconds(30));
        assertEquals(0, r.exit(), r::toString);
    }
}
