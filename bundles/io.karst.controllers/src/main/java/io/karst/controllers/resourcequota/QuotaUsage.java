package io.karst.controllers.resourcequota;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.client.ResourceKey;

/**
 * What one object uses of a quota, as upstream's quota evaluators count it: {@code count/<resource>[.<group>]}
 * for every object; the legacy counts ({@code pods}, {@code services}, {@code configmaps}, ...); a pod's compute
 * requests and limits (the containers' sum or the largest init container, as upstream's pod requests); a
 * Service's load balancers and node ports; a claim's storage request. Amounts are decimal values of the
 * Kubernetes quantities (cores, bytes).
 */
final class QuotaUsage {
    /** The resource names a pod quota requires every container to state (upstream's validation set). */
    static final Set<String> MUST_SPECIFY = Set.of("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu",
            "limits.memory");
    private static final Map<String, String> LEGACY_COUNTS = Map.of("pods", "pods", "services", "services",
            "configmaps", "configmaps", "secrets", "secrets", "persistentvolumeclaims", "persistentvolumeclaims",
            "replicationcontrollers", "replicationcontrollers", "resourcequotas", "resourcequotas");

    private QuotaUsage() {
    }

    /** Whether the object counts at all (a finished or terminating pod does not). */
    static boolean counts(ResourceKey resource, JsonNode object) {
        if (isCore(resource, "pods")) {
            String phase = object.path("status").path("phase").asText("");
            return !phase.equals("Succeeded") && !phase.equals("Failed")
                    && !object.path("metadata").has("deletionTimestamp");
        }
        return true;
    }

    /** The object's usage by quota resource name. */
    static Map<String, BigDecimal> of(ResourceKey resource, JsonNode object) {
        Map<String, BigDecimal> usage = new HashMap<>();
        if (!counts(resource, object)) {
            return usage;
        }
        String count = "count/" + resource.resource() + (resource.group().isEmpty() ? "" : "." + resource.group());
        usage.put(count, BigDecimal.ONE);
        if (resource.group().isEmpty() && LEGACY_COUNTS.containsKey(resource.resource())) {
            usage.put(LEGACY_COUNTS.get(resource.resource()), BigDecimal.ONE);
        }
        if (isCore(resource, "pods")) {
            for (String field : new String[] {"requests", "limits"}) {
                podTotal(object, field).forEach((name, amount) -> {
                    usage.put(field + "." + name, amount);
                    if (field.equals("requests") && (name.equals("cpu") || name.equals("memory")
                            || name.equals("ephemeral-storage"))) {
                        usage.put(name, amount);
                    }
                });
            }
        } else if (isCore(resource, "services")) {
            String type = object.path("spec").path("type").asText("ClusterIP");
            if (type.equals("LoadBalancer")) {
                usage.put("services.loadbalancers", BigDecimal.ONE);
            }
            if (type.equals("LoadBalancer") || type.equals("NodePort")) {
                usage.put("services.nodeports", BigDecimal.valueOf(object.path("spec").path("ports").size()));
            }
        } else if (isCore(resource, "persistentvolumeclaims")) {
            JsonNode storage = object.path("spec").path("resources").path("requests").get("storage");
            BigDecimal amount = storage == null ? null : Quantities.parse(storage);
            if (amount != null) {
                usage.put("requests.storage", amount);
                String storageClass = object.path("spec").path("storageClassName").asText("");
                if (!storageClass.isEmpty()) {
                    usage.put(storageClass + ".storageclass.storage.k8s.io/requests.storage", amount);
                    usage.put(storageClass + ".storageclass.storage.k8s.io/persistentvolumeclaims", BigDecimal.ONE);
                }
            }
        }
        return usage;
    }

    /** A pod's requests or limits: the containers' sum, or the largest init container when that is more. */
    private static Map<String, BigDecimal> podTotal(JsonNode pod, String field) {
        Map<String, BigDecimal> total = new HashMap<>();
        for (JsonNode c : pod.path("spec").path("containers")) {
            c.path("resources").path(field).fields().forEachRemaining(e -> {
                BigDecimal amount = Quantities.parse(e.getValue());
                if (amount != null) {
                    total.merge(e.getKey(), amount, BigDecimal::add);
                }
            });
        }
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            c.path("resources").path(field).fields().forEachRemaining(e -> {
                BigDecimal amount = Quantities.parse(e.getValue());
                if (amount != null) {
                    total.merge(e.getKey(), amount, BigDecimal::max);
                }
            });
        }
        return total;
    }

    private static boolean isCore(ResourceKey resource, String plural) {
        return resource.group().isEmpty() && resource.resource().equals(plural);
    }
}
