package io.karst.apiserver.table;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reading fields of an object as it arrives in JSON. Absent fields read as Go's zero values (empty string, 0,
 * false, empty list), which is what upstream's printers see after decoding into typed structs.
 */
final class Fields {
    private Fields() {
    }

    /** The node at a path of field names, or a missing node. */
    static JsonNode at(JsonNode node, String... path) {
        JsonNode current = node;
        for (String field : path) {
            if (current == null || !current.isObject()) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            current = current.path(field);
        }
        return current == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : current;
    }

    static boolean present(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return !n.isMissingNode() && !n.isNull();
    }

    static String text(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n.isValueNode() && !n.isNull() ? n.asText() : "";
    }

    static long integer(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n.isNumber() ? n.asLong() : n.isTextual() ? parseLong(n.asText()) : 0;
    }

    static boolean bool(JsonNode node, String... path) {
        return at(node, path).asBoolean(false);
    }

    /** The elements of an array field; an empty list when absent. */
    static List<JsonNode> list(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        List<JsonNode> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(out::add);
        }
        return out;
    }

    /** The number of entries of an array or map field. */
    static int size(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n.isArray() || n.isObject() ? n.size() : 0;
    }

    static String name(ObjectNode obj) {
        return text(obj, "metadata", "name");
    }

    /** An RFC 3339 timestamp field; null when absent or unparseable (Go's zero time). */
    static Instant time(JsonNode node, String... path) {
        String text = text(node, path);
        if (text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Upstream's {@code translateTimestampSince}: the age of a timestamp, {@code <unknown>} when unset. */
    static String since(Instant time, Instant now) {
        return time == null ? "<unknown>" : HumanDuration.format(java.time.Duration.between(time, now));
    }

    static String age(ObjectNode obj, Instant now) {
        return since(time(obj, "metadata", "creationTimestamp"), now);
    }

    /** An IntOrString value as Go's {@code IntOrString.String()} prints it. */
    static String intOrString(JsonNode node) {
        return node.isNumber() ? Long.toString(node.asLong()) : node.asText();
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
