package io.karst.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One named definition of the schema model, such as {@code io.k8s.api.apps.v1.Deployment}. */
public final class TypeSchema {

  private final SchemaModel model;
  private final String name;
  private final ObjectNode json;

  TypeSchema(SchemaModel model, String name, ObjectNode json) {
    this.model = model;
    this.name = name;
    this.json = json;
  }

  /** The upstream definition name, e.g. io.k8s.api.core.v1.PodSpec. */
  public String name() {
    return name;
  }

  /** The Go type name: the last segment of the definition name. */
  public String simpleName() {
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** How Go spells this type in its error messages: v1.PodSpec, resource.Quantity. */
  public String goTypeName() {
    String pkg = name.substring(0, name.lastIndexOf('.'));
    return pkg.substring(pkg.lastIndexOf('.') + 1) + "." + simpleName();
  }

  public String description() {
    return json.path("description").asText("");
  }

  public String type() {
    return json.path("type").asText("");
  }

  public String format() {
    return json.path("format").asText("");
  }

  public Map<String, FieldSchema> properties() {
    Map<String, FieldSchema> properties = new LinkedHashMap<>();
    json.path("properties").properties().forEach(e -> properties.put(e.getKey(), new FieldSchema(model, e.getValue())));
    return properties;
  }

  public Optional<FieldSchema> property(String jsonName) {
    JsonNode property = json.path("properties").get(jsonName);
    return property == null ? Optional.empty() : Optional.of(new FieldSchema(model, property));
  }

  public boolean hasProperties() {
    return json.path("properties").size() > 0;
  }

  public List<String> required() {
    List<String> required = new ArrayList<>();
    json.path("required").forEach(r -> required.add(r.asText()));
    return required;
  }

  public List<GroupVersionKind> groupVersionKinds() {
    List<GroupVersionKind> gvks = new ArrayList<>();
    json.path("x-kubernetes-group-version-kind").forEach(g -> gvks.add(
        new GroupVersionKind(g.path("group").asText(), g.path("version").asText(), g.path("kind").asText())));
    return gvks;
  }

  /** The definition as an OpenAPI v3 schema object (refs as #/components/schemas/...); do not modify. */
  public ObjectNode json() {
    return json;
  }
}
