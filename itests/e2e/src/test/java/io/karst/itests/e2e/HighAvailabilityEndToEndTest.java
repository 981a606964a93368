package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one PostgreSQL database and an agent, as K3s's high-availability setup with an external datastore:
 * the second server, given the first one's token, takes the cluster's CAs and service-account key from the
 * datastore; the agent joins through the first, learns both from the {@code kubernetes} Endpoints, keeps a tunnel
 * to each, and keeps its node Ready through the second when the first is killed. The servers run on this host at
 * 198.51.100.10 and .12 (one port, as upstream's endpoint reconciler expects), the agent in a network namespace
 * linked to the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HighAvailabilityEndToEndTest {
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));
    private static final String FIRST_IP = "198.51.100.10";
    private static final String SECOND_IP = "198.51.100.12";
    private static final String AGENT_IP = "198.51.100.11";
    private static final String AGENT = "ha-agent";

    @TempDir
    static Path tmp;

    private String endpoint;
    private NodeSandbox agentSandbox;
    private KarstServer first;
    private KarstServer second;
    private KarstAgent agent;
    private int port;
    private String token;

    @BeforeAll
    void start() throws Exception {
        endpoint = TestPostgres.newDatabaseEndpoint("karst_ha_");
        agentSandbox = NodeSandbox.linkedToHost(tmp.resolve("agent"), List.of(FIRST_IP, SECOND_IP), AGENT_IP);
        port = FreePort.find();
        first = new KarstServer(tmp.resolve("first"), List.of("--datastore-endpoint", endpoint, "--node-ip",
                FIRST_IP, "--node-name", "ha-first")).listeningOn(FIRST_IP, port).start();
        first.awaitReady(Duration.ofSeconds(120));
        token = Files.readString(first.dataDir.resolve("server/token")).trim();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
            for (KarstServer s : new KarstServer[] {first, second}) {
                if (s != null) {
                    s.close();
                }
            }
        } finally {
            if (agentSandbox != null) {
                agentSandbox.close();
            }
        }
    }

    @Test
    @Order(1)
    void aSecondServerWithTheTokenServesTheSameClusterWithTheSameCas() throws Exception {
        second = new KarstServer(tmp.resolve("second"), List.of("--datastore-endpoint", endpoint, "--node-ip",
                SECOND_IP, "--node-name", "ha-second", "--token", token)).listeningOn(SECOND_IP, port).start();
        second.awaitReady(Duration.ofSeconds(120));
        for (String file : List.of("server-ca.crt", "client-ca.crt", "service.key")) {
            assertArrayEquals(Files.readAllBytes(first.tls(file)), Files.readAllBytes(second.tls(file)), file);
        }
        assertEquals(token, Files.readString(second.dataDir.resolve("server/token")).trim());
        // the first server's admin kubeconfig works against the second: its client CA is the cluster's
        ok(SECOND_IP, "create", "namespace", "ha");
        ok(FIRST_IP, "get", "namespace", "ha");
        // a service-account token signed by one server is accepted by the other
        String saToken = ok(FIRST_IP, "-n", "ha", "create", "token", "default").stdout().trim();
        Commands.Result withToken = kubectlAt(SECOND_IP, List.of("--token", saToken), "get", "--raw", "/api");
        assertEquals(0, withToken.exit(), withToken::toString);
        // both servers are the kubernetes Service's endpoints
        awaitTrue(() -> output(FIRST_IP, "get", "endpoints", "kubernetes", "-o",
                "jsonpath={.subsets[*].addresses[*].ip}").contains(SECOND_IP), Duration.ofSeconds(30),
                "the second server in the kubernetes endpoints");
    }

    @Test
    @Order(2)
    void aServerWithoutTheTokenIsRefusedWithTheWayOut() throws Exception {
        KarstServer stranger = new KarstServer(tmp.resolve("stranger"), List.of("--datastore-endpoint", endpoint,
                "--node-ip", "127.0.0.1")).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            String said = "";
            while (!said.contains("start this server with that cluster's token")) {
                assertTrue(System.nanoTime() < deadline, said);
                said = stranger.logText();
                Thread.sleep(500);
            }
            assertTrue(!Files.exists(stranger.tls("server-ca.crt")), "no CA of its own");
        } finally {
            stranger.close();
        }
    }

    @Test
    @Order(3)
    void theAgentTunnelsToBothServersAndStaysReadyWhenOneDies() throws Exception {
        agent = new KarstAgent(tmp.resolve("agent"), agentSandbox.netns, AGENT, AGENT_IP)
                .start("https://" + FIRST_IP + ":" + port, token);
        awaitTrue(() -> kubectlAt(FIRST_IP, List.of(), "get", "node", AGENT).exit() == 0, Duration.ofSeconds(120),
                "the agent's node");
        ok(FIRST_IP, "wait", "--for=condition=Ready", "node/" + AGENT, "--timeout=120s");
        ok(FIRST_IP, "apply", "-f", "-", """
                apiVersion: v1
                kind: Pod
                metadata: {name: echo, namespace: ha}
                spec:
                  nodeName: %s
                  containers:
                  - name: app
                    image: %s
                    command: [sh, -c, 'echo from-the-agent; exec sleep 3600']
                """.formatted(AGENT, NodeEndToEndTest.BUSYBOX));
        ok(FIRST_IP, "-n", "ha", "wait", "--for=condition=Ready", "pod/echo", "--timeout=120s");
        // the agent learns the second server from the endpoints (every 30 s) and tunnels to it too
        awaitTrue(() -> output(SECOND_IP, "-n", "ha", "logs", "echo").equals("from-the-agent\n"),
                Duration.ofSeconds(90), "logs through the second server's tunnel");

        first.kill();
        // the agent's kubelet goes on through the second server: its Lease is renewed, the node stays Ready
        String renewed = output(SECOND_IP, "-n", "kube-node-lease", "get", "lease", AGENT, "-o",
                "jsonpath={.spec.renewTime}");
        awaitTrue(() -> !output(SECOND_IP, "-n", "kube-node-lease", "get", "lease", AGENT, "-o",
                "jsonpath={.spec.renewTime}").equals(renewed), Duration.ofSeconds(60),
                "a Lease renewal through the second server");
        Commands.Result exec = kubectlAt(SECOND_IP, List.of(), "-n", "ha", "exec", "echo", "--", "echo", "still");
        assertEquals("still\n", exec.stdout(), exec::toString);
        assertEquals("True", output(SECOND_IP, "get", "node", AGENT, "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"));
        ok(SECOND_IP, "delete", "namespace", "ha", "--timeout=90s");
    }

    private void awaitTrue(CheckedCondition condition, Duration limit, String what) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (!condition.holds()) {
            Supplier<String> logs = this::logs;
            assertTrue(Instant.now().isBefore(deadline), () -> what + " not seen within " + limit + "\n"
                    + logs.get());
            Thread.sleep(1000);
        }
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean holds() throws Exception;
    }

    private Commands.Result kubectlAt(String server, List<String> auth, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTLS.resolve("kubectl.1.33").toString(), "--kubeconfig",
                first.kubeconfig.toString(), "--server", "https://" + server + ":" + port));
        cmd.addAll(auth);
        cmd.addAll(List.of(args));
        String stdin = null;
        if (args.length > 0 && args[args.length - 1].contains("\n")) {
            stdin = args[args.length - 1];
            cmd.remove(cmd.size() - 1);
        }
        return Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(150), stdin);
    }

    private String output(String server, String... args) throws Exception {
        return kubectlAt(server, List.of(), args).stdout();
    }

    private Commands.Result ok(String server, String... args) throws Exception {
        Commands.Result r = kubectlAt(server, List.of(), args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r + "\n" + logs());
        return r;
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        try {
            if (agent != null) {
                out.append("--- agent ---\n").append(tail(agent.logText()));
            }
            for (KarstServer s : new KarstServer[] {first, second}) {
                if (s != null) {
                    out.append("\n--- ").append(s.dataDir.getFileName()).append(" ---\n").append(tail(s.logText()));
                }
            }
        } catch (Exception e) {
            out.append(e);
        }
        return out.toString();
    }

    private static String tail(String log) {
        return log.length() > 8_000 ? log.substring(log.length() - 8_000) : log;
    }
}
