package io.karst.kubelet.volume;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.kubelet.pod.Quantities;

/** Values of {@code fieldRef} and {@code resourceFieldRef}, for environment variables and downwardAPI files. */
public final class DownwardApi {
    private DownwardApi() {
    }

    /**
     * A pod field by upstream's paths ({@code metadata.name}, {@code metadata.labels['k']}, {@code status.podIP},
     * ...).
     *
     * @throws IllegalArgumentException for a path upstream does not support
     */
    public static String field(JsonNode pod, String path) {
        JsonNode meta = pod.path("metadata");
        if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
            return meta.path("labels").path(path.substring(17, path.length() - 2)).asText("");
        }
        if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
            return meta.path("annotations").path(path.substring(22, path.length() - 2)).asText("");
        }
        return switch (path) {
            case "metadata.name" -> meta.path("name").asText();
            case "metadata.namespace" -> meta.path("namespace").asText();
            case "metadata.uid" -> meta.path("uid").asText();
            case "metadata.labels" -> lines(meta.path("labels"));
            case "metadata.annotations" -> lines(meta.path("annotations"));
            case "spec.nodeName" -> pod.path("spec").path("nodeName").asText();
            case "spec.serviceAccountName" -> pod.path("spec").path("serviceAccountName").asText();
            case "status.hostIP" -> pod.path("status").path("hostIP").asText();
            case "status.hostIPs" -> joined(pod.path("status").path("hostIPs"));
            case "status.podIP" -> pod.path("status").path("podIP").asText();
            case "status.podIPs" -> joined(pod.path("status").path("podIPs"));
            default -> throw new IllegalArgumentException("unsupported fieldRef " + path);
        };
    }

    /**
     * A container's resource by upstream's rules: limits fall back to the node's allocatable, cpu rounded up to
     * the divisor, memory divided by it.
     */
    public static String resource(JsonNode pod, String container, String resource, String divisor,
            JsonNode allocatable) {
        JsonNode c = null;
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode candidate : pod.path("spec").path(list)) {
                if (candidate.path("name").asText().equals(container)) {
                    c = candidate;
                }
            }
        }
        if (c == null) {
            throw new IllegalArgumentException("container " + container + " not found");
        }
        String[] parts = resource.split("\\.", 2);
        if (parts.length != 2 || !(parts[0].equals("limits") || parts[0].equals("requests"))) {
            throw new IllegalArgumentException("unsupported resource " + resource);
        }
        String quantity = c.path("resources").path(parts[0]).path(parts[1]).asText("");
        if (quantity.isEmpty()) {
            quantity = parts[0].equals("limits") ? allocatable.path(parts[1]).asText("0") : "0";
        }
        String div = divisor == null || divisor.isEmpty() ? (parts[1].equals("cpu") ? "1" : "1") : divisor;
        if (parts[1].equals("cpu")) {
            long milli = Quantities.milliCpu(quantity);
            long per = Quantities.milliCpu(div);
            return Long.toString((milli + per - 1) / per);
        }
        long value = Quantities.value(quantity);
        long per = Math.max(1, Quantities.value(div));
        return Long.toString((value + per - 1) / per);
    }

    private static String lines(JsonNode map) {
        Map<String, String> sorted = new TreeMap<>();
        map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(k).append("=\"").append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                    .append('"');
        });
        return out.toString();
    }

    private static String joined(JsonNode ips) {
        StringBuilder out = new StringBuilder();
        for (JsonNode ip : ips) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(ip.path("ip").asText());
        }
        return out.toString();
    }
}
