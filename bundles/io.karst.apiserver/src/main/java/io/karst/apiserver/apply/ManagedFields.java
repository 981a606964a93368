package io.karst.apiserver.apply;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An object's {@code metadata.managedFields}: per manager (identified as upstream does, by manager, operation,
 * subresource and, for updates, apiVersion), the field set it owns, its apiVersion, whether it applied, and when.
 */
final class ManagedFields {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One manager's fields. {@code time} is RFC 3339 or null. */
    record Entry(FieldSet fields, String apiVersion, boolean applied, String time) {
        Entry withFields(FieldSet newFields) {
            return new Entry(newFields, apiVersion, applied, time);
        }
    }

    private final Map<String, Entry> byManager;

    ManagedFields(Map<String, Entry> byManager) {
        this.byManager = byManager;
    }

    static ManagedFields empty() {
        return new ManagedFields(new LinkedHashMap<>());
    }

    Map<String, Entry> entries() {
        return byManager;
    }

    boolean isEmpty() {
        return byManager.isEmpty();
    }

    ManagedFields copy() {
        return new ManagedFields(new LinkedHashMap<>(byManager));
    }

    /** Upstream's manager identifier: the entry as JSON without fields, time and (when applying) apiVersion. */
    static String identifier(String manager, boolean applied, String apiVersion, String subresource) {
        ObjectNode id = JSON.createObjectNode();
        id.put("manager", manager);
        id.put("operation", applied ? "Apply" : "Update");
        if (!applied && apiVersion != null && !apiVersion.isEmpty()) {
            id.put("apiVersion", apiVersion);
        }
        if (subresource != null && !subresource.isEmpty()) {
            id.put("subresource", subresource);
        }
        return PathElement.compact(id);
    }

    static JsonNode parseIdentifier(String identifier) {
        try {
            return JSON.readTree(identifier);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads {@code metadata.managedFields}; throws IllegalArgumentException with upstream's reason for an entry
     * it cannot read.
     */
    static ManagedFields decode(JsonNode managedFields) {
        ManagedFields result = empty();
        if (managedFields == null || managedFields.isNull()) {
            return result;
        }
        if (!managedFields.isArray()) {
            throw new IllegalArgumentException("managedFields must be a list");
        }
        int i = 0;
        for (JsonNode entry : managedFields) {
            String operation = entry.path("operation").asText("");
            if (!operation.equals("Apply") && !operation.equals("Update")) {
                throw new IllegalArgumentException("operation must be `Apply` or `Update`");
            }
            String apiVersion = entry.path("apiVersion").asText("");
            if (apiVersion.isEmpty()) {
                throw new IllegalArgumentException("apiVersion must not be empty");
            }
            String fieldsType = entry.path("fieldsType").asText("");
            if (fieldsType.isEmpty()) {
                throw new IllegalArgumentException("missing fieldsType in managed fields entry " + i);
            }
            if (!fieldsType.equals("FieldsV1")) {
                throw new IllegalArgumentException("invalid fieldsType \"" + fieldsType
                        + "\" in managed fields entry " + i);
            }
            boolean applied = operation.equals("Apply");
            String id = identifier(entry.path("manager").asText(""), applied, apiVersion,
                    entry.path("subresource").asText(""));
            JsonNode fields = entry.get("fieldsV1");
            FieldSet set = fields == null || fields.isNull() ? new FieldSet() : FieldSet.fromFieldsV1(fields);
            String time = entry.hasNonNull("time") ? entry.get("time").asText() : null;
            result.byManager.put(id, new Entry(set, apiVersion, applied, time));
            i++;
        }
        return result;
    }

    /** Upstream's request to reset: an empty list, or a list of one empty entry. */
    static boolean isReset(JsonNode managedFields) {
        if (managedFields == null || !managedFields.isArray()) {
            return false;
        }
        return managedFields.isEmpty() || (managedFields.size() == 1 && managedFields.get(0).isEmpty());
    }

    /** The entries as stored, in upstream's order: Apply before Update, then by time, manager, apiVersion. */
    ArrayNode encode() {
        record Encoded(ObjectNode node, String operation, String time, String manager, String apiVersion,
                String subresource) {
        }
        List<Encoded> encoded = new ArrayList<>();
        byManager.forEach((id, entry) -> {
            JsonNode parsed = parseIdentifier(id);
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("manager", parsed.path("manager").asText());
            node.put("operation", entry.applied() ? "Apply" : "Update");
            node.put("apiVersion", entry.apiVersion());
            if (entry.time() != null) {
                node.put("time", entry.time());
            }
            node.put("fieldsType", "FieldsV1");
            node.set("fieldsV1", entry.fields().toFieldsV1());
            String subresource = parsed.path("subresource").asText("");
            if (!subresource.isEmpty()) {
                node.put("subresource", subresource);
            }
            encoded.add(new Encoded(node, entry.applied() ? "Apply" : "Update",
                    entry.time() == null ? "" : entry.time(), parsed.path("manager").asText(), entry.apiVersion(),
                    subresource));
        });
        // RFC 3339 seconds in UTC sort as text in time order
        encoded.sort(Comparator.comparing(Encoded::operation).thenComparing(Encoded::time)
                .thenComparing(Encoded::manager).thenComparing(Encoded::apiVersion)
                .thenComparing(Encoded::subresource));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        encoded.forEach(e -> out.add(e.node()));
        return out;
    }
}
