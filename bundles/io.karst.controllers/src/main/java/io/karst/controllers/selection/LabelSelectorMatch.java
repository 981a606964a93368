package io.karst.controllers.selection;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A metav1 {@code LabelSelector} ({@code matchLabels} and {@code matchExpressions} with In, NotIn, Exists,
 * DoesNotExist), as controllers apply it. A missing selector matches nothing and an empty one everything, as
 * upstream's {@code LabelSelectorAsSelector} decides.
 */
public final class LabelSelectorMatch {
    private final JsonNode selector;

    private LabelSelectorMatch(JsonNode selector) {
        this.selector = selector;
    }

    public static LabelSelectorMatch of(JsonNode selector) {
        return new LabelSelectorMatch(selector);
    }

    /** Whether an object with these {@code metadata.labels} is selected. */
    public boolean matches(JsonNode labels) {
        if (selector == null || selector.isMissingNode() || selector.isNull()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText();
            Set<String> values = new HashSet<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            boolean has = labels.has(key);
            String value = labels.path(key).asText(null);
            boolean ok = switch (expression.path("operator").asText()) {
                case "In" -> has && values.contains(value);
                case "NotIn" -> !has || !values.contains(value);
                case "Exists" -> has;
                case "DoesNotExist" -> !has;
                default -> false; // validation refuses other operators; select nothing rather than guess
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
