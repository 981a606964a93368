package io.karst.apiserver.endpoint;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reading and writing the {@code metadata} of an object tree. */
public final class ObjectMetadata {
    private ObjectMetadata() {
    }

    public static ObjectNode of(ObjectNode object) {
        JsonNode m = object.get("metadata");
        if (m instanceof ObjectNode meta) {
            return meta;
        }
        return object.putObject("metadata");
    }

    public static String text(ObjectNode object, String field) {
        JsonNode m = object.get("metadata");
        if (m == null || !m.has(field) || m.get(field).isNull()) {
            return "";
        }
        return m.get(field).asText();
    }

    public static String name(ObjectNode object) {
        return text(object, "name");
    }

    public static String namespace(ObjectNode object) {
        return text(object, "namespace");
    }

    public static String uid(ObjectNode object) {
        return text(object, "uid");
    }

    public static long resourceVersion(ObjectNode object) {
        String rv = text(object, "resourceVersion");
        return rv.isEmpty() ? 0 : Long.parseLong(rv);
    }

    public static boolean deleting(ObjectNode object) {
        return !text(object, "deletionTimestamp").isEmpty();
    }

    public static ArrayNode finalizers(ObjectNode object) {
        JsonNode f = of(object).get("finalizers");
        return f instanceof ArrayNode a ? a : null;
    }

    public static boolean hasFinalizers(ObjectNode object) {
        ArrayNode f = finalizers(object);
        return f != null && !f.isEmpty();
    }

    public static boolean hasFinalizer(ObjectNode object, String finalizer) {
        ArrayNode f = finalizers(object);
        if (f == null) {
            return false;
        }
        for (JsonNode n : f) {
            if (n.asText().equals(finalizer)) {
                return true;
            }
        }
        return false;
    }

    public static void addFinalizer(ObjectNode object, String finalizer) {
        if (!hasFinalizer(object, finalizer)) {
            ArrayNode f = finalizers(object);
            (f == null ? of(object).putArray("finalizers") : f).add(finalizer);
        }
    }

    /** RFC 3339 with second precision and a Z, as metav1.Time serializes. */
    public static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
