package io.karst.kubelet.stats;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The kubelet's {@code /metrics/resource} in the Prometheus text format, from a {@code /stats/summary} document:
 * upstream's stable resource metrics (node, pod and container CPU seconds and working set, container start times,
 * {@code resource_scrape_error}), each sample with its reading's time in milliseconds, as metrics-server reads them.
 */
public final class ResourceMetrics {
    private ResourceMetrics() {
    }

    public static String of(JsonNode summary) {
        StringBuilder out = new StringBuilder();
        JsonNode node = summary.path("node");
        JsonNode pods = summary.path("pods");

        family(out, "container_cpu_usage_seconds_total",
                "[STABLE] Cumulative cpu time consumed by the container in core-seconds", "counter");
        for (JsonNode pod : pods) {
            for (JsonNode c : pod.path("containers")) {
                cpuSeconds(out, "container_cpu_usage_seconds_total", containerLabels(pod, c), c.path("cpu"));
            }
        }
        family(out, "container_memory_working_set_bytes",
                "[STABLE] Current working set of the container in bytes", "gauge");
        for (JsonNode pod : pods) {
            for (JsonNode c : pod.path("containers")) {
                workingSet(out, "container_memory_working_set_bytes", containerLabels(pod, c), c.path("memory"));
            }
        }
        family(out, "container_start_time_seconds", "[STABLE] Start time of the container since unix epoch in "
                + "seconds", "gauge");
        for (JsonNode pod : pods) {
            for (JsonNode c : pod.path("containers")) {
                Instant start = instant(c.path("startTime").asText(""));
                if (start != null) {
                    sample(out, "container_start_time_seconds", containerLabels(pod, c),
                            Long.toString(start.getEpochSecond()), millis(c.path("cpu").path("time")));
                }
            }
        }
        family(out, "node_cpu_usage_seconds_total",
                "[STABLE] Cumulative cpu time consumed by the node in core-seconds", "counter");
        cpuSeconds(out, "node_cpu_usage_seconds_total", "", node.path("cpu"));
        family(out, "node_memory_working_set_bytes", "[STABLE] Current working set of the node in bytes", "gauge");
        workingSet(out, "node_memory_working_set_bytes", "", node.path("memory"));
        family(out, "pod_cpu_usage_seconds_total",
                "[STABLE] Cumulative cpu time consumed by the pod in core-seconds", "counter");
        for (JsonNode pod : pods) {
            cpuSeconds(out, "pod_cpu_usage_seconds_total", podLabels(pod), pod.path("cpu"));
        }
        family(out, "pod_memory_working_set_bytes", "[STABLE] Current working set of the pod in bytes", "gauge");
        for (JsonNode pod : pods) {
            workingSet(out, "pod_memory_working_set_bytes", podLabels(pod), pod.path("memory"));
        }
        family(out, "resource_scrape_error", "[STABLE] 1 if there was an error while getting container metrics, "
                + "0 otherwise", "gauge");
        out.append("resource_scrape_error 0\n");
        return out.toString();
    }

    private static void family(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void cpuSeconds(StringBuilder out, String name, String labels, JsonNode cpu) {
        if (cpu.has("usageCoreNanoSeconds")) {
            double seconds = cpu.path("usageCoreNanoSeconds").asLong() / 1e9;
            sample(out, name, labels, Double.toString(seconds), millis(cpu.path("time")));
        }
    }

    private static void workingSet(StringBuilder out, String name, String labels, JsonNode memory) {
        if (memory.has("workingSetBytes")) {
            sample(out, name, labels, Long.toString(memory.path("workingSetBytes").asLong()),
                    millis(memory.path("time")));
        }
    }

    private static void sample(StringBuilder out, String name, String labels, String value, long millis) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(value);
        if (millis > 0) {
            out.append(' ').append(millis);
        }
        out.append('\n');
    }

    private static String podLabels(JsonNode pod) {
        JsonNode ref = pod.path("podRef");
        return "namespace=\"" + escape(ref.path("namespace").asText()) + "\",pod=\"" + escape(ref.path("name").asText())
                + "\"";
    }

    private static String containerLabels(JsonNode pod, JsonNode container) {
        return "container=\"" + escape(container.path("name").asText()) + "\"," + podLabels(pod);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static long millis(JsonNode time) {
        Instant at = instant(time.asText(""));
        return at == null ? 0 : at.toEpochMilli();
    }

    private static Instant instant(String text) {
        try {
            return text.isEmpty() ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
