package io.karst.controllers.nodelifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;
import io.karst.controllers.cronjob.MutableClock;

/**
 * The node lifecycle controller against the real resource API over SQLite, on a clock the test moves; the test
 * plays the kubelet (its Lease and Ready condition). It looks at each node every 50 ms of real time.
 */
class NodeLifecycleControllerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;
    InProcessApi api;
    ResourceOperations nodes;
    ResourceOperations leases;
    ResourceOperations pods;
    MutableClock clock;
    RunningController controller;

    @BeforeEach
    void start() throws Exception {
        api = new InProcessApi(dir);
        nodes = api.client().resource(NodeLifecycleController.NODES);
        leases = api.client().resource(NodeLifecycleController.LEASES).inNamespace("kube-node-lease");
        pods = api.client().resource(NodeLifecycleController.PODS).inNamespace("default");
        clock = new MutableClock(START, ZoneOffset.UTC);
        ObjectNode node = nodes.create(json("{'apiVersion':'v1','kind':'Node','metadata':{'name':'edge'},"
                + "'spec':{'taints':[{'key':'dedicated','value':'edge','effect':'NoSchedule'}]}}"));
        node.withObject("/status").putArray("conditions").add(json("{'type':'Ready','status':'True',"
                + "'reason':'KubeletReady','lastHeartbeatTime':'" + START + "','lastTransitionTime':'" + START
                + "'}")).add(json("{'type':'MemoryPressure','status':'False','lastHeartbeatTime':'" + START
                + "','lastTransitionTime':'" + START + "'}"));
        nodes.updateStatus(node);
        leases.create(json("{'apiVersion':'coordination.k8s.io/v1','kind':'Lease','metadata':{'name':'edge',"
                + "'namespace':'kube-node-lease'},'spec':{'holderIdentity':'edge','leaseDurationSeconds':40,"
                + "'renewTime':'" + START.toString().replace("Z", ".000000Z") + "'}}"));
        pod("defaulted", "");
        pod("brief", ",'tolerations':[{'key':'node.kubernetes.io/unreachable','operator':'Exists',"
                + "'effect':'NoExecute','tolerationSeconds':10}]");
        pod("forever", ",'tolerations':[{'operator':'Exists'}]");
        NodeLifecycleController lifecycle = new NodeLifecycleController(Duration.ofSeconds(50),
                Duration.ofSeconds(60), Duration.ofMillis(50), clock);
        controller = new RunningController(lifecycle, api.client());
        // its grace period counts from when it first sees the node
        eventually(() -> lifecycle.timing("edge"));
    }

    @AfterEach
    void stop() {
        controller.close();
        api.close();
    }

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    }

    private void pod(String name, String more) throws Exception {
        ObjectNode pod = pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "'},"
                + "'spec':{'nodeName':'edge','containers':[{'name':'c','image':'busybox'}]" + more + "}}"));
        pod.withObject("/status").put("phase", "Running").putArray("conditions").add(json("{'type':'Ready',"
                + "'status':'True','lastTransitionTime':'" + START + "'}"));
        pods.updateStatus(pod);
    }

    private String condition(String type) {
        for (JsonNode c : nodes.get("edge").path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c.path("status").asText() + " " + c.path("reason").asText();
            }
        }
        return "";
    }

    private List<String> taints() {
        List<String> out = new ArrayList<>();
        nodes.get("edge").path("spec").path("taints").forEach(t -> out.add(t.path("key").asText() + ":"
                + t.path("effect").asText()));
        out.sort(null);
        return out;
    }

    private boolean podGone(String name) {
        return pods.find(name).map(p -> p.path("metadata").hasNonNull("deletionTimestamp")).orElse(true);
    }

    private String podReady(String name) {
        for (JsonNode c : pods.get(name).path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText();
            }
        }
        return "";
    }

    @Test
    void aSilentNodeBecomesUnknownTaintedAndItsPodsLeaveOnTheirTolerations() throws Exception {
        clock.advance(Duration.ofSeconds(45));
        Thread.sleep(300);
        assertEquals("True KubeletReady", condition("Ready"), "within the grace period nothing changes");
        assertEquals(List.of("dedicated:NoSchedule"), taints());

        clock.advance(Duration.ofSeconds(10));
        eventually(() -> condition("Ready").equals("Unknown NodeStatusUnknown"));
        assertEquals("Unknown NodeStatusUnknown", condition("MemoryPressure"));
        assertEquals("Unknown NodeStatusNeverUpdated", condition("DiskPressure"));
        eventually(() -> taints().equals(List.of("dedicated:NoSchedule", "node.kubernetes.io/unreachable:NoExecute",
                "node.kubernetes.io/unreachable:NoSchedule")));
        eventually(() -> podReady("forever").equals("False") && podReady("defaulted").equals("False"));
        assertTrue(!podGone("brief") && !podGone("defaulted"), "tolerated for now");

        clock.advance(Duration.ofSeconds(11));
        eventually(() -> podGone("brief"));
        Thread.sleep(300);
        assertTrue(!podGone("defaulted"), "DefaultTolerationSeconds gives it 300 s");
        clock.advance(Duration.ofSeconds(300));
        eventually(() -> podGone("defaulted"));
        Thread.sleep(300);
        assertTrue(!podGone("forever"), "a toleration without seconds keeps it");
    }

    @Test
    void aKubeletThatComesBackClearsTheTaints() throws Exception {
        clock.advance(Duration.ofSeconds(55));
        eventually(() -> taints().contains("node.kubernetes.io/unreachable:NoExecute"));
        // the kubelet renews its Lease and posts Ready again
        clock.advance(Duration.ofSeconds(1));
        ObjectNode lease = leases.get("edge");
        lease.withObject("/spec").put("renewTime", clock.instant().toString().replace("Z", ".000000Z"));
        leases.update(lease);
        ObjectNode node = nodes.get("edge");
        for (JsonNode c : node.path("status").path("conditions")) {
            ((ObjectNode) c).put("status", c.path("type").asText().equals("Ready") ? "True" : "False")
                    .put("reason", "KubeletReady").put("lastHeartbeatTime", clock.instant().toString());
        }
        nodes.updateStatus(node);
        eventually(() -> taints().equals(List.of("dedicated:NoSchedule")));
        assertTrue(!podGone("defaulted") && !podGone("brief"));
    }

    @Test
    void aNodeReportingNotReadyIsTaintedNotReadyAndPressureAddsItsTaint() throws Exception {
        ObjectNode node = nodes.get("edge");
        for (JsonNode c : node.path("status").path("conditions")) {
            ((ObjectNode) c).put("status", "True");
            if (c.path("type").asText().equals("Ready")) {
                ((ObjectNode) c).put("status", "False").put("reason", "KubeletNotReady");
            }
        }
        nodes.updateStatus(node);
        eventually(() -> taints().equals(List.of("dedicated:NoSchedule", "node.kubernetes.io/memory-pressure:NoSchedule",
                "node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/not-ready:NoSchedule")));
        assertEquals("False KubeletNotReady", condition("Ready"), "the kubelet's own word is left as it is");
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(20);
        }
    }
}
