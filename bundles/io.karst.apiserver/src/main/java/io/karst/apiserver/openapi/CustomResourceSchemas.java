package io.karst.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karst.apiserver.schema.SchemaModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The definitions upstream's apiextensions-apiserver publishes for one custom resource version: the kind, named
 * {@code com.example.stable.v1.CronTab} (the group reversed), and its list kind. The kind is the CRD's structural
 * schema as upstream carries it (only what a structural schema holds, int-or-string unfolded into
 * {@code anyOf: [integer, string]}), with apiVersion, kind and metadata (ObjectMeta by reference) added at the root
 * and in every embedded resource. The swagger 2.0 form drops what v2 and kubectl cannot take: the logic junctors,
 * the types of nullable and preserve-unknown-fields fields (with their properties and items), nullable fields from
 * {@code required}, and all defaults; a root that preserves unknown fields is published as a bare object.
 */
final class CustomResourceSchemas {

  static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
  static final String LIST_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String PRESERVE = "x-kubernetes-preserve-unknown-fields";
  private static final String EMBEDDED = "x-kubernetes-embedded-resource";
  private static final String INT_OR_STRING = "x-kubernetes-int-or-string";
  /** What upstream's structural schema keeps of a JSONSchemaProps node besides items/properties/junctors. */
  private static final Set<String> KEPT = Set.of("type", "description", "title", "default", "nullable",
      "externalDocs", "format", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
      "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf", "enum", "maxProperties",
      "minProperties", "required", PRESERVE, EMBEDDED, INT_OR_STRING, "x-kubernetes-list-map-keys",
      "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-validations");
  /** What a value validation inside allOf/anyOf/oneOf/not keeps (no generic fields but int-or-string's type). */
  private static final Set<String> NESTED_KEPT = Set.of("type", "format", "maximum", "exclusiveMaximum", "minimum",
      "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf",
      "enum", "maxProperties", "minProperties", "required", "x-kubernetes-validations");
  private static final List<String> JUNCTORS = List.of("allOf", "anyOf", "oneOf");
  /** The documentation upstream gives apiVersion and kind in an embedded resource (not TypeMeta's own). */
  private static final String EMBEDDED_API_VERSION = "apiVersion defines the versioned schema of this"
      + " representation of an object. More info:"
      + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
  private static final String EMBEDDED_KIND = "kind is a string value representing the type of this object. In"
      + " CamelCase. More info:"
      + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
  /** PartialObjectMetadata's and PartialObjectMetadataList's documentation of their metadata. */
  private static final String OBJECT_METADATA = "Standard object's metadata. More info:"
      + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
  private static final String LIST_METADATA = "Standard list metadata. More info:"
      + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

  private final SchemaModel model;
  private final boolean v2;
  private final String refPrefix;

  /**
   * @param v2 the swagger 2.0 form (refs to #/definitions/) rather than OpenAPI v3's (#/components/schemas/)
   */
  CustomResourceSchemas(SchemaModel model, boolean v2) {
    this.model = model;
    this.v2 = v2;
    this.refPrefix = v2 ? "#/definitions/" : "#/components/schemas/";
  }

  /** com.example.stable.v1.CronTab: upstream's REST-friendly name of group/version.Kind, the group reversed. */
  static String definitionName(String group, String version, String kind) {
    String[] parts = group.split("\\.");
    StringBuilder reversed = new StringBuilder();
    for (int i = parts.length - 1; i >= 0; i--) {
      reversed.append(parts[i]).append('.');
    }
    return reversed + version + "." + kind;
  }

  /** The kind's definition and the list kind's, by name. */
  Map<String, ObjectNode> definitions(CustomResourceVersion v) {
    Map<String, ObjectNode> defs = new TreeMap<>();
    defs.put(definitionName(v.group(), v.version(), v.kind()), kind(v));
    defs.put(definitionName(v.group(), v.version(), v.listKind()), list(v));
    return defs;
  }

  ObjectNode kind(CustomResourceVersion v) {
    ObjectNode out;
    if (v.schema() == null || (v2 && (v.preserveUnknownFields() || v.schema().path(PRESERVE).asBoolean()))) {
      // kubectl takes a v2 object with properties as closed: publish nothing it would refuse unknown fields by
      out = NODES.objectNode().put("type", "object");
    } else {
      out = structural(v.schema());
      unfold(out);
      if (v2) {
        toV2(out);
        pruneDefaults(out);
      }
      ObjectNode properties = out.with("properties");
      properties.set("metadata", ref(OBJECT_META, OBJECT_METADATA));
      properties.set("apiVersion", typeMeta("apiVersion", null));
      properties.set("kind", typeMeta("kind", null));
      out.set("properties", sorted(properties));
      addEmbeddedProperties(out);
    }
    out.set("x-kubernetes-group-version-kind", gvk(v.group(), v.version(), v.kind()));
    return out;
  }

