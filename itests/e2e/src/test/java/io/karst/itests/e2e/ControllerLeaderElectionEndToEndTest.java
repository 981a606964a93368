package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one PostgreSQL database: only one runs the controllers, and when it dies without a word (SIGKILL,
 * so its Lease is not released) the other takes over once the Lease has expired (15 s).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControllerLeaderElectionEndToEndTest {
    @TempDir
    static Path tmp;

    private String endpoint;
    private KarstServer first;
    private KarstServer second;

    @BeforeAll
    void startDatabase() throws Exception {
        endpoint = TestPostgres.newDatabaseEndpoint("karst_election_");
    }

    @AfterAll
    void stop() throws Exception {
        for (KarstServer s : new KarstServer[] {first, second}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** What karst:controllers says of this server: "leading" or "standing by". */
    private static String role(KarstServer server) throws Exception {
        Commands.Result shown = server.shell("karst:controllers");
        if (shown.exit() != 0) {
            return "unknown";
        }
        return shown.stdout().contains("(leading)") ? "leading"
                : shown.stdout().contains("standing by") ? "standing by" : "unknown";
    }

    private static void awaitRole(KarstServer server, String role, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!role(server).equals(role)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("server " + server.dataDir.getFileName() + " not " + role + " within "
                        + limit + ": " + server.shell("karst:controllers"));
            }
            Thread.sleep(500);
        }
    }

    @Test
    void oneServerLeadsAndTheOtherTakesOverWhenItIsKilled() throws Exception {
        first = new KarstServer(tmp.resolve("first"), List.of("--datastore-endpoint", endpoint)).start();
        first.awaitReady(Duration.ofSeconds(90));
        awaitRole(first, "leading", Duration.ofSeconds(30));
        // servers of one cluster share its token (the CAs are shared through the datastore under it)
        String token = java.nio.file.Files.readString(first.dataDir.resolve("server/token")).trim();
        second = new KarstServer(tmp.resolve("second"), List.of("--datastore-endpoint", endpoint, "--token", token))
                .start();
        second.awaitReady(Duration.ofSeconds(90));
        Thread.sleep(3000); // a few election rounds
        assertEquals("standing by", role(second));
        assertEquals("leading", role(first));

        first.kill();
        long killed = System.nanoTime();
        awaitRole(second, "leading", Duration.ofSeconds(45));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        System.out.println("takeover after the leader was killed: " + takeover.toMillis() + " ms");
        // not before the Lease (15 s) could have expired as seen by the survivor
        assertTrue(takeover.compareTo(Duration.ofSeconds(10)) > 0, "took over too early: " + takeover);
    }
}
