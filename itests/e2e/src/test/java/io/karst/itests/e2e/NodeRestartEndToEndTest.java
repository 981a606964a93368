package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
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

/**
 * A node's containers outlive its server and its containerd: stopping `karst server` leaves them running and the
 * restarted server adopts them (same container ids, no restarts); containerd killed under a running node is started
 * again and new pods still run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeRestartEndToEndTest {
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));

    @TempDir
    static Path tmp;

    private NodeSandbox sandbox;
    private KarstServer server;
    private Path data;

    @BeforeAll
    void startServer() throws Exception {
        data = tmp.resolve("data");
        sandbox = new NodeSandbox(data);
        server = new KarstServer(data, List.of("--node-ip", NodeSandbox.NODE_IP), true)
                .inNetworkNamespace(sandbox.netns).start();
        server.awaitReady(Duration.ofSeconds(120));
        awaitNodeReady();
    }

    @AfterAll
    void stopServer() throws Exception {
        try {
            if (server != null && server.isAlive()) {
                kubectl("delete", "deployment", "sleepers", "--timeout=60s");
                kubectl("delete", "pods", "--all", "--timeout=60s");
                // the kubelet removes sandboxes once their pods are gone: let it finish before the node stops
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!sandbox.containers().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
            }
        } finally {
            if (server != null) {
                server.close();
            }
            sandbox.close();
        }
    }

    private Commands.Result kubectl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(server.enter());
        cmd.addAll(List.of(KUBECTLS.resolve("kubectl.1.33").toString(), "--kubeconfig", server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(150));
    }

    private Commands.Result ok(String... args) throws Exception {
        Commands.Result r = kubectl(args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
        return r;
    }

    private String containerIds() throws Exception {
        return ok("get", "pods", "-l", "app=sleepers", "--sort-by=.metadata.name", "-o",
                "jsonpath={.items[*].status.containerStatuses[0].containerID}").stdout().trim();
    }

    @Test
    @Order(1)
    void aRestartedServerAdoptsTheContainersItLeftRunning() throws Exception {
        ok("create", "deployment", "sleepers", "--image=" + NodeEndToEndTest.BUSYBOX, "--replicas=2", "--",
                "sleep", "3600");
        ok("rollout", "status", "deployment/sleepers", "--timeout=120s");
        String before = containerIds();
        assertEquals(2, before.split(" ").length, before);

        assertEquals(0, server.stop());
        Path socket = sandbox.containerdSocket();
        long shims = ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> List.of(a).contains(socket.toString())).orElse(false)).count();
        assertTrue(shims >= 2, "the pods' shims keep running without the server: " + shims);

        server.start();
        server.awaitReady(Duration.ofSeconds(120));
        awaitNodeReady();
        ok("rollout", "status", "deployment/sleepers", "--timeout=120s");
        assertEquals(before, containerIds());
        assertEquals("0 0", ok("get", "pods", "-l", "app=sleepers", "-o",
                "jsonpath={.items[*].status.containerStatuses[0].restartCount}").stdout().trim());
    }

    @Test
    @Order(2)
    void aKilledContainerdIsStartedAgainAndPodsStillRun() throws Exception {
        String before = containerIds();
        String config = data.toAbsolutePath().resolve("agent/etc/containerd/config.toml").toString();
        ProcessHandle containerd = ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> List.of(a).contains(config)).orElse(false)).findFirst().orElseThrow();
        containerd.destroyForcibly();
        containerd.onExit().get();

        ok("run", "after", "--image=" + NodeEndToEndTest.BUSYBOX, "--restart=Never", "--", "sleep", "3600");
        ok("wait", "--for=condition=Ready", "pod/after", "--timeout=120s");
        assertEquals(before, containerIds());
        assertTrue(ProcessHandle.allProcesses().anyMatch(p -> p.info().arguments()
                .map(a -> List.of(a).contains(config)).orElse(false)), "containerd runs again");
    }

    /** kubectl wait fails at once on a Node not registered yet: wait for it to exist first. */
    private void awaitNodeReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (kubectl("get", "node", "e2e-node").exit() != 0) {
            assertTrue(System.nanoTime() < deadline, "node e2e-node not registered within 120 s");
            Thread.sleep(500);
        }
        ok("wait", "--for=condition=Ready", "node/e2e-node", "--timeout=120s");
    }
}
