package io.karst.scheduler.plugins;

import com.fasterxml.jackson.databind.JsonNode;

/** metav1.LabelSelector matching: {@code matchLabels} and {@code matchExpressions} (In, NotIn, Exists, DoesNotExist). */
public final class LabelSelectors {
    private LabelSelectors() {
    }

    /** Whether {@code labels} match {@code selector}; a missing selector matches nothing, an empty one everything. */
    public static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector == null || selector.isMissingNode() || selector.isNull()) {
            return false;
        }
        var fields = selector.path("matchLabels").fields();
        while (fields.hasNext()) {
            var e = fields.next();
            if (!labels.path(e.getKey()).isTextual() || !labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        for (JsonNode e : selector.path("matchExpressions")) {
            String key = e.path("key").asText();
            boolean has = labels.path(key).isTextual();
            String value = labels.path(key).asText("");
            boolean listed = false;
            for (JsonNode v : e.path("values")) {
                listed |= v.asText().equals(value);
            }
            boolean holds = switch (e.path("operator").asText()) {
                case "In" -> has && listed;
                case "NotIn" -> !has || !listed;
                case "Exists" -> has;
                case "DoesNotExist" -> !has;
                default -> false;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }
}
