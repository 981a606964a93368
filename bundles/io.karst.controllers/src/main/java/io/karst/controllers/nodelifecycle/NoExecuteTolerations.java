package io.karst.controllers.nodelifecycle;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * When a pod must leave a node because of its NoExecute taints, as upstream's taint eviction: at once for a taint it
 * does not tolerate; for tolerated ones, when the shortest {@code tolerationSeconds} of the tolerations matching a
 * taint has passed since the taint was added; never when every matching toleration is without a limit.
 */
final class NoExecuteTolerations {
    private NoExecuteTolerations() {
    }

    /** Whether the node has a taint that can evict pods; without one, {@link #evictionTime} is always empty. */
    static boolean hasNoExecuteTaint(JsonNode node) {
        for (JsonNode taint : node.path("spec").path("taints")) {
            if (taint.path("effect").asText().equals("NoExecute")) {
                return true;
            }
        }
        return false;
    }

    /** The time the pod is to be evicted, or empty to leave it. */
    static Optional<Instant> evictionTime(JsonNode pod, JsonNode node, Instant now) {
        Instant earliest = null;
        for (JsonNode taint : node.path("spec").path("taints")) {
            if (!taint.path("effect").asText().equals("NoExecute")) {
                continue;
            }
            boolean tolerated = false;
            Long seconds = null;
            for (JsonNode toleration : pod.path("spec").path("tolerations")) {
                if (tolerates(toleration, taint)) {
                    tolerated = true;
                    if (toleration.hasNonNull("tolerationSeconds")) {
                        long s = Math.max(0, toleration.path("tolerationSeconds").asLong());
                        seconds = seconds == null ? s : Math.min(seconds, s);
                    } else {
                        // a toleration without a limit tolerates this taint for ever, whatever others say
                        seconds = null;
                        break;
                    }
                }
            }
            Instant due;
            if (!tolerated) {
                due = now;
            } else if (seconds == null) {
                continue;
            } else {
                due = added(taint, now).plusSeconds(seconds);
            }
            earliest = earliest == null || due.isBefore(earliest) ? due : earliest;
        }
        return Optional.ofNullable(earliest);
    }

    /** upstream's Toleration.ToleratesTaint */
    static boolean tolerates(JsonNode toleration, JsonNode taint) {
        String effect = toleration.path("effect").asText("");
        if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText())) {
            return false;
        }
        String key = toleration.path("key").asText("");
        String operator = toleration.path("operator").asText("Equal");
        if (key.isEmpty()) {
            return operator.equals("Exists");
        }
        if (!key.equals(taint.path("key").asText())) {
            return false;
        }
        return operator.equals("Exists")
                || toleration.path("value").asText("").equals(taint.path("value").asText(""));
    }

    private static Instant added(JsonNode taint, Instant now) {
        try {
            return taint.hasNonNull("timeAdded") ? Instant.parse(taint.path("timeAdded").asText()) : now;
        } catch (DateTimeParseException e) {
            return now;
        }
    }
}
