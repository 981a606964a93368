package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/karst as a user meets it before any server runs: version, help, and every kind of bad configuration. */
class LauncherEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void versionNamesKarstAndKubernetesLevels() throws Exception {
        Commands.Result r = karst(Map.of(), "--version");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.stdout().matches("(?s)karst version v1\\.\\d+\\.\\d+\\+karst\\S+\\njava version 17.*"), r::toString);
    }

    @Test
    void serverHelpListsTheK3sFlags() throws Exception {
        Commands.Result r = karst(Map.of(), "server", "--help");
        assertEquals(0, r.exit(), r::toString);
        for (String flag : List.of("--data-dir", "--write-kubeconfig-mode", "--tls-san", "--cluster-cidr",
                "--https-listen-port", "--datastore-endpoint", "--disable")) {
            assertTrue(r.stdout().contains(flag), flag + "\n" + r);
        }
    }

    @Test
    void invalidCidrOnTheCommandLineExitsWithOneLineAndWritesNothing() throws Exception {
        Path data = tmp.resolve("data");
        Commands.Result r = karst(Map.of(), "server", "--data-dir", data.toString(), "--cluster-cidr", "10.42.0.0/33");
        assertEquals(1, r.exit(), r::toString);
        assertEquals(1, r.stderr().lines().count(), r::toString);
        assertTrue(r.stderr().contains("cluster-cidr") && r.stderr().contains("command line"), r::toString);
        assertFalse(Files.exists(data), "nothing may be written for an invalid configuration");
    }

    @Test
    void unknownFlagExitsNonZero() throws Exception {
        Commands.Result r = karst(Map.of(), "server", "--data-dir", tmp.resolve("d").toString(), "--no-such-flag");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.stderr().contains("no-such-flag"), r::toString);
    }

    @Test
    void invalidPortFromTheEnvironmentNamesTheVariable() throws Exception {
        Commands.Result r = karst(Map.of("KARST_HTTPS_LISTEN_PORT", "70000"), "server", "--data-dir",
                tmp.resolve("d").toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.stderr().contains("KARST_HTTPS_LISTEN_PORT"), r::toString);
    }

    @Test
    void sqliteEndpointIsRefusedWithThePlaceOfTheEmbeddedStore() throws Exception {
        Path data = tmp.resolve("data");
        Commands.Result r = karst(Map.of(), "server", "--data-dir", data.toString(), "--datastore-endpoint",
                "sqlite:///tmp/other.db");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.stderr().contains("server/db/state.db"), r::toString);
        assertFalse(Files.exists(data.resolve("server/karaf")), "nothing is prepared");
    }

    @Test
    void malformedConfigFileNamesFileAndLine() throws Exception {
        Path config = tmp.resolve("config.yaml");
        Files.writeString(config, "node-name: a\ncluster-cidr: [unclosed\n");
        Commands.Result r = karst(Map.of(), "server", "--config", config.toString(), "--data-dir",
                tmp.resolve("d").toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.stderr().contains(config.toString()) && r.stderr().contains("line"), r::toString);
    }

    @Test
    void anAgentWaitsForAServerThatCannotBeReachedYet() throws Exception {
        // Nothing listens on this port: the agent says it cannot reach the server and keeps trying, as K3s's does,
        // writing nothing meanwhile; SIGTERM ends it.
        int port = FreePort.find();
        Path data = tmp.resolve("agent");
        Path empty = tmp.resolve("empty-config.yaml");
        Files.writeString(empty, "{}\n");
        ProcessBuilder pb = new ProcessBuilder(Distribution.karst().toString(), "agent", "--server",
                "https://127.0.0.1:" + port, "--token", "K10" + "0".repeat(64) + "::server:secret", "--data-dir",
                data.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("waiting.out").toFile());
        pb.environment().put("KARST_CONFIG_FILE", empty.toString());
        Process agent = pb.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String said = "";
            while (!said.contains("trying again in 4 s")) {
                assertTrue(agent.isAlive() && System.nanoTime() < deadline, said);
                Thread.sleep(200);
                said = Files.readString(tmp.resolve("waiting.out"));
            }
            assertTrue(said.contains("cannot reach https://127.0.0.1:" + port + "/cacerts"), said);
            assertTrue(!Files.exists(data.resolve("agent/karaf")) && !Files.exists(data.resolve("agent/runtime"))
                    && !Files.exists(data.resolve("agent/tls")), said);
        } finally {
            agent.destroy();
            assertTrue(agent.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "SIGTERM ends a waiting agent");
        }
        // the script passed the signal on: no launcher JVM goes on waiting alone
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("")
                .contains(data.toString()))) {
            assertTrue(System.nanoTime() < deadline, "a launcher of " + data + " is still running");
            Thread.sleep(100);
        }
    }

    private Commands.Result karst(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Distribution.karst().toString()));
        cmd.addAll(List.of(args));
        Map<String, String> all = new java.util.HashMap<>(env);
        Path empty = tmp.resolve("empty-config.yaml");
        Files.writeString(empty, "{}\n");
        all.putIfAbsent("KARST_CONFIG_FILE", empty.toString());
        return Commands.run(cmd, all, Duration.ofSeconds(60));
    }
}
