package io.karst.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.kubelet.eviction.Observation;
import io.karst.kubelet.eviction.PodStats;
import io.karst.kubelet.eviction.Signal;

/**
 * Node-pressure eviction end to end in the kubelet: the real resource API, {@link RecordingRuntime}, and signals
 * and pod usage given as numbers. Memory is low for exactly as many observations as a test asks, so whichever pass
 * (the test's or the kubelet's own every 10 s) sees it, each low observation may evict one pod only.
 */
class EvictionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey NODES = new ResourceKey("", "v1", "nodes");
    static final ResourceKey EVENTS = new ResourceKey("", "v1", "events");
    static final long MI = 1024 * 1024;

    @TempDir
    Path dir;
    InProcessApi api;
    RecordingRuntime runtime;
    Kubelet kubelet;
    ResourceOperations pods;
    /** observations still to report memory.available at 80Mi */
    final AtomicInteger lowObservations = new AtomicInteger();
    /** pod name → container name → working set */
    final Map<String, Map<String, Long>> memory = new ConcurrentHashMap<>();
    /** pod name → container name → bytes written */
    final Map<String, Map<String, Long>> disk = new ConcurrentHashMap<>();
    /** observations still to report nodefs.available at 5 %; removing unused images ends them when it frees enough */
    final AtomicInteger lowDiskObservations = new AtomicInteger();
    volatile boolean imagesFreeEnough;
    final AtomicInteger reclaims = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        api = new InProcessApi(dir.resolve("api"));
        runtime = new RecordingRuntime();
        pods = api.client().resource(PODS).inNamespace("default");
        KubeletConfig config = new KubeletConfig("node-a", List.of("10.0.0.5"), dir.resolve("data"), Map.of(),
                List.of(), List.of("10.43.0.10"), "cluster.local", false, 110, "v1.33.0+karst0.1.0");
        kubelet = new Kubelet(config, api.client(), runtime, runtime, () -> {
            Map<Signal, Observation> observed = new EnumMap<>(Signal.class);
            long available = lowObservations.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 80 * MI : 8192 * MI;
            observed.put(Signal.MEMORY_AVAILABLE, new Observation(available, 16384 * MI));
            observed.put(Signal.NODEFS_AVAILABLE, new Observation(
                    (lowDiskObservations.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 5_000 : 50_000) * MI, 100_000 * MI));
            return observed;
        }, pod -> Optional.of(new PodStats(memory.getOrDefault(pod.path("metadata").path("name").asText(), Map.of()),
                disk.getOrDefault(pod.path("metadata").path("name").asText(), Map.of()), 0, 1)), () -> {
                    reclaims.incrementAndGet();
                    if (imagesFreeEnough) {
                        lowDiskObservations.set(0);
                    }
                    return 1234;
                }).start();
        api.client().resource(new ResourceKey("scheduling.k8s.io", "v1", "priorityclasses")).create(json(
                "{'apiVersion':'scheduling.k8s.io/v1','kind':'PriorityClass','metadata':{'name':'high'},'value':1000}"));
    }

    @AfterEach
    void stop() {
        kubelet.close();
        api.close();
    }

    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
    }

    private void runPod(String namespace, String name, String container, String priorityClass, String request,
            long usedMi) throws Exception {
        String resources = request == null ? "" : ",'resources':{'requests':{'memory':'" + request + "'}}";
        String priority = priorityClass == null ? "" : "'priorityClassName':'" + priorityClass + "',";
        api.client().resource(PODS).inNamespace(namespace).create(json("{'apiVersion':'v1','kind':'Pod',"
                + "'metadata':{'name':'" + name + "'},'spec':{'nodeName':'node-a'," + priority
                + "'automountServiceAccountToken':false,'containers':[{'name':'" + container
                + "','image':'localhost/karst/busybox:1.35.0'" + resources + "}]}}"));
        memory.put(name, Map.of(container, usedMi * MI));
    }

    private JsonNode pod(String namespace, String name) {
        return api.client().resource(PODS).inNamespace(namespace).get(name);
    }

    private String phase(String namespace, String name) {
        return pod(namespace, name).path("status").path("phase").asText();
    }

    /** Four running pods: within its request, over requests at high and at low priority, and a critical one. */
    private void fourPods() throws Exception {
        runPod("default", "within", "w", null, "1Gi", 500);
        runPod("default", "hog-high", "hh", "high", null, 500);
        runPod("default", "hog-low", "hl", null, null, 300);
        runPod("kube-system", "critical", "c", "system-node-critical", null, 2048);
        for (String[] p : new String[][] {{"default", "within"}, {"default", "hog-high"}, {"default", "hog-low"},
                {"kube-system", "critical"}}) {
            eventually(() -> phase(p[0], p[1]).equals("Running"));
        }
        assertEquals(2000001000, pod("kube-system", "critical").path("spec").path("priority").asInt());
    }

    @Test
    void lowMemoryEvictsThePodOverItsRequestsWithTheLowestPriorityAndSaysWhy() throws Exception {
        fourPods();
        lowObservations.set(1);
        Optional<JsonNode> evicted = kubelet.eviction().synchronize();
        eventually(() -> lowObservations.get() == 0);
        // the kubelet's own pass may have taken the low observation first; either way hog-low goes
        eventually(() -> phase("default", "hog-low").equals("Failed"));
        evicted.ifPresent(p -> assertEquals("hog-low", p.path("metadata").path("name").asText()));

        JsonNode status = pod("default", "hog-low").path("status");
        String message = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. "
                + "Container hl was using 300Mi, request is 0, has larger consumption of memory. ";
        assertEquals("Evicted", status.path("reason").asText(), status.toString());
        assertEquals(message, status.path("message").asText());
        JsonNode disruption = condition(status, "DisruptionTarget");
        assertEquals("True", disruption.path("status").asText(), status.toString());
        assertEquals("TerminationByKubelet", disruption.path("reason").asText());
        assertEquals(message, disruption.path("message").asText());
        // killed at once (upstream's 1 s for a hard eviction), not within its 30 s grace period
        assertTrue(runtime.stopped.contains("hl"), runtime.stopped.toString());
        assertTrue(runtime.stopTimeouts.get("hl").compareTo(Duration.ofSeconds(1)) <= 0,
                runtime.stopTimeouts.toString());
        eventually(() -> api.client().resource(EVENTS).inNamespace("default").list().items().stream()
                .anyMatch(e -> e.path("reason").asText().equals("Evicted")));
        JsonNode event = null;
        for (JsonNode e : api.client().resource(EVENTS).inNamespace("default").list().items()) {
            if (e.path("reason").asText().equals("Evicted")) {
                event = e;
            }
        }
        assertEquals("Warning", event.path("type").asText());
        assertEquals("hog-low", event.path("involvedObject").path("name").asText());
        assertEquals(message, event.path("message").asText());

        // one pod per low observation: the others run on
        assertEquals("Running", phase("default", "hog-high"));
        assertEquals("Running", phase("default", "within"));
        assertEquals("Running", phase("kube-system", "critical"));
        assertFalse(runtime.stopped.contains("hh") || runtime.stopped.contains("w") || runtime.stopped.contains("c"),
                runtime.stopped.toString());
        // the Node shows the pressure (until the transition period ends)
        eventually(() -> "True".equals(condition(api.client().resource(NODES).get("node-a").path("status"),
                "MemoryPressure").path("status").asText()));
    }

    @Test
    void aboveTheThresholdsNothingIsEvicted() throws Exception {
        fourPods();
        for (int i = 0; i < 3; i++) {
            assertTrue(kubelet.eviction().synchronize().isEmpty());
        }
        assertTrue(runtime.stopped.isEmpty(), runtime.stopped.toString());
        assertEquals("Running", phase("default", "hog-low"));
        assertEquals("False", condition(api.client().resource(NODES).get("node-a").path("status"),
                "MemoryPressure").path("status").asText("False"));
    }

    @Test
    void eachPassEvictsOnePodInRankOrderAndCriticalPodsNever() throws Exception {
        fourPods();
        List<String> order = List.of("hog-low", "hog-high", "within");
        for (String expected : order) {
            lowObservations.set(1);
            kubelet.eviction().synchronize();
            eventually(() -> lowObservations.get() == 0);
            eventually(() -> phase("default", expected).equals("Failed"));
            for (String later : order.subList(order.indexOf(expected) + 1, order.size())) {
                assertEquals("Running", phase("default", later), later + " evicted with " + expected);
            }
        }
        // only the critical pod is left: no pass evicts it, however low memory stays
        lowObservations.set(3);
        for (int i = 0; i < 3; i++) {
            assertTrue(kubelet.eviction().synchronize().isEmpty());
        }
        assertEquals("Running", phase("kube-system", "critical"));
        assertFalse(runtime.stopped.contains("c"));
    }

    @Test
    void lowDiskFirstRemovesUnusedImagesThenEvictsByPriorityAndDiskUsage() throws Exception {
        fourPods();
        disk.put("within", Map.of("w", 100 * MI));
        disk.put("hog-high", Map.of("hh", 900 * MI));
        disk.put("hog-low", Map.of("hl", 10 * MI));
        disk.put("critical", Map.of("c", 5000 * MI));
        imagesFreeEnough = true;
        lowDiskObservations.set(1);
        assertTrue(kubelet.eviction().synchronize().isEmpty());
        assertTrue(reclaims.get() >= 1);
        assertTrue(runtime.stopped.isEmpty(), runtime.stopped.toString());

        imagesFreeEnough = false;
        // low before and still low after the images were removed: one pod goes
        lowDiskObservations.set(2);
        kubelet.eviction().synchronize();
        eventually(() -> lowDiskObservations.get() == 0);
        // none requests ephemeral storage, so all exceed their requests; of the lowest priority (0), the larger writer
        // goes, not the critical pod that wrote most nor hog-high at priority 1000
        eventually(() -> phase("default", "hog-low").equals("Failed") || phase("default", "within").equals("Failed")
                || phase("default", "hog-high").equals("Failed"));
        assertEquals("Failed", phase("default", "within"));
        assertEquals("The node was low on resource: ephemeral-storage. Threshold quantity: 10000Mi, available: "
                + "5000Mi. Container w was using 100Mi, request is 0, has larger consumption of ephemeral-storage. ",
                pod("default", "within").path("status").path("message").asText());
        assertEquals("Running", phase("default", "hog-low"));
        assertEquals("Running", phase("default", "hog-high"));
        assertEquals("Running", phase("kube-system", "critical"));
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return MissingNode.getInstance();
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(50);
        }
    }
}
