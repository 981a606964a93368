package io.karst.controllers.namespace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The five status conditions upstream's namespace deleter keeps on a terminating namespace, each True with the
 * failure's reason and message or False with its "ok" reason and message, so that {@code kubectl describe ns}
 * says why a namespace is stuck.
 */
final class DeletionConditions {
    static final String DISCOVERY_FAILURE = "NamespaceDeletionDiscoveryFailure";
    static final String GROUP_VERSION_PARSING_FAILURE = "NamespaceDeletionGroupVersionParsingFailure";
    static final String CONTENT_FAILURE = "NamespaceDeletionContentFailure";
    static final String CONTENT_REMAINING = "NamespaceContentRemaining";
    static final String FINALIZERS_REMAINING = "NamespaceFinalizersRemaining";

    private record Condition(String status, String reason, String message) {
    }

    private final Map<String, Condition> conditions = new LinkedHashMap<>();

    DeletionConditions() {
        conditions.put(DISCOVERY_FAILURE, ok("ResourcesDiscovered", "All resources successfully discovered"));
        conditions.put(GROUP_VERSION_PARSING_FAILURE,
                ok("ParsedGroupVersions", "All legacy kube types successfully parsed"));
        conditions.put(CONTENT_FAILURE,
                ok("ContentDeleted", "All content successfully deleted, may be waiting on finalization"));
        conditions.put(CONTENT_REMAINING, ok("ContentRemoved", "All content successfully removed"));
        conditions.put(FINALIZERS_REMAINING, ok("ContentRemoved", "All content successfully removed"));
    }

    private static Condition ok(String reason, String message) {
        return new Condition("False", reason, message);
    }

    /** Deletions that failed, one message each ({@code resource.group: message}). */
    void deleteFailures(List<String> messages) {
        if (!messages.isEmpty()) {
            List<String> sorted = new ArrayList<>(messages);
            sorted.sort(null);
            conditions.put(CONTENT_FAILURE, new Condition("True", "ContentDeletionFailed",
                    "Failed to delete all resource types, " + sorted.size() + " remaining: "
                            + String.join(", ", sorted)));
        }
    }

    /**
     * @param remaining objects left per {@code resource.group}
     * @param finalizers objects left per finalizer
     */
    void remaining(Map<String, Integer> remaining, Map<String, Integer> finalizers) {
        List<String> resources = new ArrayList<>();
        new TreeMap<>(remaining).forEach((resource, count) -> resources.add(resource + " has " + count
                + " resource instances"));
        if (!resources.isEmpty()) {
            conditions.put(CONTENT_REMAINING, new Condition("True", "SomeResourcesRemain",
                    "Some resources are remaining: " + String.join(", ", resources)));
        }
        List<String> byFinalizer = new ArrayList<>();
        new TreeMap<>(finalizers).forEach((finalizer, count) -> byFinalizer.add(finalizer + " in " + count
                + " resource instances"));
        if (!byFinalizer.isEmpty()) {
            conditions.put(FINALIZERS_REMAINING, new Condition("True", "SomeFinalizerRemain",
                    "Some finalizers are remaining: " + String.join(", ", byFinalizer)));
        }
    }

    /**
     * Writes the conditions into {@code namespace.status.conditions}, keeping each condition's lastTransitionTime
     * unless its status changes.
     *
     * @return whether anything changed
     */
    boolean applyTo(ObjectNode namespace, Instant now) {
        ObjectNode status = namespace.get("status") instanceof ObjectNode s ? s : namespace.putObject("status");
        ArrayNode list = status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
        boolean changed = false;
        for (Map.Entry<String, Condition> entry : conditions.entrySet()) {
            Condition wanted = entry.getValue();
            ObjectNode existing = find(list, entry.getKey());
            if (existing == null) {
                ObjectNode added = list.addObject();
                added.put("type", entry.getKey());
                write(added, wanted, now);
                changed = true;
            } else if (!wanted.status().equals(existing.path("status").asText())
                    || !wanted.reason().equals(existing.path("reason").asText())
                    || !wanted.message().equals(existing.path("message").asText())) {
                boolean transition = !wanted.status().equals(existing.path("status").asText());
                write(existing, wanted, transition ? now : null);
                changed = true;
            }
        }
        return changed;
    }

    private static void write(ObjectNode condition, Condition wanted, Instant transition) {
        condition.put("status", wanted.status());
        if (transition != null) {
            condition.put("lastTransitionTime", transition.toString());
        }
        condition.put("reason", wanted.reason());
        condition.put("message", wanted.message());
    }

    private static ObjectNode find(ArrayNode list, String type) {
        for (JsonNode c : list) {
            if (c instanceof ObjectNode o && type.equals(o.path("type").asText())) {
                return o;
            }
        }
        return null;
    }
}
