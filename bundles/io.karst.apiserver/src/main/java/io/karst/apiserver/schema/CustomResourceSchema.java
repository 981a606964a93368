package io.karst.apiserver.schema;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.FieldError;
import io.karst.apiserver.validation.FieldPath;

/**
 * One custom resource version's structural {@code openAPIV3Schema} applied to its objects as upstream's
 * apiextensions-apiserver does: unknown fields pruned (except below {@code x-kubernetes-preserve-unknown-fields};
 * {@code apiVersion}, {@code kind} and {@code metadata} kept at the root and in embedded resources), {@code default}
 * values filled in, and the value validations (type, nullable, required, enum, minimum/maximum, lengths, pattern,
 * item counts, int32/int64/date-time formats) reported as field errors with upstream's wording.
 * {@code x-kubernetes-validations} (CEL) are not evaluated.
 */
public final class CustomResourceSchema {
    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private final JsonNode schema;
    private final JsonNode printerColumns;
    private final JsonNode scale;

    public CustomResourceSchema(JsonNode schema) {
        this(schema, null, null);
    }

    /**
     * @param printerColumns the version's {@code additionalPrinterColumns}, which its Tables print; null or
     *        empty for upstream's default (Name, Age)
     */
    /**
     * @param scale the version's {@code subresources.scale} ({@code specReplicasPath}, {@code statusReplicasPath},
     *        {@code labelSelectorPath}); null without a scale subresource
     */
    public CustomResourceSchema(JsonNode schema, JsonNode printerColumns, JsonNode scale) {
        this.schema = schema;
        this.printerColumns = printerColumns;
        this.scale = scale;
    }

    /** The version's {@code openAPIV3Schema} as the CustomResourceDefinition gives it. */
    public JsonNode json() {
        return schema;
    }

    /** The version's {@code subresources.scale}; null when it has none. */
    public JsonNode scale() {
        return scale;
    }

    /** The version's {@code additionalPrinterColumns}; null when it has none. */
    public JsonNode printerColumns() {
        return printerColumns;
    }

    /**
     * Removes the fields the schema does not know; returns upstream's {@code unknown field "a.b"} messages, sorted.
     */
    public List<String> prune(ObjectNode object) {
        List<String> unknown = new ArrayList<>();
        prune(schema, object, "", true, unknown);
        unknown.sort(null); // upstream reports them sorted
        return unknown;
    }

