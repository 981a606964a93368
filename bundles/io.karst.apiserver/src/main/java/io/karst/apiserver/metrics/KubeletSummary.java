package io.karst.apiserver.metrics;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The part of a kubelet's {@code /stats/summary} ({@code stats/v1alpha1}) the metrics API uses: the node's and
 * each running container's cumulative CPU time and working set. Readings without both are left out, as
 * metrics-server leaves them out.
 *
 * @param node the node's reading, null when the summary has none
 */
record KubeletSummary(UsagePoint node, List<PodReadings> pods) {

    /** The readings of one pod's containers, by container name. */
    record PodReadings(String namespace, String name, Map<String, UsagePoint> containers) {
    }

    static KubeletSummary parse(JsonNode summary) {
        JsonNode node = summary.path("node");
        UsagePoint nodePoint = point(node);
        List<PodReadings> pods = new ArrayList<>();
        for (JsonNode pod : summary.path("pods")) {
            JsonNode ref = pod.path("podRef");
            String namespace = ref.path("namespace").asText("");
            String name = ref.path("name").asText("");
            if (namespace.isEmpty() || name.isEmpty()) {
                continue;
            }
            Map<String, UsagePoint> containers = new LinkedHashMap<>();
            for (JsonNode container : pod.path("containers")) {
                UsagePoint p = point(container);
                String containerName = container.path("name").asText("");
                if (p != null && !containerName.isEmpty()) {
                    containers.put(containerName, p);
                }
            }
            pods.add(new PodReadings(namespace, name, containers));
        }
        return new KubeletSummary(nodePoint, pods);
    }

    private static UsagePoint point(JsonNode stats) {
        JsonNode cpu = stats.path("cpu");
        JsonNode memory = stats.path("memory");
        if (!cpu.path("usageCoreNanoSeconds").canConvertToLong() || !memory.path("workingSetBytes").isNumber()) {
            return null;
        }
        Instant time = instant(cpu.path("time").asText(""));
        if (time == null) {
            return null;
        }
        return new UsagePoint(time, instant(stats.path("startTime").asText("")),
                cpu.path("usageCoreNanoSeconds").asLong(), memory.path("workingSetBytes").asLong());
    }

    private static Instant instant(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