  ObjectNode list(CustomResourceVersion v) {
    ObjectNode out = NODES.objectNode();
    out.put("description", v.listKind() + " is a list of " + v.kind());
    out.put("type", "object");
    out.putArray("required").add("items");
    ObjectNode properties = NODES.objectNode();
    properties.set("apiVersion", typeMeta("apiVersion", null));
    ObjectNode items = properties.putObject("items");
    items.put("description", "List of " + v.plural()
        + ". More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md");
    items.put("type", "array");
    items.putObject("items").put("$ref", refPrefix + definitionName(v.group(), v.version(), v.kind()));
    properties.set("kind", typeMeta("kind", null));
    properties.set("metadata", ref(LIST_META, LIST_METADATA));
    out.set("properties", properties);
    out.set("x-kubernetes-group-version-kind", gvk(v.group(), v.version(), v.listKind()));
    return out;
  }

  private static ArrayNode gvk(String group, String version, String kind) {
    ArrayNode list = NODES.arrayNode();
    list.addObject().put("group", group).put("kind", kind).put("version", version);
    return list;
  }

  private ObjectNode ref(String definition, String description) {
    return NODES.objectNode().put("$ref", refPrefix + definition).put("description", description);
  }

  /** TypeMeta's apiVersion or kind as every kind carries it (taken from meta.v1.Status, which has both). */
  private ObjectNode typeMeta(String field, String description) {
    ObjectNode property = model.definition(ResourcePaths.STATUS).map(t -> t.json().path("properties").path(field))
        .filter(JsonNode::isObject).map(n -> ((ObjectNode) n).deepCopy())
        .orElseGet(() -> NODES.objectNode().put("type", "string"));
    if (description != null) {
      property.put("description", description);
    }
    return property;
  }

