package io.karst.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The schema of one value: a property, an array's items or a map's values. It is either a reference to a named
 * definition, an array, a map (object with additionalProperties), or a scalar with a type and format.
 */
public final class FieldSchema {

  private final SchemaModel model;
  private final JsonNode json;

  FieldSchema(SchemaModel model, JsonNode json) {
    this.model = model;
    this.json = json;
  }

  public String description() {
    String own = json.path("description").asText("");
    return own.isEmpty() ? referencedType().map(TypeSchema::description).orElse("") : own;
  }

  /** The referenced definition, resolved, if this value is a $ref. */
  public Optional<TypeSchema> referencedType() {
    String ref = json.path("$ref").asText(null);
    return ref == null ? Optional.empty() : model.definition(ref.substring(ref.lastIndexOf('/') + 1));
  }

  /** OpenAPI type (object, array, string, integer, number, boolean) or "" when any JSON value is allowed. */
  public String type() {
    return referencedType().map(TypeSchema::type).orElse(json.path("type").asText(""));
  }

  public String format() {
    return referencedType().map(TypeSchema::format).orElse(json.path("format").asText(""));
  }

  public boolean isArray() {
    return json.has("items");
  }

  public boolean isMap() {
    return json.has("additionalProperties");
  }

  public Optional<FieldSchema> items() {
    return json.has("items") ? Optional.of(new FieldSchema(model, json.get("items"))) : Optional.empty();
  }

  public Optional<FieldSchema> mapValues() {
    JsonNode values = json.get("additionalProperties");
    return values != null && values.isObject() ? Optional.of(new FieldSchema(model, values)) : Optional.empty();
  }

  /** Upstream's {@code x-kubernetes-patch-strategy}: "merge", "retainKeys", "merge,retainKeys" or "". */
  public String patchStrategy() {
    return json.path("x-kubernetes-patch-strategy").asText("");
  }

  /** Upstream's {@code x-kubernetes-patch-merge-key}: the field that identifies a list's elements, or "". */
  public String patchMergeKey() {
    return json.path("x-kubernetes-patch-merge-key").asText("");
  }

  /** Upstream's {@code x-kubernetes-list-type}: atomic, set, map, or "" when not marked. */
  public String listType() {
    return json.path("x-kubernetes-list-type").asText("");
  }

  JsonNode json() {
    return json;
  }
}
