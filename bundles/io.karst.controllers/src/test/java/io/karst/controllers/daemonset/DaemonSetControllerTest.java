package io.karst.controllers.daemonset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;
import io.karst.controllers.history.Revisions;

/**
 * The DaemonSet controller against the real resource API with real Node objects. A stand-in kubelet (test only)
 * marks pods Running and Ready; pods stay unbound (no scheduler here) and are told apart by their node affinity.
 */
class DaemonSetControllerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController controller;
    ResourceOperations daemonSets;
    ResourceOperations pods;
    ResourceOperations nodes;
    final AtomicBoolean kubeletRunning = new AtomicBoolean(true);
    Thread kubelet;
    /** The highest number of pods of one node seen at once, per node. */
    final Map<String, Integer> peak = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        daemonSets = api.client().resource(DaemonSetController.DAEMONSETS).inNamespace("default");
        pods = api.client().resource(DaemonSetController.PODS).inNamespace("default");
        nodes = api.client().resource(DaemonSetController.NODES);
        controller = new RunningController(new DaemonSetController(), api.client());
        kubelet = new Thread(this::markPodsReady, "test-kubelet");
        kubelet.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        kubeletRunning.set(false);
        kubelet.join();
        controller.close();
        api.close();
    }

    private void markPodsReady() {
        while (kubeletRunning.get()) {
            for (ObjectNode pod : pods.list().items()) {
                if (pod.path("status").path("phase").asText().equals("Running")
                        || pod.path("metadata").has("deletionTimestamp")) {
                    continue;
                }
                ObjectNode running = pod.deepCopy();
                ObjectNode status = running.with("status");
                status.put("phase", "Running");
                status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
                        .put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                try {
                    pods.updateStatus(running);
                } catch (ResourceException e) {
                    // deleted or changed meanwhile
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void createNode(String name, String labels, String taints) throws Exception {
        nodes.create((ObjectNode) JSON.readTree(("{'apiVersion':'v1','kind':'Node','metadata':{'name':'" + name
                + "','labels':{" + labels + "}},'spec':{'taints':[" + taints + "]}}").replace('\'', '"')));
    }

    private void createDaemonSet(String name, String podSpecExtra, String strategy) throws Exception {
        daemonSets.create((ObjectNode) JSON.readTree(("{'apiVersion':'apps/v1','kind':'DaemonSet',"
                + "'metadata':{'name':'" + name + "'},'spec':{" + strategy + "'selector':{'matchLabels':{'app':'"
                + name + "'}},'template':{'metadata':{'labels':{'app':'" + name + "'}},'spec':{" + podSpecExtra
                + "'containers':[{'name':'c','image':'agent:1'}]}}}}").replace('\'', '"')));
    }

    /** Node name → images of the live pods pinned to it. */
    private Map<String, List<String>> podsByNode() {
        Map<String, List<String>> out = new TreeMap<>();
        for (ObjectNode pod : pods.list().items()) {
            if (pod.path("metadata").has("deletionTimestamp")) {
                continue;
            }
            out.computeIfAbsent(NodeEligibility.nodeOf(pod), n -> new java.util.ArrayList<>())
                    .add(pod.path("spec").path("containers").get(0).path("image").asText());
        }
        return out;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private JsonNode status(String name) {
        return daemonSets.get(name).path("status");
    }

    @Test
    void onePodPerNodeIncludingANodeAddedLaterAndNoneWhereItNoLongerFits() throws Exception {
        createNode("n1", "'role':'edge'", "");
        createNode("n2", "'role':'edge'", "");
        createNode("n3", "'role':'core'", "");
        createDaemonSet("agent", "'nodeSelector':{'role':'edge'},", "");
        await("two pods", () -> podsByNode().keySet().equals(java.util.Set.of("n1", "n2")));
        await("status", () -> status("agent").path("numberReady").asInt() == 2);
        JsonNode s = status("agent");
        assertEquals(2, s.path("desiredNumberScheduled").asInt());
        assertEquals(2, s.path("currentNumberScheduled").asInt());
        assertEquals(2, s.path("updatedNumberScheduled").asInt());
        assertEquals(0, s.path("numberMisscheduled").asInt());

        ObjectNode pod = pods.list().items().get(0);
        JsonNode term = pod.path("spec").path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms").get(0);
        assertEquals("metadata.name", term.path("matchFields").get(0).path("key").asText());
        List<String> tolerated = new java.util.ArrayList<>();
        pod.path("spec").path("tolerations").forEach(t -> tolerated.add(t.path("key").asText() + ":" + t.path("effect").asText()));
        assertTrue(tolerated.containsAll(List.of("node.kubernetes.io/not-ready:NoExecute",
                "node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unschedulable:NoSchedule")), tolerated.toString());
        String hash = pod.path("metadata").path("labels").path(Revisions.HASH_LABEL).asText();
        assertTrue(api.client().resource(Revisions.CONTROLLER_REVISIONS).inNamespace("default")
                .find("agent-" + hash).isPresent());

        createNode("n4", "'role':'edge'", "");
        await("the new node gets its pod", () -> podsByNode().keySet().equals(java.util.Set.of("n1", "n2", "n4")));

        nodes.patch("n1", PatchTypes.MERGE_PATCH, JSON.readTree("{\"metadata\":{\"labels\":{\"role\":\"core\"}}}"));
        await("n1 loses its pod", () -> podsByNode().keySet().equals(java.util.Set.of("n2", "n4")));
        await("status", () -> status("agent").path("desiredNumberScheduled").asInt() == 2
                && status("agent").path("numberAvailable").asInt() == 2);
    }

    @Test
    void taintsKeepPodsAwayUnlessTolerated() throws Exception {
        createNode("plain", "", "");
        createNode("tainted", "", "{'key':'dedicated','value':'db','effect':'NoSchedule'}");
        createNode("cordoned", "", "{'key':'node.kubernetes.io/unschedulable','effect':'NoSchedule'}");
        createDaemonSet("plain", "", "");
        createDaemonSet("tolerant", "'tolerations':[{'key':'dedicated','operator':'Equal','value':'db',"
                + "'effect':'NoSchedule'}],", "");
        await("pods", () -> status("plain").path("currentNumberScheduled").asInt() == 2
                && status("tolerant").path("currentNumberScheduled").asInt() == 3);
        Thread.sleep(300);
        assertEquals(2, status("plain").path("desiredNumberScheduled").asInt(), "the default toleration covers cordoned");
        assertEquals(5, pods.list().items().size());
    }

    @Test
    void requiredNodeAffinitySelectsNodes() throws Exception {
        createNode("small", "'size':'2'", "");
        createNode("big", "'size':'8'", "");
        createNode("unlabelled", "", "");
        createDaemonSet("big", "'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                + "{'nodeSelectorTerms':[{'matchExpressions':[{'key':'size','operator':'Gt','values':['4']}]},"
                + "{'matchFields':[{'key':'metadata.name','operator':'In','values':['unlabelled']}]}]}}},", "");
        await("pods", () -> podsByNode().keySet().equals(java.util.Set.of("big", "unlabelled")));
        await("status", () -> status("big").path("desiredNumberScheduled").asInt() == 2);
    }

    @Test
    void rollingUpdateReplacesPodsWithinMaxUnavailableAndMaxSurge() throws Exception {
        for (int i = 1; i <= 4; i++) {
            createNode("n" + i, "", "");
        }
        createDaemonSet("one", "", "'updateStrategy':{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':1}},");
        createDaemonSet("surge", "", "'updateStrategy':{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':0,"
                + "'maxSurge':1}},");
        await("ready", () -> status("one").path("numberReady").asInt() == 4
                && status("surge").path("numberReady").asInt() == 4);
        for (String ds : List.of("one", "surge")) {
            for (int attempt = 0;; attempt++) {
                try {
                    daemonSets.patch(ds, PatchTypes.STRATEGIC_MERGE_PATCH, JSON.readTree("{\"spec\":{\"template\":"
                            + "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"agent:2\"}]}}}}"));
                    break;
                } catch (ResourceException e) {
                    if (!e.isConflict() || attempt == 5) {
                        throw e; // the in-process patch does not retry a conflict with the status write
                    }
                }
            }
        }
        int[] maxUnavailableSeen = new int[1];
        int[] maxPodsSeen = new int[1];
        await("rolled out", () -> {
            JsonNode one = status("one");
            JsonNode surge = status("surge");
            int surgePods = (int) pods.list().items().stream().filter(p -> !p.path("metadata").has("deletionTimestamp")
                    && p.path("metadata").path("labels").path("app").asText().equals("surge")).count();
            maxPodsSeen[0] = Math.max(maxPodsSeen[0], surgePods);
            maxUnavailableSeen[0] = Math.max(maxUnavailableSeen[0], 4 - one.path("numberAvailable").asInt());
            return one.path("observedGeneration").asLong() == 2 && surge.path("observedGeneration").asLong() == 2
                    && one.path("updatedNumberScheduled").asInt() == 4 && one.path("numberAvailable").asInt() == 4
                    && surge.path("updatedNumberScheduled").asInt() == 4 && surge.path("numberAvailable").asInt() == 4
                    && surgePods == 4;
        });
        assertTrue(maxUnavailableSeen[0] <= 1, "maxUnavailable 1: at most one node without a ready pod");
        assertTrue(maxPodsSeen[0] <= 5, "maxSurge 1: at most one extra pod");
        for (ObjectNode pod : pods.list().items()) {
            assertEquals("agent:2", pod.path("spec").path("containers").get(0).path("image").asText());
        }
        assertEquals(4, api.client().resource(Revisions.CONTROLLER_REVISIONS).inNamespace("default").list().items()
                .size(), "two revisions per DaemonSet");
    }
}
