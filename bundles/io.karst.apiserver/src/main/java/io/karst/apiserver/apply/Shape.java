package io.karst.apiserver.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * How field ownership sees a value, read from an OpenAPI schema node as upstream's schema conversion reads it: a
 * struct (named fields), a map (any keys, one value schema), a list (atomic, a set of values, or a map keyed by
 * fields), a scalar, or a deduced value (no schema: objects are maps, lists atomic). A struct or map marked
 * {@code x-kubernetes-map-type: atomic} is owned as a whole.
 */
final class Shape {
    enum Kind { STRUCT, MAP, LIST, SCALAR, DEDUCED }

    enum ListType { ATOMIC, SET, MAP }

    /**
     * Defaults of list key fields, which the apply of an item that leaves the key out takes: upstream reads them
     * from its OpenAPI, whose {@code default}s the schema model (generated from the Java client) does not carry.
     */
    private static final Map<String, Map<String, JsonNode>> KEY_DEFAULTS = Map.of(
            "io.k8s.api.core.v1.ContainerPort", Map.of("protocol", TextNode.valueOf("TCP")),
            "io.k8s.api.core.v1.ServicePort", Map.of("protocol", TextNode.valueOf("TCP")));

    private static final Shape DEDUCED = new Shape(null, null, null, name -> Optional.empty());

    private final JsonNode own;
    private final JsonNode resolved;
    private final String definitionName;
    private final Function<String, Optional<JsonNode>> definitions;

    private Shape(JsonNode own, JsonNode resolved, String definitionName,
            Function<String, Optional<JsonNode>> definitions) {
        this.own = own;
        this.resolved = resolved;
        this.definitionName = definitionName;
        this.definitions = definitions;
    }

    static Shape deduced() {
        return DEDUCED;
    }

    /**
     * @param schema an OpenAPI schema node, possibly a {@code $ref}
     * @param definitions resolves a definition's name (the last segment of a {@code $ref}) to its schema
     */
    static Shape of(JsonNode schema, Function<String, Optional<JsonNode>> definitions) {
        if (schema == null || schema.isMissingNode() || schema.isBoolean()) {
            return DEDUCED;
        }
        JsonNode resolved = schema;
        String name = null;
        JsonNode target = schema;
        if (!schema.has("$ref") && schema.path("allOf").size() == 1 && schema.path("allOf").get(0).has("$ref")) {
            target = schema.path("allOf").get(0);
        }
        if (target.has("$ref")) {
            String ref = target.get("$ref").asText();
            name = ref.substring(ref.lastIndexOf('/') + 1);
            Optional<JsonNode> definition = definitions.apply(name);
            if (definition.isEmpty()) {
                return DEDUCED;
            }
            resolved = definition.get();
        }
        return new Shape(schema, resolved, name, definitions);
    }

    Kind kind() {
        if (resolved == null) {
            return Kind.DEDUCED;
        }
        if (resolved.path("x-kubernetes-int-or-string").asBoolean(false)
                || resolved.path("format").asText("").equals("int-or-string")) {
            return Kind.SCALAR;
        }
        if (resolved.path("properties").size() > 0) {
            return Kind.STRUCT;
        }
        if (resolved.has("additionalProperties") && !resolved.get("additionalProperties").isBoolean()) {
            return Kind.MAP;
        }
        String type = resolved.path("type").asText("");
        if (type.equals("array") || resolved.has("items")) {
            return Kind.LIST;
        }
        return switch (type) {
            case "string", "integer", "number", "boolean" -> Kind.SCALAR;
            default -> Kind.DEDUCED;
        };
    }

    /** A struct or map owned as a whole, or an atomic list. */
    boolean atomic() {
        if (resolved == null) {
            return false;
        }
        if (kind() == Kind.LIST) {
            return listType() == ListType.ATOMIC;
        }
        return "atomic".equals(extension("x-kubernetes-map-type"));
    }

    private String extension(String name) {
        String mine = own == null ? "" : own.path(name).asText("");
        return mine.isEmpty() ? resolved.path(name).asText("") : mine;
    }

    /** A struct's declared field, or empty. */
    Optional<Shape> field(String name) {
        JsonNode property = resolved == null ? null : resolved.path("properties").get(name);
        return property == null ? Optional.empty() : Optional.of(of(property, definitions));
    }

    /** The shape of a child of an object value: a declared field, a map's values, or deduced. */
    Shape child(String name) {
        return switch (kind()) {
            case STRUCT -> field(name).orElse(DEDUCED);
            case MAP -> of(resolved.get("additionalProperties"), definitions);
            default -> DEDUCED;
        };
    }

    /** A custom resource schema's {@code x-kubernetes-preserve-unknown-fields}: undeclared fields are allowed. */
    boolean preservesUnknownFields() {
        return resolved != null && resolved.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    }

    /** Whether {@code name} is a declared struct field (rather than a map key). */
    boolean declares(String name) {
        return kind() == Kind.STRUCT && field(name).isPresent();
    }

    Shape items() {
        JsonNode items = resolved == null ? null : resolved.get("items");
        return items == null ? DEDUCED : of(items, definitions);
    }

    ListType listType() {
        String type = extension("x-kubernetes-list-type");
        switch (type) {
            case "atomic" -> {
                return ListType.ATOMIC;
            }
            case "set" -> {
                return ListType.SET;
            }
            case "map" -> {
                return ListType.MAP;
            }
            default -> {
            }
        }
        String strategy = extension("x-kubernetes-patch-strategy");
        if (strategy.equals("merge") || strategy.equals("merge,retainKeys")) {
            return extension("x-kubernetes-patch-merge-key").isEmpty() ? ListType.SET : ListType.MAP;
        }
        return ListType.ATOMIC;
    }

    /** The key fields of a list of type map. */
    List<String> listKeys() {
        List<String> keys = new ArrayList<>();
        JsonNode marked = own != null && own.has("x-kubernetes-list-map-keys") ? own.get("x-kubernetes-list-map-keys")
                : resolved.path("x-kubernetes-list-map-keys");
        marked.forEach(k -> keys.add(k.asText()));
        if (keys.isEmpty()) {
            String mergeKey = extension("x-kubernetes-patch-merge-key");
            if (!mergeKey.isEmpty()) {
                keys.add(mergeKey);
            }
        }
        return keys;
    }

    /** The default of a key field of this (item) shape, if upstream's schema gives one. */
    Optional<JsonNode> keyDefault(String field) {
        Optional<JsonNode> declared = field(field).map(f -> f.resolved == null ? null : f.resolved.get("default"));
        if (declared.isPresent()) {
            return declared;
        }
        Map<String, JsonNode> defaults = definitionName == null ? null : KEY_DEFAULTS.get(definitionName);
        return defaults == null ? Optional.empty() : Optional.ofNullable(defaults.get(field));
    }
}
