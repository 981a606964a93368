package io.karst.controllers.podautoscaler;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An HPA's status conditions as upstream's {@code setCondition}: one per type, in the order they were first set;
 * the transition time moves only when the status changes.
 */
final class StatusConditions {
    private final ArrayNode conditions;
    private final Instant now;

    StatusConditions(JsonNode existing, Instant now) {
        this.conditions = existing != null && existing.isArray() ? ((ArrayNode) existing).deepCopy()
                : JsonNodeFactory.instance.arrayNode();
        this.now = now;
    }

    void set(String type, boolean status, String reason, String message) {
        String value = status ? "True" : "False";
        ObjectNode condition = null;
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals(type)) {
                condition = (ObjectNode) c;
            }
        }
        if (condition == null) {
            condition = conditions.addObject();
            condition.put("type", type);
        }
        if (!value.equals(condition.path("status").asText()) || !condition.has("lastTransitionTime")) {
            condition.put("lastTransitionTime", now.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        condition.put("status", value);
        condition.put("reason", reason);
        condition.put("message", message);
        // keep the field order stable: type, status, lastTransitionTime, reason, message
        ObjectNode ordered = JsonNodeFactory.instance.objectNode();
        for (String field : new String[] {"type", "status", "lastTransitionTime", "reason", "message"}) {
            ordered.set(field, condition.get(field));
        }
        condition.removeAll();
        condition.setAll(ordered);
    }

    ArrayNode toJson() {
        return conditions;
    }
}