    private static void prune(JsonNode s, JsonNode value, String path, boolean root, List<String> unknown) {
        if (s == null || value == null) {
            return;
        }
        if (value instanceof ObjectNode o) {
            boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            boolean embedded = root || s.path("x-kubernetes-embedded-resource").asBoolean(false);
            JsonNode properties = s.get("properties");
            JsonNode additional = s.get("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (embedded && ROOT_FIELDS.contains(e.getKey())) {
                    continue;
                }
                if (properties != null && properties.has(e.getKey())) {
                    prune(properties.get(e.getKey()), e.getValue(), child, false, unknown);
                } else if (additional != null && additional.isObject()) {
                    prune(additional, e.getValue(), child, false, unknown);
                } else if (!preserve && !(additional != null && additional.asBoolean(false))) {
                    unknown.add("unknown field \"" + child + "\"");
                    it.remove();
                }
            }
        } else if (value instanceof ArrayNode a && s.has("items")) {
            for (int i = 0; i < a.size(); i++) {
                prune(s.get("items"), a.get(i), path + "[" + i + "]", false, unknown);
            }
        }
    }

    /** Fills in the schema's defaults where fields are absent (and, for non-nullable fields, null). */
    public void applyDefaults(JsonNode value) {
        defaults(schema, value);
    }

    private static void defaults(JsonNode s, JsonNode value) {
        if (value instanceof ObjectNode o) {
            JsonNode properties = s.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode d = e.getValue().get("default");
                JsonNode current = o.get(e.getKey());
                boolean nullable = e.getValue().path("nullable").asBoolean(false);
                if (d != null && (current == null || (current.isNull() && !nullable))) {
                    o.set(e.getKey(), d.deepCopy());
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode child = properties.has(e.getKey()) ? properties.get(e.getKey())
                        : s.path("additionalProperties").isObject() ? s.get("additionalProperties") : null;
                if (child != null) {
                    defaults(child, e.getValue());
                }
            }
        } else if (value instanceof ArrayNode a && s.path("items").isObject()) {
            for (JsonNode item : a) {
                defaults(s.get("items"), item);
            }
        }
    }

    /** The value errors of {@code object}, as upstream's schema validation words them. */
    public List<FieldError> validate(ObjectNode object) {
        List<FieldError> errs = new ArrayList<>();
        ObjectNode withoutMeta = object.deepCopy();
        withoutMeta.remove(List.of("apiVersion", "kind", "metadata"));
        validateObjectFields(schema, withoutMeta, null, errs);
        return errs;
    }

    private static void validate(JsonNode s, JsonNode v, FieldPath path, List<FieldError> errs) {
        String name = path.toString();
        if (v.isNull()) {
            if (!s.path("nullable").asBoolean(false) && s.has("type")) {
                errs.add(FieldError.invalid(path, "null", name + " in body must be of type "
                        + s.get("type").asText() + ": \"null\""));
            }
            return;
        }
        String type = s.path("type").asText("");
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!v.isIntegralNumber() && !v.isTextual()) {
                errs.add(FieldError.invalid(path, typeOf(v), name + " in body must be of type integer,string: \""
                        + typeOf(v) + "\""));
                return;
            }
        } else if (!type.isEmpty() && !hasType(v, type)) {
            errs.add(FieldError.invalid(path, typeOf(v), name + " in body must be of type " + type + ": \""
                    + typeOf(v) + "\""));
            return;
        }
        if (s.has("enum")) {
            boolean found = false;
            List<String> allowed = new ArrayList<>();
            for (JsonNode e : s.get("enum")) {
                found |= e.equals(v);
                allowed.add(e.isTextual() ? e.asText() : e.toString());
            }
            if (!found) {
                errs.add(FieldError.notSupported(path, v.isTextual() ? v.asText() : v.toString(), allowed));
            }
        }
        if (v.isNumber()) {
            numeric(s, v, path, errs);
        } else if (v.isTextual()) {
            text(s, v.asText(), path, errs);
        } else if (v instanceof ArrayNode a) {
            if (s.has("maxItems") && a.size() > s.get("maxItems").asInt()) {
                errs.add(FieldError.tooMany(path, a.size(), s.get("maxItems").asInt()));
            }
            if (s.has("minItems") && a.size() < s.get("minItems").asInt()) {
                errs.add(FieldError.invalid(path, a.size(), name + " in body should have at least "
                        + s.get("minItems").asInt() + " items"));
            }
            if (s.path("items").isObject()) {
                for (int i = 0; i < a.size(); i++) {
                    validate(s.get("items"), a.get(i), path.index(i), errs);
                }
            }
        } else if (v instanceof ObjectNode o) {
            if (s.path("x-kubernetes-embedded-resource").asBoolean(false)) {
                for (String required : List.of("apiVersion", "kind")) {
                    if (!o.path(required).isTextual() || o.get(required).asText().isEmpty()) {
                        errs.add(FieldError.required(path.child(required), "must not be empty"));
                    }
                }
                ObjectNode body = o.deepCopy();
                body.remove(List.of("apiVersion", "kind", "metadata"));
                validateObjectFields(s, body, path, errs);
            } else {
                validateObjectFields(s, o, path, errs);
            }
        }
    }

    private static void validateObjectFields(JsonNode s, ObjectNode o, FieldPath path, List<FieldError> errs) {
        for (JsonNode required : s.path("required")) {
            if (!o.has(required.asText())) {
                errs.add(FieldError.required(child(path, required.asText()), ""));
            }
        }
        if (s.has("maxProperties") && o.size() > s.get("maxProperties").asInt()) {
            errs.add(FieldError.tooMany(path == null ? FieldPath.root("<root>") : path, o.size(),
                    s.get("maxProperties").asInt()));
        }
        JsonNode properties = s.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode child = properties.has(e.getKey()) ? properties.get(e.getKey())
                    : s.path("additionalProperties").isObject() ? s.get("additionalProperties") : null;
            if (child != null) {
                FieldPath p = properties.has(e.getKey()) ? child(path, e.getKey())
                        : path == null ? FieldPath.root(e.getKey()) : path.key(e.getKey());
                validate(child, e.getValue(), p, errs);
            }
        }
    }

    private static FieldPath child(FieldPath path, String name) {
        return path == null ? FieldPath.root(name) : path.child(name);
    }

    private static void numeric(JsonNode s, JsonNode v, FieldPath path, List<FieldError> errs) {
        String name = path.toString();
        double d = v.asDouble();
        Object shown = v.isIntegralNumber() ? (Object) v.asLong() : (Object) d;
        if (s.has("maximum")) {
            double max = s.get("maximum").asDouble();
            boolean exclusive = s.path("exclusiveMaximum").asBoolean(false);
            if (exclusive ? d >= max : d > max) {
                errs.add(FieldError.invalid(path, shown, name + " in body should be less than "
                        + (exclusive ? "" : "or equal to ") + number(s.get("maximum"))));
            }
        }
        if (s.has("minimum")) {
            double min = s.get("minimum").asDouble();
            boolean exclusive = s.path("exclusiveMinimum").asBoolean(false);
            if (exclusive ? d <= min : d < min) {
                errs.add(FieldError.invalid(path, shown, name + " in body should be greater than "
                        + (exclusive ? "" : "or equal to ") + number(s.get("minimum"))));
            }
        }
        if (s.has("multipleOf") && s.get("multipleOf").asDouble() != 0
                && Math.IEEEremainder(d, s.get("multipleOf").asDouble()) != 0) {
            errs.add(FieldError.invalid(path, shown, name + " in body should be a multiple of "
                    + number(s.get("multipleOf"))));
        }
        String format = s.path("format").asText("");
        if (format.equals("int32") && v.isIntegralNumber() && (v.asLong() > Integer.MAX_VALUE
                || v.asLong() < Integer.MIN_VALUE)) {
            errs.add(FieldError.invalid(path, shown, name + " in body must be of type int32: \"" + v + "\""));
        }
        if (format.equals("int64") && v.isIntegralNumber() && !v.canConvertToLong()) {
            errs.add(FieldError.invalid(path, v.toString(), name + " in body must be of type int64: \"" + v + "\""));
        }
    }

    private static String number(JsonNode n) {
        return n.isIntegralNumber() || n.asDouble() == Math.rint(n.asDouble()) ? Long.toString(n.asLong())
                : n.asText();
    }

    private static void text(JsonNode s, String value, FieldPath path, List<FieldError> errs) {
        String name = path.toString();
        int length = value.codePointCount(0, value.length());
        if (s.has("maxLength") && length > s.get("maxLength").asInt()) {
            errs.add(FieldError.tooLong(path, s.get("maxLength").asInt()));
        }
        if (s.has("minLength") && length < s.get("minLength").asInt()) {
            errs.add(FieldError.invalid(path, value, name + " in body should be at least "
                    + s.get("minLength").asInt() + " chars long"));
        }
        if (s.has("pattern")) {
            try {
                if (!Pattern.compile(s.get("pattern").asText()).matcher(value).find()) {
                    errs.add(FieldError.invalid(path, value, name + " in body should match '"
                            + s.get("pattern").asText() + "'"));
                }
            } catch (PatternSyntaxException e) {
                errs.add(FieldError.invalid(path, value, "the schema's pattern does not compile: " + e.getMessage()));
            }
        }
        if (s.path("format").asText("").equals("date-time")) {
            try {
                OffsetDateTime.parse(value);
            } catch (DateTimeParseException e) {
                errs.add(FieldError.invalid(path, value, name + " in body must be of type date-time: \"" + value
                        + "\""));
            }
        }
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "boolean" -> v.isBoolean();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            default -> true;
        };
    }

    private static String typeOf(JsonNode v) {
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        if (v.isIntegralNumber()) {
            return "integer";
        }
        return v.isNumber() ? "number" : "null";
    }
}
