package io.karst.kubelet.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.node.KubeletHttp;
import io.karst.api.node.KubeletHttpResponse;
import io.karst.kubelet.KubeletConfig;
import io.karst.kubelet.eviction.Threshold;
import io.karst.kubelet.stats.ResourceMetrics;
import io.karst.kubelet.stats.StatsSummary;

/**
 * The kubelet's HTTP API as upstream's port 10250 serves it, reached through {@code nodes/proxy}: {@code /healthz},
 * {@code /pods} (the pods this kubelet runs), {@code /stats/summary} ({@code only_cpu_and_memory=true} as
 * metrics-server asks), {@code /metrics/resource}, {@code /configz}; anything else is Go's plain 404.
 * Upstream's {@code /metrics}, {@code /metrics/cadvisor}, {@code /metrics/probes}, {@code /logs/} and the debug
 * handlers are not served.
 */
public final class KubeletHttpApi implements KubeletHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final KubeletConfig config;
    private final StatsSummary stats;
    private final Supplier<Map<String, ObjectNode>> pods;

    public KubeletHttpApi(KubeletConfig config, StatsSummary stats, Supplier<Map<String, ObjectNode>> pods) {
        this.config = config;
        this.stats = stats;
        this.pods = pods;
    }

    @Override
    public KubeletHttpResponse serve(String method, String path, String rawQuery) {
        String route = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        boolean read = method.equals("GET") || method.equals("HEAD");
        return switch (route) {
            case "/healthz" -> read ? text(200, "ok") : notAllowed();
            case "/pods" -> read ? json(podList()) : notAllowed();
            case "/stats/summary" -> read || method.equals("POST")
                    ? json(onlyCpuAndMemory(rawQuery) ? cpuAndMemory(stats.summary()) : stats.summary())
                    : notAllowed();
            case "/metrics/resource" -> read
                    ? new KubeletHttpResponse(200, PROMETHEUS, bytes(ResourceMetrics.of(stats.summary())))
                    : notAllowed();
            case "/configz" -> read ? json(configz()) : notAllowed();
            default -> text(404, "404 page not found\n");
        };
    }

    private ObjectNode podList() {
        ObjectNode list = JSON.createObjectNode().put("kind", "PodList").put("apiVersion", "v1");
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        pods.get().values().stream()
                .sorted((a, b) -> name(a).compareTo(name(b)))
                .forEach(items::add);
        return list;
    }

    private static String name(JsonNode pod) {
        return pod.path("metadata").path("namespace").asText() + "/" + pod.path("metadata").path("name").asText();
    }

    private static boolean onlyCpuAndMemory(String rawQuery) {
        if (rawQuery == null) {
            return false;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.equals("only_cpu_and_memory=true")) {
                return true;
            }
        }
        return false;
    }

    /** What upstream's summary keeps for {@code only_cpu_and_memory}: CPU and memory of node, pods and containers. */
    private static ObjectNode cpuAndMemory(ObjectNode summary) {
        ObjectNode node = (ObjectNode) summary.path("node");
        node.retain("nodeName", "startTime", "cpu", "memory");
        for (JsonNode pod : summary.path("pods")) {
            ((ObjectNode) pod).retain("podRef", "startTime", "containers", "cpu", "memory");
            for (JsonNode container : pod.path("containers")) {
                ((ObjectNode) container).retain("name", "startTime", "cpu", "memory");
            }
        }
        return summary;
    }

    /** The settings upstream's KubeletConfiguration has that Karst's kubelet has too. */
    private ObjectNode configz() {
        ObjectNode config = JSON.createObjectNode().put("kind", "KubeletConfiguration")
                .put("apiVersion", "kubelet.config.k8s.io/v1beta1");
        config.put("staticPodPath", this.config.podManifestDir().toString());
        config.put("clusterDomain", this.config.clusterDomain());
        ArrayNode dns = config.putArray("clusterDNS");
        this.config.clusterDns().forEach(dns::add);
        config.put("maxPods", this.config.maxPods());
        ObjectNode hard = config.putObject("evictionHard");
        for (Threshold t : this.config.evictionHard().thresholds()) {
            String text = t.toString();
            hard.put(t.signal().key(), text.substring(text.indexOf('<') + 1));
        }
        config.put("evictionPressureTransitionPeriod", goDuration(this.config.evictionPressureTransitionPeriod()));
        config.put("cgroupDriver", "cgroupfs");
        ObjectNode out = JSON.createObjectNode();
        out.set("kubeletconfig", config);
        return out;
    }

    /** Go's Duration.String for whole seconds: {@code 5m0s}, {@code 1h0m0s}. */
    static String goDuration(Duration d) {
        long s = d.getSeconds();
        if (s == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (s >= 3600) {
            out.append(s / 3600).append('h');
        }
        if (s >= 60) {
            out.append(s % 3600 / 60).append('m');
        }
        return out.append(s % 60).append('s').toString();
    }

    private static KubeletHttpResponse json(JsonNode body) {
        try {
            return new KubeletHttpResponse(200, "application/json", JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KubeletHttpResponse text(int status, String body) {
        return new KubeletHttpResponse(status, TEXT, bytes(body));
    }

    private static KubeletHttpResponse notAllowed() {
        return text(405, "405: Method Not Allowed");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
