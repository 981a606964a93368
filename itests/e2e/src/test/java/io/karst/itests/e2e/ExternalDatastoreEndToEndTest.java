package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose datastore is a real PostgreSQL (started by scripts/test-databases): the API server stores in it,
 * and a restarted server finds what the first one wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalDatastoreEndToEndTest {
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));
    @TempDir
    static Path tmp;

    private String endpoint;
    private KarstServer server;

    @BeforeAll
    void startDatabase() throws Exception {
        endpoint = TestPostgres.newDatabaseEndpoint("karst_e2e_");
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private Commands.Result kubectl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(KUBECTLS.resolve("kubectl.1.33").toString(),
                "--kubeconfig", server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(60),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: in-postgres\ndata:\n  k: v\n");
    }

    @Test
    void objectsLiveInPostgresAndSurviveARestart() throws Exception {
        Path data = tmp.resolve("data");
        server = new KarstServer(data, List.of("--datastore-endpoint", endpoint)).start();
        server.awaitReady(Duration.ofSeconds(90));
        Commands.Result created = kubectl("create", "-f", "-");
        assertEquals(0, created.exit(), created::toString);
        assertEquals(0, server.stop());
        server = new KarstServer(data, List.of("--datastore-endpoint", endpoint)).start();
        server.awaitReady(Duration.ofSeconds(90));
        Commands.Result read = kubectl("get", "configmap", "in-postgres", "-o", "jsonpath={.data.k}");
        assertEquals(0, read.exit(), read::toString);
        assertEquals("v", read.stdout());
        Commands.Result shown = server.shell("karst:datastore");
        assertTrue(shown.stdout().contains("postgres"), shown::toString);
    }
}
