package io.karst.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karst.apiserver.schema.SchemaModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Custom resource versions in the OpenAPI documents: a v3 document per group-version listed in the index with its
 * hash, the paths and operations upstream's CRD builder publishes, the v2 document with definitions and paths, and
 * documents that change (new hash) exactly when their CRDs change.
 */
class CustomResourceDocumentsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CRONTABS = "/apis/stable.example.com/v1/namespaces/{namespace}/crontabs";
  private final OpenApiDocuments builtIn = OpenApiDocuments.render(SchemaModel.builtIn(),
      OpenApiDocumentsTest.RESOURCES);

  private static List<CustomResourceVersion> versions(String... crds) throws Exception {
    List<CustomResourceVersion> all = new ArrayList<>();
    for (String crd : crds) {
      all.addAll(CustomResourceVersion.of((ObjectNode) JSON.readTree(crd)));
    }
    return all;
  }

  private static String cronTabs(String schema) {
    return CustomResourceSchemasTest.crd("stable.example.com", "crontabs", "CronTab", schema, "v1", "v1beta1");
  }

  private static String widgets() {
    return CustomResourceSchemasTest.crd("karst.io", "widgets", "Widget", CustomResourceSchemasTest.SCHEMA, "v1");
  }

  @Test
  void eachServedVersionHasAV3DocumentListedInTheIndexWithItsHash() throws Exception {
    OpenApiDocuments docs = builtIn.withCustomResources(versions(cronTabs(CustomResourceSchemasTest.SCHEMA)));
    JsonNode index = JSON.readTree(docs.v3Index().body());
    for (String gv : List.of("apis/stable.example.com/v1", "apis/stable.example.com/v1beta1")) {
      Rendered doc = docs.v3(gv).orElseThrow();
      assertEquals("/openapi/v3/" + gv + "?hash=" + doc.etag(), index.at("/paths/" + gv.replace("/", "~1")
          + "/serverRelativeURL").asText());
    }
    JsonNode doc = JSON.readTree(docs.v3("apis/stable.example.com/v1").orElseThrow().body());
    assertEquals("Kubernetes CRD Swagger", doc.at("/info/title").asText());
    assertFalse(doc.has("security"), "upstream's CRD builder configures no security scheme");
    JsonNode schemas = doc.at("/components/schemas");
    for (String name : List.of("com.example.stable.v1.CronTab", "com.example.stable.v1.CronTabList",
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
        "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", "io.k8s.api.autoscaling.v1.Scale")) {
      assertTrue(schemas.has(name), name);
    }
    assertFalse(schemas.has("com.example.stable.v1beta1.CronTab"), "one version per document");
    assertFalse(schemas.has("io.k8s.api.core.v1.Pod"));
  }

  @Test
  void theOperationsAreUpstreamsForACustomResource() throws Exception {
    OpenApiDocuments docs = builtIn.withCustomResources(versions(cronTabs(CustomResourceSchemasTest.SCHEMA)));
    JsonNode paths = JSON.readTree(docs.v3("apis/stable.example.com/v1").orElseThrow().body()).path("paths");
    assertEquals(List.of("/apis/stable.example.com/v1/crontabs", CRONTABS, CRONTABS + "/{name}",
        CRONTABS + "/{name}/status", CRONTABS + "/{name}/scale"), CustomResourceSchemasTest.names(paths),
        "no watch paths");
    assertEquals("listStableExampleComV1CronTabForAllNamespaces",
        paths.at("/~1apis~1stable.example.com~1v1~1crontabs/get/operationId").asText());
    JsonNode collection = paths.path(CRONTABS);
    JsonNode create = collection.path("post");
    assertEquals("createStableExampleComV1NamespacedCronTab", create.path("operationId").asText());
    assertEquals("stableExampleCom_v1", create.at("/tags/0").asText());
    assertTrue(queryParameters(create).contains("fieldValidation"), "kubectl looks for it before --validate=strict");
    assertEquals(List.of("application/json", "application/yaml"),
        CustomResourceSchemasTest.names(create.at("/requestBody/content")));
    assertEquals("#/components/schemas/com.example.stable.v1.CronTab",
        create.at("/responses/201/content/application~1json/schema/$ref").asText());
    assertEquals("CronTab", create.at("/x-kubernetes-group-version-kind/kind").asText());
    assertFalse(collection.path("delete").has("requestBody"));
    assertTrue(queryParameters(collection.path("delete")).contains("labelSelector"));
    assertEquals("#/components/schemas/com.example.stable.v1.CronTabList",
        collection.at("/get/responses/200/content/application~1json/schema/$ref").asText());
    JsonNode patch = paths.at("/" + (CRONTABS + "/{name}/status").replace("/", "~1") + "/patch");
    assertEquals("patchStableExampleComV1NamespacedCronTabStatus", patch.path("operationId").asText());
    assertEquals("partially update status of the specified CronTab", patch.path("description").asText());
    assertEquals(List.of("application/json-patch+json", "application/merge-patch+json",
        "application/apply-patch+yaml"), CustomResourceSchemasTest.names(patch.at("/requestBody/content")),
        "no strategic merge patch for custom resources");
    JsonNode scale = paths.at("/" + (CRONTABS + "/{name}/scale").replace("/", "~1") + "/get");
    assertEquals("#/components/schemas/io.k8s.api.autoscaling.v1.Scale",
        scale.at("/responses/200/content/application~1json/schema/$ref").asText());
    assertEquals("CronTab", scale.at("/x-kubernetes-group-version-kind/kind").asText(),
        "upstream marks the scale operations with the custom resource's kind");
    JsonNode item = paths.path(CRONTABS + "/{name}");
    assertEquals("name of the CronTab", item.at("/parameters/0/description").asText());
    assertEquals(List.of("200", "202", "401"), CustomResourceSchemasTest.names(item.at("/delete/responses")));
  }

  @Test
  void theV2DocumentHasTheBuiltInAndCustomDefinitionsAndPaths() throws Exception {
    OpenApiDocuments docs = builtIn.withCustomResources(versions(cronTabs(CustomResourceSchemasTest.SCHEMA)));
    JsonNode v2 = JSON.readTree(docs.v2().body());
    JsonNode definitions = v2.path("definitions");
    assertTrue(definitions.has("io.k8s.api.core.v1.Pod"));
    assertTrue(definitions.has("com.example.stable.v1.CronTab"));
    assertTrue(definitions.has("com.example.stable.v1beta1.CronTabList"));
    assertFalse(definitions.at("/com.example.stable.v1.CronTab/properties/spec/properties/replicas").has("default"));
    JsonNode patch = v2.at("/paths/" + (CRONTABS + "/{name}").replace("/", "~1") + "/patch");
    assertEquals("[\"application/json-patch+json\",\"application/merge-patch+json\","
        + "\"application/apply-patch+yaml\"]", patch.path("consumes").toString());
    assertEquals("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
        patch.at("/parameters/0/schema/$ref").asText());
    assertTrue(v2.path("paths").has("/api/v1/namespaces/{namespace}/pods"));
    assertNotEquals(0, docs.v2Protobuf().body().length);
    assertEquals(docs.v2().etag(), docs.v2Protobuf().etag());
  }

  @Test
  void documentsChangeExactlyWhenTheirCustomResourceDefinitionsChange() throws Exception {
    OpenApiDocuments first = builtIn.withCustomResources(versions(cronTabs(CustomResourceSchemasTest.SCHEMA),
        widgets()));
    Rendered widgetsDoc = first.v3("apis/karst.io/v1").orElseThrow();
    Rendered cronTabsDoc = first.v3("apis/stable.example.com/v1").orElseThrow();

    OpenApiDocuments same = first.withCustomResources(versions(cronTabs(CustomResourceSchemasTest.SCHEMA),
        widgets()));
    assertSame(cronTabsDoc, same.v3("apis/stable.example.com/v1").orElseThrow(), "kept, not rendered again");
    assertSame(first.v3Index(), same.v3Index());
    assertSame(first.v2(), same.v2());

    String described = CustomResourceSchemasTest.SCHEMA.replace("the schedule in cron format",
        "when the command runs");
    OpenApiDocuments changed = same.withCustomResources(versions(cronTabs(described), widgets()));
    Rendered cronTabsChanged = changed.v3("apis/stable.example.com/v1").orElseThrow();
    assertNotEquals(cronTabsDoc.etag(), cronTabsChanged.etag());
    assertTrue(new String(cronTabsChanged.body()).contains("when the command runs"));
    assertSame(widgetsDoc, changed.v3("apis/karst.io/v1").orElseThrow(), "another group-version is kept");
    assertArrayEquals(builtIn.v3("api/v1").orElseThrow().body(), changed.v3("api/v1").orElseThrow().body());
    assertNotEquals(first.v3Index().etag(), changed.v3Index().etag());
    assertNotEquals(first.v2().etag(), changed.v2().etag());
    assertTrue(new String(changed.v2().body()).contains("when the command runs"));

    OpenApiDocuments deleted = changed.withCustomResources(versions(widgets()));
    assertTrue(deleted.v3("apis/stable.example.com/v1").isEmpty());
    assertFalse(new String(deleted.v3Index().body()).contains("stable.example.com"));
    assertFalse(JSON.readTree(deleted.v2().body()).path("definitions").has("com.example.stable.v1.CronTab"));
    assertArrayEquals(builtIn.v3Index().body(), deleted.withCustomResources(List.of()).v3Index().body());
  }

  private static List<String> queryParameters(JsonNode operation) {
    List<String> names = new ArrayList<>();
    operation.path("parameters").forEach(p -> names.add(p.path("name").asText()));
    return names;
  }
}
