package io.karst.apiserver.endpoint;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;
import io.karst.apiserver.validation.Json;
import io.karst.apiserver.validation.LabelSelectors;

/**
 * The PodDisruptionBudget check of the eviction subresource, as upstream's eviction REST: a pod a budget selects
 * is evicted only while the budget allows a disruption, which the eviction takes (decrementing
 * {@code disruptionsAllowed} and recording the pod in {@code disruptedPods}, so that the disruption controller does
 * not count it healthy before it is gone); otherwise 429 with the budget's numbers. Terminal, pending and already
 * terminating pods ignore budgets; an unready pod may go when the budget is healthy without it.
 */
final class EvictionBudgets {
    /** Upstream's MaxDisruptedPodSize: evictions the disruption controller has not caught up with. */
    private static final int MAX_DISRUPTED_PODS = 2000;

    private final ObjectStore store;
    private final ResourceRegistry registry;
    private final Clock clock;

    EvictionBudgets(ObjectStore store, ResourceRegistry registry, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Takes a disruption from the budget that selects {@code pod}, if any; throws the refusal otherwise.
     *
     * @return null when the pod may go; the name of the budget when it changed under us (the caller reads the pod
     *         and the budget again)
     */
    String admit(ObjectNode pod, boolean dryRun) {
        if (ignoresBudgets(pod)) {
            return null;
        }
        Optional<ResourceType> type = registry.find("policy", "v1", "poddisruptionbudgets");
        if (type.isEmpty()) {
            return null;
        }
        List<ObjectNode> budgets = selecting(type.get(), pod);
        if (budgets.isEmpty()) {
            return null;
        }
        if (budgets.size() > 1) {
            throw new ApiException(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the "
                    + "eviction subresource does not support.", null);
        }
        ObjectNode pdb = budgets.get(0);
        String name = ObjectMetadata.name(pdb);
        JsonNode status = pdb.path("status");
        int currentHealthy = status.path("currentHealthy").asInt(0);
        int desiredHealthy = status.path("desiredHealthy").asInt(0);
        if (!ready(pod) && (pdb.path("spec").path("unhealthyPodEvictionPolicy").asText("").equals("AlwaysAllow")
                || (currentHealthy >= desiredHealthy && desiredHealthy > 0))) {
            return null; // an unready pod does not count towards the budget: evicting it costs nothing
        }
        if (status.path("observedGeneration").asLong(0) < ObjectMetadata.of(pdb).path("generation").asLong(0)) {
            throw tooManyRequests("The disruption budget " + name + " is still being processed by the server.");
        }
        int allowed = status.path("disruptionsAllowed").asInt(0);
        if (allowed < 0) {
            throw ApiException.forbidden("poddisruptionbudgets", "policy", name,
                    "pdb disruptions allowed is negative");
        }
        if (status.path("disruptedPods").size() > MAX_DISRUPTED_PODS) {
            throw ApiException.forbidden("poddisruptionbudgets", "policy", name,
                    "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
        }
        if (allowed == 0) {
            throw tooManyRequests("The disruption budget " + name + " needs " + desiredHealthy
                    + " healthy pods and has " + currentHealthy + " currently");
        }
        if (dryRun) {
            return null;
        }
        ObjectNode updated = pdb.deepCopy();
        ObjectNode newStatus = updated.get("status") instanceof ObjectNode s ? s : updated.putObject("status");
        newStatus.put("disruptionsAllowed", allowed - 1);
        ObjectNode disrupted = newStatus.get("disruptedPods") instanceof ObjectNode d ? d
                : newStatus.putObject("disruptedPods");
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        disrupted.put(ObjectMetadata.name(pod), now);
        if (allowed - 1 == 0) {
            for (JsonNode c : newStatus.path("conditions")) {
                if (c.path("type").asText().equals("DisruptionAllowed") && c instanceof ObjectNode condition) {
                    condition.put("status", "False");
                    condition.put("reason", "InsufficientPods");
                    condition.put("lastTransitionTime", now);
                }
            }
        }
        try {
            store.update(type.get(), ObjectMetadata.namespace(pdb), name, updated,
                    ObjectMetadata.resourceVersion(pdb));
        } catch (ApiException e) {
            if (e.code() == 409) {
                return name;
            }
            throw e;
        }
        return null;
    }

    private List<ObjectNode> selecting(ResourceType type, ObjectNode pod) {
        java.util.Map<String, String> labels = Json.stringMapOrEmpty(pod.path("metadata"), "labels");
        List<ObjectNode> found = new ArrayList<>();
        store.forEach(type, ObjectMetadata.namespace(pod), pdb -> {
            if (pdb.path("spec").get("selector") instanceof ObjectNode selector
                    && LabelSelectors.matches(selector, labels)) {
                found.add(pdb);
            }
        });
        return found;
    }

    /** Upstream's canIgnorePDB: finished, pending or already terminating pods. */
    private static boolean ignoresBudgets(ObjectNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Pending")
                || ObjectMetadata.deleting(pod);
    }

    private static boolean ready(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText().equals("True");
            }
        }
        return false;
    }

    private static ApiException tooManyRequests(String cause) {
        return new ApiException(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption "
                + "budget.", new ApiException.Details(null, null, null, List.of(new ApiException.Cause(
                        "DisruptionBudget", cause, null)), 0));
    }
}
