package io.karst.scheduler.plugins;

import com.fasterxml.jackson.databind.JsonNode;

/** Toleration matching, as upstream's {@code v1.Toleration.ToleratesTaint}. */
final class Taints {
    private Taints() {
    }

    static boolean tolerated(JsonNode pod, String key, String value, String effect) {
        for (JsonNode t : pod.path("spec").path("tolerations")) {
            if (tolerates(t, key, value, effect)) {
                return true;
            }
        }
        return false;
    }

    static boolean tolerated(JsonNode pod, JsonNode taint) {
        return tolerated(pod, taint.path("key").asText(""), taint.path("value").asText(""),
                taint.path("effect").asText(""));
    }

    static boolean tolerates(JsonNode toleration, String key, String value, String effect) {
        String tEffect = toleration.path("effect").asText("");
        if (!tEffect.isEmpty() && !tEffect.equals(effect)) {
            return false;
        }
        String tKey = toleration.path("key").asText("");
        if (!tKey.isEmpty() && !tKey.equals(key)) {
            return false;
        }
        String operator = toleration.path("operator").asText("Equal");
        return switch (operator) {
            case "Exists" -> true;
            case "", "Equal" -> toleration.path("value").asText("").equals(value);
            default -> false;
        };
    }
}
