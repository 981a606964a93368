package io.karst.kubelet.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Upstream's ranking and message, on pods and numbers alone. */
class RankingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long MI = 1024 * 1024;

    private static JsonNode pod(String name, int priority, String memoryRequest, String diskRequest)
            throws Exception {
        StringBuilder requests = new StringBuilder();
        if (memoryRequest != null) {
            requests.append("'memory':'").append(memoryRequest).append("'");
        }
        if (diskRequest != null) {
            requests.append(requests.length() > 0 ? "," : "").append("'ephemeral-storage':'").append(diskRequest)
                    .append("'");
        }
        return JSON.readTree(("{'metadata':{'name':'" + name + "','uid':'" + name + "'},'spec':{'priority':" + priority
                + ",'containers':[{'name':'app','resources':{'requests':{" + requests + "}}}]}}").replace('\'', '"'));
    }

    private static List<String> rank(Signal signal, Map<String, Optional<PodStats>> stats, JsonNode... pods) {
        List<JsonNode> list = new ArrayList<>(List.of(pods));
        list.sort(EvictionManager.ranking(signal, stats));
        return list.stream().map(p -> p.path("metadata").path("name").asText()).toList();
    }

    private static Optional<PodStats> memory(long mi) {
        return Optional.of(new PodStats(Map.of("app", mi * MI), Map.of(), 0, 0));
    }

    @Test
    void memoryRanksOverRequestsFirstThenLowerPriorityThenUsageAboveRequests() throws Exception {
        Map<String, Optional<PodStats>> stats = new HashMap<>();
        stats.put("within", memory(900));
        stats.put("over-high", memory(900));
        stats.put("over-small", memory(200));
        stats.put("over-big", memory(600));
        stats.put("unknown", Optional.empty());
        assertEquals(List.of("unknown", "over-big", "over-small", "over-high", "within"), rank(Signal.MEMORY_AVAILABLE,
                stats, pod("within", 0, "1Gi", null), pod("over-high", 1000, "100Mi", null),
                pod("over-small", 0, null, null), pod("over-big", 0, "64Mi", null), pod("unknown", 5000, null, null)));
    }

    @Test
    void diskRanksByEphemeralStorageAndPidsByPriorityThenProcesses() throws Exception {
        Map<String, Optional<PodStats>> stats = new HashMap<>();
        stats.put("a", Optional.of(new PodStats(Map.of(), Map.of("app", 10 * MI), 5 * MI, 3)));
        stats.put("b", Optional.of(new PodStats(Map.of(), Map.of("app", 300 * MI), 0, 50)));
        stats.put("c", Optional.of(new PodStats(Map.of(), Map.of("app", 100 * MI), 0, 7)));
        assertEquals(List.of("b", "a", "c"), rank(Signal.NODEFS_AVAILABLE, stats, pod("a", 0, null, null),
                pod("b", 0, null, null), pod("c", 0, null, "1Gi")));
        assertEquals(List.of("b", "c", "a"), rank(Signal.PID_AVAILABLE, stats, pod("a", 10, null, null),
                pod("b", 0, null, null), pod("c", 0, null, null)));
    }

    @Test
    void criticalPodsAreStaticMirrorOrSystemPriority() throws Exception {
        assertFalse(EvictionManager.critical(pod("plain", 1_999_999_999, null, null)));
        assertTrue(EvictionManager.critical(pod("cluster", 2_000_000_000, null, null)));
        assertTrue(EvictionManager.critical(JSON.readTree(
                "{\"metadata\":{\"annotations\":{\"kubernetes.io/config.source\":\"file\"}}}")));
        assertTrue(EvictionManager.critical(JSON.readTree(
                "{\"metadata\":{\"annotations\":{\"kubernetes.io/config.mirror\":\"abc\"}}}")));
        assertFalse(EvictionManager.critical(JSON.readTree(
                "{\"metadata\":{\"annotations\":{\"kubernetes.io/config.source\":\"api\"}}}")));
    }

    @Test
    void theMessageNamesTheThresholdAndTheContainersOverTheirRequests() throws Exception {
        JsonNode pod = JSON.readTree(("{'metadata':{'name':'p','uid':'p'},'spec':{'containers':["
                + "{'name':'big','resources':{'requests':{'memory':'64Mi'}}},{'name':'small'}]}}").replace('\'', '"'));
        String message = EvictionManager.message(new Threshold(Signal.MEMORY_AVAILABLE, 100 * MI, 0),
                new Observation(80 * MI, 1024 * MI), pod,
                Optional.of(new PodStats(Map.of("big", 500 * MI, "small", 0L), Map.of(), 0, 0)));
        assertEquals("The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. "
                + "Container big was using 500Mi, request is 64Mi, has larger consumption of memory. ", message);
        assertEquals("The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: "
                + "5368709121. ", EvictionManager.message(new Threshold(Signal.NODEFS_AVAILABLE, -1, 0.10),
                        new Observation(5L * 1024 * MI + 1, 100L * 1024 * MI), pod, Optional.empty()));
    }
}
