package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Upstream's structural-schema rules for a CustomResourceDefinition version's {@code openAPIV3Schema}: every node
 * specifies its {@code type} (unless it is int-or-string or preserves unknown fields), the root is an object,
 * {@code properties} and {@code additionalProperties} exclude each other, and the value-validation keywords
 * ({@code allOf}, {@code anyOf}, {@code oneOf}, {@code not}) may not bring in types or defaults of their own.
 * A schema failing them is refused, as kube-apiserver refuses non-structural schemas in apiextensions/v1.
 */
final class StructuralSchemaValidation {
    private enum Level { ROOT, ITEM, FIELD }

    private static final Set<String> TYPES = Set.of("array", "boolean", "integer", "number", "object", "string");
    private static final List<String> LOGIC = List.of("allOf", "anyOf", "oneOf", "not");

    private StructuralSchemaValidation() {
    }

    static List<FieldError> validate(JsonNode schema, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        node(schema, path, Level.ROOT, errs);
        return errs;
    }

    private static void node(JsonNode s, FieldPath path, Level level, List<FieldError> errs) {
        if (!s.isObject()) {
            errs.add(FieldError.invalid(path, GoValues.OMIT, "must be a JSON schema object"));
            return;
        }
        String type = s.path("type").asText("");
        boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
        boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        boolean embedded = s.path("x-kubernetes-embedded-resource").asBoolean(false);
        if (s.has("$ref")) {
            errs.add(FieldError.forbidden(path.child("$ref"), "$ref is not supported"));
        }
        if (!type.isEmpty() && !TYPES.contains(type)) {
            errs.add(FieldError.notSupported(path.child("type"), type,
                    List.of("array", "boolean", "integer", "number", "object", "string")));
        }
        if (intOrString && !type.isEmpty()) {
            errs.add(FieldError.invalid(path.child("type"), type, "must be empty if x-kubernetes-int-or-string is true"));
        }
        if (embedded && !type.equals("object")) {
            errs.add(type.isEmpty()
                    ? FieldError.required(path.child("type"), "must be object if x-kubernetes-embedded-resource is true")
                    : FieldError.invalid(path.child("type"), type, "must be object if x-kubernetes-embedded-resource is true"));
        } else if (type.isEmpty() && !intOrString && !preserve) {
            errs.add(FieldError.required(path.child("type"), switch (level) {
                case ROOT -> "must not be empty at the root";
                case ITEM -> "must not be empty for specified array items";
                case FIELD -> "must not be empty for specified object fields";
            }));
        }
        if (level == Level.ROOT && !type.isEmpty() && !type.equals("object")) {
            errs.add(FieldError.invalid(path.child("type"), type, "must be object at the root"));
        }
        if (s.has("properties") && s.has("additionalProperties")) {
            errs.add(FieldError.forbidden(path.child("additionalProperties"),
                    "additionalProperties and properties are mutual exclusive"));
        }
        if (s.path("uniqueItems").asBoolean(false)) {
            errs.add(FieldError.forbidden(path.child("uniqueItems"),
                    "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }
        for (String logic : LOGIC) {
            if (s.has(logic)) {
                logicOnly(s.get(logic), path.child(logic), errs);
            }
        }
        JsonNode properties = s.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            node(e.getValue(), path.child("properties").key(e.getKey()), Level.FIELD, errs);
        }
        if (s.path("additionalProperties").isObject()) {
            node(s.get("additionalProperties"), path.child("additionalProperties"), Level.FIELD, errs);
        }
        if (s.has("items")) {
            if (s.get("items").isArray()) {
                errs.add(FieldError.forbidden(path.child("items"), "items must be a schema object and not an array"));
            } else {
                node(s.get("items"), path.child("items"), Level.ITEM, errs);
            }
        }
        if (type.equals("array") && !s.has("items")) {
            errs.add(FieldError.required(path.child("items"), "must be specified"));
        }
    }

    /** Inside allOf/anyOf/oneOf/not only value validations may appear, never type, default or nullable. */
    private static void logicOnly(JsonNode value, FieldPath path, List<FieldError> errs) {
        if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                logicOnly(value.get(i), path.index(i), errs);
            }
            return;
        }
        for (String forbidden : List.of("type", "default", "nullable", "x-kubernetes-preserve-unknown-fields",
                "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string")) {
            if (value.has(forbidden)) {
                errs.add(FieldError.forbidden(path.child(forbidden), "must be empty to be structural"));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.path("properties").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            logicOnly(e.getValue(), path.child("properties").key(e.getKey()), errs);
        }
        if (value.path("items").isObject()) {
            logicOnly(value.get("items"), path.child("items"), errs);
        }
    }
}
