package io.karst.apiserver.endpoint;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.codec.MediaTypes;
import io.karst.apiserver.patch.JsonMergePatch;
import io.karst.apiserver.patch.JsonPatch;
import io.karst.apiserver.patch.PatchException;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * {@code /scale}: an {@code autoscaling/v1 Scale} view of a workload's {@code spec.replicas}, its
 * {@code status.replicas} and its selector as a string, that reads and writes only the replica count.
 */
final class ScaleSubresource {
    private final ObjectStore store;
    private final ObjectWriter writer;

    ScaleSubresource(ObjectStore store, ObjectWriter writer) {
        this.store = store;
        this.writer = writer;
    }

    ApiResponse handle(ResourceRequest request) {
        ObjectNode object = store.get(request.type(), request.namespace(), request.name());
        return switch (request.method()) {
            case "GET" -> ApiResponse.ok(scaleOf(request.type(), object));
            case "PUT" -> ApiResponse.ok(write(request, object,
                    request.decodeObject(writer.codecForSubresources())));
            case "PATCH" -> {
                String type = MediaTypes.essence(request.contentType());
                JsonNode patch = request.decodeBody(writer.codecForSubresources());
                JsonNode patched;
                try {
                    patched = switch (type) {
                        case MediaTypes.MERGE_PATCH -> JsonMergePatch.apply(scaleOf(request.type(), object), patch);
                        case MediaTypes.JSON_PATCH -> JsonPatch.apply(scaleOf(request.type(), object), patch);
                        default -> throw ApiException.unsupportedMediaType(type);
                    };
                } catch (PatchException e) {
                    throw new ApiException(422, "Invalid", e.getMessage(), null);
                }
                yield ApiResponse.ok(write(request, object, (ObjectNode) patched));
            }
            default -> throw ApiException.methodNotAllowed();
        };
    }

    private ObjectNode write(ResourceRequest request, ObjectNode object, ObjectNode scale) {
        JsonNode replicas = scale.path("spec").path("replicas");
        if (!replicas.isIntegralNumber() || replicas.asLong() < 0 || replicas.asLong() > Integer.MAX_VALUE) {
            throw ApiException.invalid("Scale", "autoscaling", request.name(), java.util.List.of(
                    new ApiException.Cause("FieldValueInvalid", "Invalid value: " + replicas
                            + ": must be greater than or equal to 0", "spec.replicas")));
        }
        String rv = ObjectMetadata.text(scale, "resourceVersion");
        long expected = rv.isEmpty() ? 0 : Long.parseLong(rv);
        ObjectNode updated = object.deepCopy();
        JsonNode custom = request.type().custom() ? request.type().customSchema().scale() : null;
        if (custom != null) {
            setPath(updated, custom.path("specReplicasPath").asText(), replicas.asInt());
        } else {
            ((ObjectNode) updated.get("spec")).put("replicas", replicas.asInt());
        }
        return scaleOf(request.type(), writer.replaceFromSubresource(request, updated, expected));
    }

    /**
     * The Scale of a custom resource reads its CRD's paths (upstream: {@code specReplicasPath} and
     * {@code statusReplicasPath}, 0 when absent, {@code labelSelectorPath} as a string); a workload's its spec.
     */
    static ObjectNode scaleOf(ResourceType type, ObjectNode object) {
        JsonNode custom = type.custom() ? type.customSchema().scale() : null;
        if (custom == null) {
            return scaleOf(object);
        }
        ObjectNode scale = scaleOf(object);
        ((ObjectNode) scale.get("spec")).put("replicas", atPath(object, custom.path("specReplicasPath").asText())
                .asInt(0));
        ObjectNode status = (ObjectNode) scale.get("status");
        status.put("replicas", atPath(object, custom.path("statusReplicasPath").asText()).asInt(0));
        status.remove("selector");
        JsonNode selector = atPath(object, custom.path("labelSelectorPath").asText(""));
        if (selector.isTextual()) {
            status.put("selector", selector.asText());
        }
        return scale;
    }

    /** The value at a simple {@code .a.b} path; missing when absent. */
    private static JsonNode atPath(JsonNode object, String path) {
        JsonNode at = object;
        for (String part : path.split("\\.")) {
            if (!part.isEmpty()) {
                at = at.path(part);
            }
        }
        return at;
    }

    private static void setPath(ObjectNode object, String path, int value) {
        String[] parts = path.replaceFirst("^\\.", "").split("\\.");
        ObjectNode at = object;
        for (int i = 0; i < parts.length - 1; i++) {
            at = at.get(parts[i]) instanceof ObjectNode o ? o : at.putObject(parts[i]);
        }
        at.put(parts[parts.length - 1], value);
    }

    static ObjectNode scaleOf(ObjectNode object) {
        ObjectNode scale = JsonNodeFactory.instance.objectNode();
        scale.put("kind", "Scale");
        scale.put("apiVersion", "autoscaling/v1");
        ObjectNode meta = scale.putObject("metadata");
        for (String f : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (object.path("metadata").has(f)) {
                meta.set(f, object.path("metadata").get(f).deepCopy());
            }
        }
        scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(0));
        ObjectNode status = scale.putObject("status");
        status.put("replicas", object.path("status").path("replicas").asInt(0));
        String selector = selectorString(object.path("spec").path("selector"));
        if (!selector.isEmpty()) {
            status.put("selector", selector);
        }
        return scale;
    }

    /** A LabelSelector (or the plain map of a ReplicationController) in query-string form. */
    static String selectorString(JsonNode selector) {
        StringBuilder out = new StringBuilder();
        JsonNode matchLabels = selector.has("matchLabels") || selector.has("matchExpressions")
                ? selector.path("matchLabels") : selector;
        Iterator<Map.Entry<String, JsonNode>> labels = matchLabels.fields();
        java.util.List<String> parts = new java.util.ArrayList<>();
        while (labels.hasNext()) {
            Map.Entry<String, JsonNode> e = labels.next();
            parts.add(e.getKey() + "=" + e.getValue().asText());
        }
        for (JsonNode expr : selector.path("matchExpressions")) {
            String key = expr.path("key").asText();
            java.util.List<String> values = new java.util.ArrayList<>();
            expr.path("values").forEach(v -> values.add(v.asText()));
            java.util.Collections.sort(values);
            switch (expr.path("operator").asText()) {
                case "In" -> parts.add(key + " in (" + String.join(",", values) + ")");
                case "NotIn" -> parts.add(key + " notin (" + String.join(",", values) + ")");
                case "Exists" -> parts.add(key);
                case "DoesNotExist" -> parts.add("!" + key);
                default -> {
                }
            }
        }
        java.util.Collections.sort(parts);
        out.append(String.join(",", parts));
        return out.toString();
    }
}