  /** The parts of a JSONSchemaProps node that upstream's structural schema keeps, properties sorted by name. */
  private static ObjectNode structural(JsonNode s) {
    ObjectNode out = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (key.equals("properties") && value.isObject()) {
        ObjectNode properties = NODES.objectNode();
        value.fields().forEachRemaining(p -> properties.set(p.getKey(), structural(p.getValue())));
        out.set(key, sorted(properties));
      } else if (key.equals("items") && value.isObject()) {
        out.set(key, structural(value));
      } else if (key.equals("additionalProperties")) {
        out.set(key, value.isObject() ? structural(value) : value);
      } else if (JUNCTORS.contains(key) && value.isArray()) {
        ArrayNode list = out.putArray(key);
        value.forEach(n -> list.add(nested(n)));
      } else if (key.equals("not") && value.isObject()) {
        out.set(key, nested(value));
      } else if (KEPT.contains(key) && !omitted(key, value)) {
        out.set(key, value.deepCopy());
      }
    }
    return out;
  }

  private static ObjectNode nested(JsonNode s) {
    ObjectNode out = NODES.objectNode();
    s.fields().forEachRemaining(e -> {
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (key.equals("properties") && value.isObject()) {
        ObjectNode properties = NODES.objectNode();
        value.fields().forEachRemaining(p -> properties.set(p.getKey(), nested(p.getValue())));
        out.set(key, sorted(properties));
      } else if (key.equals("items") && value.isObject()) {
        out.set(key, nested(value));
      } else if (JUNCTORS.contains(key) && value.isArray()) {
        ArrayNode list = out.putArray(key);
        value.forEach(n -> list.add(nested(n)));
      } else if (key.equals("not") && value.isObject()) {
        out.set(key, nested(value));
      } else if (NESTED_KEPT.contains(key) && !omitted(key, value)) {
        out.set(key, value.deepCopy());
      }
    });
    return out;
  }

  /** Go leaves out false flags and empty strings and lists (omitempty); so does the published schema. */
  private static boolean omitted(String key, JsonNode value) {
    return (value.isBoolean() && !value.asBoolean() && !key.equals("default"))
        || (value.isTextual() && value.asText().isEmpty() && !key.equals("default"))
        || (value.isArray() && value.isEmpty() && !key.equals("default")) || value.isNull();
  }

  /**
   * Upstream's Unfold: an int-or-string field without the {@code anyOf: [integer, string]} pattern gets it, as
   * {@code anyOf} or, when it has another anyOf, as the first allOf.
   */
  private static void unfold(ObjectNode s) {
    children(s).forEach(CustomResourceSchemas::unfold);
    if (!s.path(INT_OR_STRING).asBoolean() || intOrStringPattern(s.get("anyOf"))
        || intOrStringPattern(s.path("allOf").path(0).get("anyOf"))) {
      return;
    }
    if (!s.has("anyOf")) {
      s.set("anyOf", intOrString());
    } else {
      ArrayNode allOf = NODES.arrayNode();
      allOf.addObject().set("anyOf", intOrString());
      if (s.get("allOf") instanceof ArrayNode existing) {
        allOf.addAll(existing);
      }
      s.set("allOf", allOf);
    }
  }

  private static ArrayNode intOrString() {
    ArrayNode anyOf = NODES.arrayNode();
    anyOf.addObject().put("type", "integer");
    anyOf.addObject().put("type", "string");
    return anyOf;
  }

  private static boolean intOrStringPattern(JsonNode anyOf) {
    return anyOf != null && anyOf.equals(intOrString());
  }

  /** Upstream's ToStructuralOpenAPIV2, applied parent first as its visitor does. */
  private static void toV2(ObjectNode s) {
    JUNCTORS.forEach(s::remove);
    s.remove("not");
    if (s.path("nullable").asBoolean()) {
      // kubectl refuses null for a typed field: leave the type out, and with it properties and items
      s.remove(List.of("type", "nullable", "items", "properties"));
    }
    if (s.path(PRESERVE).asBoolean()) {
      s.remove(List.of("items", "properties"));
    }
    if (!s.has("items") && s.path("type").asText().equals("array")) {
      s.remove("type");
    }
    if (s.path(PRESERVE).asBoolean() && s.path("type").asText().equals("object")) {
      s.remove("type");
    }
    if (s.get("required") instanceof ArrayNode required) {
      List<String> kept = new ArrayList<>();
      required.forEach(r -> {
        if (!s.path("properties").path(r.asText()).path("nullable").asBoolean()) {
          kept.add(r.asText());
        }
      });
      if (s.path("additionalProperties").path("nullable").asBoolean() || kept.isEmpty()) {
        s.remove("required");
      } else if (kept.size() != required.size()) {
        ArrayNode list = s.putArray("required");
        kept.forEach(list::add);
      }
    }
    children(s).forEach(CustomResourceSchemas::toV2);
  }

  /** The static v2 document has its defaults pruned; upstream prunes the CRDs' too, so they merge cleanly. */
  private static void pruneDefaults(ObjectNode s) {
    s.remove("default");
    children(s).forEach(CustomResourceSchemas::pruneDefaults);
  }

  /**
   * apiVersion, kind and metadata in every {@code x-kubernetes-embedded-resource}, both required; not in v2 below
   * preserve-unknown-fields, where they would make kubectl refuse the unknown fields the schema allows.
   */
  private void addEmbeddedProperties(ObjectNode s) {
    children(s).forEach(this::addEmbeddedProperties);
    if (v2 && s.path(PRESERVE).asBoolean()) {
      return;
    }
    if (s.path(EMBEDDED).asBoolean()) {
      ObjectNode properties = s.with("properties");
      properties.set("apiVersion", typeMeta("apiVersion", EMBEDDED_API_VERSION));
      properties.set("kind", typeMeta("kind", EMBEDDED_KIND));
      properties.set("metadata", ref(OBJECT_META, OBJECT_METADATA));
      s.set("properties", sorted(properties));
      List<String> required = new ArrayList<>();
      s.path("required").forEach(r -> required.add(r.asText()));
      ArrayNode list = s.putArray("required");
      required.forEach(list::add);
      if (!required.contains("kind")) {
        list.add("kind");
      }
      if (!required.contains("apiVersion")) {
        list.add("apiVersion");
      }
    }
  }

  /** The schemas below a node: its properties, items, additionalProperties and junctors. */
  private static List<ObjectNode> children(ObjectNode s) {
    List<ObjectNode> children = new ArrayList<>();
    s.path("properties").forEach(p -> {
      if (p instanceof ObjectNode o) {
        children.add(o);
      }
    });
    for (String key : List.of("items", "additionalProperties", "not")) {
      if (s.get(key) instanceof ObjectNode o) {
        children.add(o);
      }
    }
    for (String key : JUNCTORS) {
      s.path(key).forEach(n -> {
        if (n instanceof ObjectNode o) {
          children.add(o);
        }
      });
    }
    return children;
  }

  /** Go writes a map's keys sorted; properties are a map. */
  private static ObjectNode sorted(ObjectNode properties) {
    ObjectNode out = NODES.objectNode();
    new TreeMap<String, JsonNode>(toMap(properties)).forEach(out::set);
    return out;
  }

  private static Map<String, JsonNode> toMap(ObjectNode node) {
    Map<String, JsonNode> map = new TreeMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue()));
    return map;
  }
}
