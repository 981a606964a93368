package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Null-tolerant reads of Jackson trees. Structural checks (types, required shapes) belong to the schema layer, so
 * these readers treat a missing or JSON-null field as absent and never throw on an unexpected type.
 */
public final class Json {
    private Json() {
    }

    public static boolean has(JsonNode n, String field) {
        return n != null && n.hasNonNull(field);
    }

    /** The child object, or null when absent or not an object. */
    public static ObjectNode obj(JsonNode n, String field) {
        if (n == null) {
            return null;
        }
        JsonNode c = n.get(field);
        return c instanceof ObjectNode o ? o : null;
    }

    /** The child object, created when missing. */
    public static ObjectNode objOrCreate(ObjectNode n, String field) {
        JsonNode c = n.get(field);
        if (c instanceof ObjectNode o) {
            return o;
        }
        return n.putObject(field);
    }

    /** The elements of an array field; empty when absent. */
    public static List<JsonNode> list(JsonNode n, String field) {
        List<JsonNode> out = new ArrayList<>();
        if (n != null && n.get(field) instanceof ArrayNode a) {
            a.forEach(out::add);
        }
        return out;
    }

    /** The object elements of an array field; non-objects are skipped. */
    public static List<ObjectNode> objects(JsonNode n, String field) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode e : list(n, field)) {
            if (e instanceof ObjectNode o) {
                out.add(o);
            }
        }
        return out;
    }

    /** The text of a field; "" when absent. Numbers and booleans are given as their JSON text. */
    public static String text(JsonNode n, String field) {
        if (!has(n, field)) {
            return "";
        }
        JsonNode c = n.get(field);
        return c.isValueNode() ? c.asText() : c.toString();
    }

    /** The text of a field, or null when absent. */
    public static String textOrNull(JsonNode n, String field) {
        return has(n, field) ? text(n, field) : null;
    }

    /** An integer field, or null when absent or not a number. */
    public static Long integer(JsonNode n, String field) {
        if (!has(n, field) || !n.get(field).isNumber()) {
            return null;
        }
        return n.get(field).asLong();
    }

    public static long integer(JsonNode n, String field, long dflt) {
        Long v = integer(n, field);
        return v == null ? dflt : v;
    }

    public static boolean bool(JsonNode n, String field) {
        return has(n, field) && n.get(field).asBoolean(false);
    }

    /** A string map field (labels, annotations, data), in document order; null when absent. */
    public static Map<String, String> stringMap(JsonNode n, String field) {
        ObjectNode o = obj(n, field);
        if (o == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = o.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            out.put(e.getKey(), v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
        }
        return out;
    }

    /** Like {@link #stringMap} but empty instead of null. */
    public static Map<String, String> stringMapOrEmpty(JsonNode n, String field) {
        Map<String, String> m = stringMap(n, field);
        return m == null ? new LinkedHashMap<>() : m;
    }

    /** The strings of an array field. */
    public static List<String> strings(JsonNode n, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : list(n, field)) {
            out.add(e.isValueNode() ? e.asText() : e.toString());
        }
        return out;
    }

    /** Sets a field only when it is absent or JSON null. */
    public static boolean putIfAbsent(ObjectNode n, String field, String value) {
        if (has(n, field)) {
            return false;
        }
        n.put(field, value);
        return true;
    }

    public static boolean putIfAbsent(ObjectNode n, String field, long value) {
        if (has(n, field)) {
            return false;
        }
        putNumber(n, field, value);
        return true;
    }

    /** Stores an integer as the node type a parser would produce for it (int when it fits), so trees compare equal. */
    public static void putNumber(ObjectNode n, String field, long value) {
        if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            n.put(field, (int) value);
        } else {
            n.put(field, value);
        }
    }

    public static boolean putIfAbsent(ObjectNode n, String field, boolean value) {
        if (has(n, field)) {
            return false;
        }
        n.put(field, value);
        return true;
    }

    /** Sets a string field when absent or empty ("" counts as unset for Go string fields). */
    public static boolean putIfEmpty(ObjectNode n, String field, String value) {
        if (!text(n, field).isEmpty()) {
            return false;
        }
        n.put(field, value);
        return true;
    }
}
