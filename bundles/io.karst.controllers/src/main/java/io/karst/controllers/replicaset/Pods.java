package io.karst.controllers.replicaset;

import java.time.Instant;
import java.util.Comparator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the controller reads of a pod. */
final class Pods {
    private Pods() {
    }

    /** Not finished and not being deleted: it counts towards the replicas. */
    static boolean active(ObjectNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return !phase.equals("Succeeded") && !phase.equals("Failed")
                && !pod.path("metadata").has("deletionTimestamp");
    }

    static boolean ready(ObjectNode pod) {
        return readyCondition(pod).path("status").asText("").equals("True");
    }

    /** Ready for at least {@code minReadySeconds} at {@code now}. */
    static boolean available(ObjectNode pod, int minReadySeconds, Instant now) {
        if (!ready(pod)) {
            return false;
        }
        if (minReadySeconds <= 0) {
            return true;
        }
        String since = readyCondition(pod).path("lastTransitionTime").asText("");
        return !since.isEmpty() && !Instant.parse(since).plusSeconds(minReadySeconds).isAfter(now);
    }

    private static JsonNode readyCondition(ObjectNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static int phaseRank(ObjectNode pod) {
        return switch (pod.path("status").path("phase").asText("")) {
            case "Pending" -> 0;
            case "Running" -> 2;
            default -> 1; // Unknown
        };
    }

    private static int restarts(ObjectNode pod) {
        int max = 0;
        for (JsonNode s : pod.path("status").path("containerStatuses")) {
            max = Math.max(max, s.path("restartCount").asInt(0));
        }
        return max;
    }

    /**
     * The order in which surplus pods are deleted, first to go first (upstream's ActivePods ranking, without the
     * co-location rank): not yet scheduled, then pending before unknown before running, not ready before ready,
     * more restarts first, and the newest first.
     */
    static final Comparator<ObjectNode> DELETION_ORDER = Comparator
            .comparing((ObjectNode p) -> !p.path("spec").path("nodeName").asText("").isEmpty())
            .thenComparingInt(Pods::phaseRank)
            .thenComparing(Pods::ready)
            .thenComparing(Comparator.comparingInt(Pods::restarts).reversed())
            .thenComparing(Comparator.comparing((ObjectNode p) ->
                    p.path("metadata").path("creationTimestamp").asText("")).reversed());
}
