package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A second machine joins: a server (without a node of its own, so every pod lands on the agent) in one network
 * namespace, {@code karst agent} in another, the two on one link as two hosts. The agent proves the server's CA
 * with the token's hash, joins with the token and its node password, and its kubelet runs pods in its own
 * containerd through the remote API client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentEndToEndTest {
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));
    private static final String AGENT = "e2e-agent";

    @TempDir
    static Path tmp;

    private NodeSandbox serverSandbox;
    private NodeSandbox agentSandbox;
    private KarstServer server;
    private KarstAgent agent;
    private String serverUrl;
    private String token;

    @BeforeAll
    void startServer() throws Exception {
        Path serverData = tmp.resolve("server");
        Path agentData = tmp.resolve("agent");
        serverSandbox = new NodeSandbox(serverData);
        agentSandbox = NodeSandbox.secondNode(agentData, serverSandbox);
        server = new KarstServer(serverData, List.of("--node-ip", NodeSandbox.NODE_IP, "--bind-address", "0.0.0.0"))
                .inNetworkNamespace(serverSandbox.netns).start();
        server.awaitReady(Duration.ofSeconds(120));
        serverUrl = "https://" + NodeSandbox.NODE_IP + ":" + server.httpsPort;
        // the agent joins with a bootstrap token (a Secret in kube-system), as an operator hands one out
        Commands.Result created = server.karst("token", "create", "--data-dir", serverData.toString(), "--ttl", "0",
                "--description", "agent e2e");
        assertEquals(0, created.exit(), created::toString);
        token = created.stdout().trim();
        agent = new KarstAgent(agentData, agentSandbox.netns, AGENT);
        ok(null, "create", "namespace", "e2e");
    }

    @AfterAll
    void stopAll() throws Exception {
        try {
            if (server != null && server.isAlive() && agent != null && agent.isAlive()) {
                kubectl(null, "delete", "namespace", "e2e", "--timeout=60s");
            }
        } finally {
            try {
                if (agent != null) {
                    agent.close();
                }
                if (server != null) {
                    server.close();
                }
            } finally {
                agentSandbox.close();
                serverSandbox.close();
            }
        }
    }

    @Test
    @Order(1)
    void aWrongTokenAndATamperedCaHashAreRefusedAndPrepareNothing() throws Exception {
        String secret = token.substring(token.lastIndexOf(':') + 1);
        // another first character, whatever the token's is (a bootstrap token's is random)
        String wrong = token.substring(0, token.length() - secret.length()) + (secret.charAt(0) == 'x' ? 'y' : 'x')
                + secret.substring(1);
        Commands.Result r = agent.run(serverUrl, wrong);
        assertTrue(r.exit() != 0, r::toString);
        assertTrue(r.stderr().contains("refused to join this node (401)") && r.stderr().contains("token"),
                r.toString());

        char first = token.charAt(3);
        String tampered = "K10" + (first == '0' ? '1' : '0') + token.substring(4);
        r = agent.run(serverUrl, tampered);
        assertTrue(r.exit() != 0, r::toString);
        assertTrue(r.stderr().contains("does not match the hash in the token"), r.toString());
        // neither a Karaf instance nor (without a shell, as here) the lean runtime
        assertFalse(Files.exists(agent.dataDir.resolve("agent/karaf")), "a refused agent prepares nothing");
        assertFalse(Files.exists(agent.dataDir.resolve("agent/runtime")), "a refused agent prepares nothing");
        assertFalse(Files.exists(agent.dataDir.resolve("agent/tls/client-kubelet.crt")));
    }

    @Test
    @Order(2)
    void theAgentJoinsWithTheTokenAndItsNodeBecomesReady() throws Exception {
        agent.start(serverUrl, token, "--node-label", "zone=edge");
        awaitNodeReady(AGENT);
        String node = ok(null, "get", "node", AGENT, "-o", "jsonpath={.spec.podCIDR} {.status.addresses[0].address} "
                + "{.metadata.labels.zone} {.metadata.labels.node-role\\.kubernetes\\.io/control-plane}").stdout();
        assertTrue(node.matches("10\\.42\\.\\d+\\.0/24 192\\.0\\.2\\.11 edge "), node);
        // K3s's record of the node password: a Secret holding a hash, never the password
        String password = Files.readString(agent.passwordFile).trim();
        String secret = ok(null, "-n", "kube-system", "get", "secret", AGENT + ".node-password.karst", "-o",
                "json").stdout();
        assertFalse(secret.contains(password), secret);
        assertTrue(Files.exists(agent.dataDir.resolve("agent/tls/client-kubelet.key")));
        // without a shell the agent runs its bundles on a bare OSGi framework, not in Karaf, and logs to a file too
        assertTrue(Files.exists(agent.dataDir.resolve("agent/runtime/bundles")));
        assertFalse(Files.exists(agent.dataDir.resolve("agent/karaf")));
        assertTrue(Files.readString(agent.dataDir.resolve("agent/logs/agent.log.0")).contains("agent runtime started"));
    }

    @Test
    @Order(3)
    void aPodRunsOnTheAgentInItsContainerd() throws Exception {
        ok("""
                apiVersion: v1
                kind: Pod
                metadata: {name: on-agent, namespace: e2e}
                spec:
                  nodeName: %s
                  containers:
                  - name: app
                    image: %s
                    command: [sh, -c, 'echo $KUBERNETES_SERVICE_HOST > /tmp/api; exec sleep 3600']
                    readinessProbe: {exec: {command: [test, -s, /tmp/api]}, periodSeconds: 1}
                """.formatted(AGENT, NodeEndToEndTest.BUSYBOX), "apply", "-f", "-");
        ok(null, "-n", "e2e", "wait", "--for=condition=Ready", "pod/on-agent", "--timeout=120s");
        String cidr = ok(null, "get", "node", AGENT, "-o", "jsonpath={.spec.podCIDR}").stdout().trim();
        String ip = ok(null, "-n", "e2e", "get", "pod", "on-agent", "-o", "jsonpath={.status.podIP}").stdout().trim();
        assertTrue(ip.startsWith(cidr.substring(0, cidr.lastIndexOf('.') + 1)), ip + " in " + cidr);
        assertFalse(agentSandbox.containers().isEmpty(), "the pod's containers are in the agent's containerd");

        // a Deployment is scheduled onto the agent, the only node
        ok(null, "-n", "e2e", "create", "deployment", "sleepers", "--image=" + NodeEndToEndTest.BUSYBOX,
                "--replicas=2", "--", "sleep", "3600");
        ok(null, "-n", "e2e", "rollout", "status", "deployment/sleepers", "--timeout=120s");
        String nodes = ok(null, "-n", "e2e", "get", "pods", "-l", "app=sleepers", "-o",
                "jsonpath={.items[*].spec.nodeName}").stdout().trim();
        assertEquals(AGENT + " " + AGENT, nodes);
    }

    @Test
    @Order(4)
    void logsExecPortForwardAndNodesProxyReachTheAgentsKubeletThroughItsTunnel() throws Exception {
        ok("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: e2e}
                spec:
                  nodeName: %s
                  containers:
                  - name: app
                    image: %s
                    command: [sh, -c, 'echo served-from-agent; mkdir -p /www && echo tunneled > /www/index.html && exec httpd -f -p 8080 -h /www']
                    readinessProbe: {httpGet: {path: /index.html, port: 8080}, periodSeconds: 1}
                """.formatted(AGENT, NodeEndToEndTest.BUSYBOX), "apply", "-f", "-");
        ok(null, "-n", "e2e", "wait", "--for=condition=Ready", "pod/web", "--timeout=120s");
        assertEquals("served-from-agent\n", ok(null, "-n", "e2e", "logs", "web").stdout());
        for (String version : List.of("1.29", "1.33")) {
            Commands.Result cat = kubectlOf(version, "through the tunnel\n", "-n", "e2e", "exec", "-i", "web", "--",
                    "sh", "-c", "cat; exit 4");
            assertEquals(4, cat.exit(), cat::toString);
            assertEquals("through the tunnel\n", cat.stdout(), cat::toString);
        }
        int localPort = 18081;
        List<String> cmd = new ArrayList<>(server.enter());
        cmd.addAll(List.of(KUBECTLS.resolve("kubectl.1.33").toString(), "--kubeconfig", server.kubeconfig.toString(),
                "-n", "e2e", "port-forward", "pod/web", localPort + ":8080"));
        Path out = tmp.resolve("agent-port-forward.out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("HOME", tmp.toString());
        Process forward = pb.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.readString(out).contains("Forwarding from")) {
                assertTrue(forward.isAlive() && System.nanoTime() < deadline, () -> "port-forward: " + read(out));
                Thread.sleep(100);
            }
            List<String> curl = new ArrayList<>(server.enter());
            curl.addAll(List.of("curl", "-s", "--max-time", "10", "http://127.0.0.1:" + localPort + "/index.html"));
            Commands.Result got = Commands.run(curl, Map.of(), Duration.ofSeconds(20));
            assertEquals("tunneled\n", got.stdout(), () -> got + "\n" + read(out));
        } finally {
            forward.destroy();
            forward.waitFor();
        }
        // the kubelet's HTTP API (nodes/proxy) through the tunnel too
        String proxy = "/api/v1/nodes/" + AGENT + "/proxy";
        assertEquals("ok", ok(null, "get", "--raw", proxy + "/healthz").stdout());
        JsonNode summary = new ObjectMapper().readTree(ok(null, "get", "--raw", proxy + "/stats/summary").stdout());
        assertEquals(AGENT, summary.path("node").path("nodeName").asText());
        boolean webMeasured = false;
        for (JsonNode pod : summary.path("pods")) {
            webMeasured |= pod.path("podRef").path("name").asText().equals("web")
                    && pod.path("containers").get(0).path("memory").path("workingSetBytes").asLong() > 0;
        }
        assertTrue(webMeasured, summary::toString);
        assertTrue(ok(null, "get", "--raw", proxy + "/metrics/resource").stdout()
                .contains("container_cpu_usage_seconds_total{container=\"app\",namespace=\"e2e\",pod=\"web\"}"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    @Order(5)
    void anotherMachineUnderTheSameNameIsRefusedWithTheWayOut() throws Exception {
        KarstAgent impostor = new KarstAgent(tmp.resolve("impostor"), agentSandbox.netns, AGENT);
        Commands.Result r = impostor.run(serverUrl, token);
        assertTrue(r.exit() != 0, r::toString);
        assertTrue(r.stderr().contains("(403)") && r.stderr().contains("--with-node-id"), r.toString());
        assertFalse(Files.exists(impostor.dataDir.resolve("agent/karaf")));
        assertFalse(Files.exists(impostor.dataDir.resolve("agent/runtime")));
        // the node is still the first machine's
        ok(null, "wait", "--for=condition=Ready", "node/" + AGENT, "--timeout=10s");
    }

    @Test
    @Order(6)
    void aRestartedAgentRejoinsAdoptsItsContainersAndItsTunnelComesBack() throws Exception {
        List<String> before = agentSandbox.containers();
        String uid = ok(null, "-n", "e2e", "get", "pod", "web", "-o", "jsonpath={.metadata.uid}").stdout();
        // containerd stops with the agent; the shims keep the containers running
        agent.close();

        agent.start(serverUrl, token, "--node-label", "zone=edge");
        awaitNodeReady(AGENT);
        ok(null, "-n", "e2e", "wait", "--for=condition=Ready", "pod/web", "--timeout=60s");
        String web = ok(null, "-n", "e2e", "get", "pod", "web", "-o",
                "jsonpath={.metadata.uid} {.status.containerStatuses[0].restartCount}").stdout();
        assertEquals(uid + " 0", web);
        assertEquals(before.stream().sorted().toList(), agentSandbox.containers().stream().sorted().toList(),
                "the restarted agent adopted the same containers");
        // the tunnel reconnects by itself; logs flow through it again. The Node still shows Ready from before the
        // restart and the tunnel may open before the agent's containerd is ready and its kubelet runs: until then a
        // log is an error (never an empty success), and the client asks again
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Commands.Result logs;
        List<String> tries = new ArrayList<>();
        while ((logs = kubectl(null, "-n", "e2e", "logs", "web")).exit() != 0) {
            tries.add(logs.stderr());
            assertTrue(System.nanoTime() < deadline, logs + "\n" + agentLog());
            Thread.sleep(500);
        }
        assertEquals("served-from-agent\n", logs.stdout(), () -> tries + "\n" + agentLog());
    }

    @Test
    @Order(7)
    void aStoppedAgentsNodeBecomesUnknownAndTaintedThenRecoversWhenItReturns() throws Exception {
        long closing = System.nanoTime();
        agent.close();
        long stopped = System.nanoTime();
        long closeMillis = Duration.ofNanos(stopped - closing).toMillis();
        // the node's last heartbeat: its Lease's last renewal, which may be up to 10 s (its renewal interval) older
        // than the agent's exit, so the silence is measured from it and not from the exit
        Instant lastRenewal = Instant.parse(ok(null, "-n", "kube-node-lease", "get", "lease", AGENT, "-o",
                "jsonpath={.spec.renewTime}").stdout().trim());
        long deadline = stopped + Duration.ofSeconds(90).toNanos();
        String ready;
        while (!(ready = ok(null, "get", "node", AGENT, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")]"
                + ".status} {.status.conditions[?(@.type==\"Ready\")].reason}").stdout()).equals(
                "Unknown NodeStatusUnknown")) {
            assertTrue(System.nanoTime() < deadline, ready);
            Thread.sleep(1000);
        }
        // upstream's node-monitor-grace-period: 50 s of silence (the test and the server share this host's clock;
        // a second for the Lease's and this clock's rounding)
        long silentFor = Duration.between(lastRenewal, Instant.now()).toSeconds();
        System.out.println("node " + AGENT + " Unknown " + silentFor + " s after its last Lease renewal, "
                + Duration.ofNanos(System.nanoTime() - stopped).toSeconds() + " s after the agent exited; stopping "
                + "the agent took " + closeMillis + " ms");
        assertTrue(silentFor >= 49, () -> "marked after only " + silentFor + " s of silence (Lease renewed at "
                + lastRenewal + "; stopping the agent took " + closeMillis + " ms)\n" + agentLog());
        String taints = ok(null, "get", "node", AGENT, "-o", "jsonpath={.spec.taints[*].key}").stdout();
        assertTrue(taints.contains("node.kubernetes.io/unreachable"), taints);
        String podReady = ok(null, "-n", "e2e", "get", "pod", "web", "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").stdout();
        assertEquals("False", podReady, "the unreachable node's pods are not ready");

        agent.start(serverUrl, token, "--node-label", "zone=edge");
        awaitNodeReady(AGENT);
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ok(null, "get", "node", AGENT, "-o", "jsonpath={.spec.taints[*].key}").stdout()
                .contains("node.kubernetes.io/unreachable")) {
            assertTrue(System.nanoTime() < deadline, "the unreachable taint stays");
            Thread.sleep(1000);
        }
        ok(null, "-n", "e2e", "wait", "--for=condition=Ready", "pod/web", "--timeout=60s");
    }

    private void awaitNodeReady(String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (kubectl(null, "get", "node", name).exit() != 0) {
            assertTrue(agent.isAlive(), () -> "the agent exited\n" + agentLog());
            assertTrue(System.nanoTime() < deadline, () -> "node " + name + " not registered within 120 s\n"
                    + agentLog());
            Thread.sleep(500);
        }
        ok(null, "wait", "--for=condition=Ready", "node/" + name, "--timeout=120s");
    }

    private Commands.Result kubectl(String stdin, String... args) throws Exception {
        return kubectlOf("1.33", stdin, args);
    }

    private Commands.Result kubectlOf(String version, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(server.enter());
        cmd.addAll(List.of(KUBECTLS.resolve("kubectl." + version).toString(), "--kubeconfig",
                server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(150), stdin);
    }

    private Commands.Result ok(String stdin, String... args) throws Exception {
        Commands.Result r = kubectl(stdin, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r + "\n" + agentLog());
        return r;
    }

    private String agentLog() {
        try {
            String log = agent.logText();
            String serverLog = server.logText();
            return "--- agent ---\n" + tail(log) + "\n--- server ---\n" + tail(serverLog);
        } catch (Exception e) {
            return "";
        }
    }

    private static String tail(String log) {
        return log.length() > 12_000 ? log.substring(log.length() - 12_000) : log;
    }
}
