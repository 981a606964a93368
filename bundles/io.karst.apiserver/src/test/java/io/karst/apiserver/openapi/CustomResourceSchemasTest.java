package io.karst.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karst.apiserver.schema.SchemaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The definitions of a custom resource version in upstream's v3 and v2 shapes: names, the kind's structural schema
 * with apiVersion/kind/metadata, int-or-string unfolded, embedded resources, and what v2 leaves out.
 */
public class CustomResourceSchemasTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A CronTab schema with one field of each shape the builder treats differently. */
  public static final String SCHEMA = """
      {"type": "object", "description": "CronTab runs a command on a schedule",
       "properties": {
        "spec": {"type": "object", "description": "spec describes the cron tab", "required": ["cronSpec", "note"],
         "properties": {
          "cronSpec": {"type": "string", "description": "the schedule in cron format", "example": "*/5 * * * *",
                       "pattern": "^\\\\S+( \\\\S+){4}$"},
          "replicas": {"type": "integer", "format": "int32", "default": 1, "minimum": 1},
          "port": {"x-kubernetes-int-or-string": true, "description": "a port number or name"},
          "policy": {"type": "string", "enum": ["Allow", "Forbid"], "default": "Allow"},
          "containers": {"type": "array", "description": "the containers to run", "items": {"type": "object",
                         "properties": {"name": {"type": "string"},
                                        "args": {"type": "array", "items": {"type": "string"}}}}},
          "template": {"type": "object", "description": "an object run each time",
                       "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true},
          "target": {"type": "object", "x-kubernetes-embedded-resource": true,
                     "properties": {"spec": {"type": "string"}}},
          "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                     "properties": {"known": {"type": "string"}}},
          "note": {"type": "string", "nullable": true},
          "mode": {"type": "string", "oneOf": [{"pattern": "^a"}, {"pattern": "^b"}]},
          "labels": {"type": "object", "additionalProperties": {"type": "string"}}}},
        "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}}}
      """;

  public static String crd(String group, String plural, String kind, String schema, String... versions) {
    List<String> list = new ArrayList<>();
    for (int i = 0; i < versions.length; i++) {
      list.add("{\"name\": \"" + versions[i] + "\", \"served\": true, \"storage\": " + (i == 0)
          + ", \"schema\": {\"openAPIV3Schema\": " + schema + "}, \"subresources\": {\"status\": {}, \"scale\":"
          + " {\"specReplicasPath\": \".spec.replicas\", \"statusReplicasPath\": \".status.replicas\"}}}");
    }
    return "{\"apiVersion\": \"apiextensions.k8s.io/v1\", \"kind\": \"CustomResourceDefinition\", \"metadata\":"
        + " {\"name\": \"" + plural + "." + group + "\"}, \"spec\": {\"group\": \"" + group + "\", \"scope\":"
        + " \"Namespaced\", \"names\": {\"plural\": \"" + plural + "\", \"singular\": \"" + kind.toLowerCase()
        + "\", \"kind\": \"" + kind + "\", \"listKind\": \"" + kind + "List\"}, \"versions\": ["
        + String.join(", ", list) + "]}}";
  }

  static CustomResourceVersion cronTab(String schema) throws Exception {
    return CustomResourceVersion.of((ObjectNode) JSON.readTree(crd("stable.example.com", "crontabs", "CronTab",
        schema, "v1"))).get(0);
  }

  private static JsonNode kind(boolean v2, String schema) throws Exception {
    Map<String, ObjectNode> defs = new CustomResourceSchemas(SchemaModel.builtIn(), v2).definitions(cronTab(schema));
    assertEquals(List.of("com.example.stable.v1.CronTab", "com.example.stable.v1.CronTabList"),
        new ArrayList<>(defs.keySet()));
    return defs.get("com.example.stable.v1.CronTab");
  }

  @Test
  void definitionsAreNamedByTheReversedGroupVersionAndKind() {
    assertEquals("com.example.stable.v1.CronTab",
        CustomResourceSchemas.definitionName("stable.example.com", "v1", "CronTab"));
    assertEquals("io.karst.v1beta1.Widget", CustomResourceSchemas.definitionName("karst.io", "v1beta1", "Widget"));
  }

  @Test
  void v3KindCarriesTheStructuralSchemaWithTypeMetaAndObjectMetaByReference() throws Exception {
    JsonNode kind = kind(false, SCHEMA);
    assertEquals("CronTab runs a command on a schedule", kind.path("description").asText());
    assertEquals(List.of("apiVersion", "kind", "metadata", "spec", "status"), names(kind.path("properties")));
    assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        kind.at("/properties/metadata/$ref").asText());
    assertTrue(kind.at("/properties/apiVersion/description").asText().startsWith("APIVersion defines"));
    assertEquals("string", kind.at("/properties/kind/type").asText());
    assertEquals("[{\"group\":\"stable.example.com\",\"kind\":\"CronTab\",\"version\":\"v1\"}]",
        kind.path("x-kubernetes-group-version-kind").toString());
    JsonNode spec = kind.at("/properties/spec/properties");
    assertEquals(List.of("config", "containers", "cronSpec", "labels", "mode", "note", "policy", "port", "replicas",
        "target", "template"), names(spec), "properties sorted by name, as Go writes a map");
    assertEquals("the schedule in cron format", spec.at("/cronSpec/description").asText());
    assertFalse(spec.path("cronSpec").has("example"), "a structural schema has no example");
    assertEquals("string", spec.at("/containers/items/properties/args/items/type").asText());
    assertEquals("string", spec.at("/labels/additionalProperties/type").asText());
  }

  @Test
  void v3KeepsDefaultsEnumsNullableJunctorsAndUnfoldsIntOrString() throws Exception {
    JsonNode spec = kind(false, SCHEMA).at("/properties/spec");
    JsonNode p = spec.path("properties");
    assertEquals(1, p.at("/replicas/default").asInt());
    assertEquals(1, p.at("/replicas/minimum").asInt());
    assertEquals("[\"Allow\",\"Forbid\"]", p.at("/policy/enum").toString());
    assertEquals("Allow", p.at("/policy/default").asText());
    assertTrue(p.at("/note/nullable").asBoolean());
    assertEquals(2, p.at("/mode/oneOf").size());
    assertEquals("[{\"type\":\"integer\"},{\"type\":\"string\"}]", p.at("/port/anyOf").toString());
    assertTrue(p.at("/port/x-kubernetes-int-or-string").asBoolean());
    assertEquals("[\"cronSpec\",\"note\"]", spec.path("required").toString());
    assertEquals("string", p.at("/config/properties/known/type").asText());
  }

  @Test
  void anEmbeddedResourceGetsApiVersionKindAndMetadataAndRequiresThem() throws Exception {
    JsonNode p = kind(false, SCHEMA).at("/properties/spec/properties");
    for (String field : List.of("template", "target")) {
      JsonNode embedded = p.path(field);
      assertTrue(embedded.at("/properties/apiVersion/description").asText().startsWith("apiVersion defines"), field);
      assertEquals("string", embedded.at("/properties/kind/type").asText(), field);
      assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
          embedded.at("/properties/metadata/$ref").asText(), field);
      assertEquals("[\"kind\",\"apiVersion\"]", embedded.path("required").toString(), field);
    }
    assertEquals("string", p.at("/target/properties/spec/type").asText());
  }

  @Test
  void v2DropsWhatSwaggerAndKubectlCannotTake() throws Exception {
    JsonNode kind = kind(true, SCHEMA);
    assertEquals("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        kind.at("/properties/metadata/$ref").asText());
    JsonNode spec = kind.at("/properties/spec");
    JsonNode p = spec.path("properties");
    assertEquals("[\"cronSpec\"]", spec.path("required").toString(), "a nullable field is not required in v2");
    assertFalse(p.path("note").has("type"), "nullable: untyped");
    assertFalse(p.path("note").has("nullable"));
    assertFalse(p.path("port").has("anyOf"), "no junctors in v2");
    assertTrue(p.at("/port/x-kubernetes-int-or-string").asBoolean());
    assertFalse(p.path("mode").has("oneOf"));
    assertEquals("string", p.at("/mode/type").asText());
    assertFalse(p.path("replicas").has("default"), "v2 definitions have their defaults pruned");
    assertFalse(p.path("policy").has("default"));
    assertEquals("[\"Allow\",\"Forbid\"]", p.at("/policy/enum").toString(), "value validations stay");
    assertEquals("the schedule in cron format", p.at("/cronSpec/description").asText());
    JsonNode config = p.path("config");
    assertFalse(config.has("properties"), "preserve-unknown-fields: no properties kubectl would close");
    assertFalse(config.has("type"));
    assertTrue(config.path("x-kubernetes-preserve-unknown-fields").asBoolean());
    assertFalse(p.path("template").has("properties"), "no apiVersion/kind/metadata below preserve-unknown-fields");
    assertTrue(p.at("/target/properties/metadata/$ref").asText().startsWith("#/definitions/"));
    assertEquals("string", p.at("/containers/items/properties/name/type").asText());
  }

  @Test
  void v2PublishesARootThatPreservesUnknownFieldsAsABareObject() throws Exception {
    String open = "{\"type\": \"object\", \"x-kubernetes-preserve-unknown-fields\": true, \"properties\":"
        + " {\"spec\": {\"type\": \"string\"}}}";
    JsonNode v2 = kind(true, open);
    assertEquals(List.of("type", "x-kubernetes-group-version-kind"), names(v2));
    assertEquals("object", v2.path("type").asText());
    JsonNode v3 = kind(false, open);
    assertEquals("string", v3.at("/properties/spec/type").asText());
    assertTrue(v3.path("x-kubernetes-preserve-unknown-fields").asBoolean());
  }

  @Test
  void theListKindHoldsItemsOfTheKindAndListMeta() throws Exception {
    for (boolean v2 : List.of(false, true)) {
      String prefix = v2 ? "#/definitions/" : "#/components/schemas/";
      JsonNode list = new CustomResourceSchemas(SchemaModel.builtIn(), v2).definitions(cronTab(SCHEMA))
          .get("com.example.stable.v1.CronTabList");
      assertEquals("CronTabList is a list of CronTab", list.path("description").asText());
      assertEquals("[\"items\"]", list.path("required").toString());
      assertEquals(prefix + "com.example.stable.v1.CronTab", list.at("/properties/items/items/$ref").asText());
      assertEquals(prefix + "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
          list.at("/properties/metadata/$ref").asText());
      assertEquals("CronTabList", list.at("/x-kubernetes-group-version-kind/0/kind").asText());
    }
  }

  static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
