package io.karst.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.karst.apiserver.schema.SchemaModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenApiDocumentsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  static final List<OpenApiResource> RESOURCES = List.of(
      new OpenApiResource("", "v1", "Pod", "pods", true, ALL_VERBS, List.of("status", "binding", "eviction", "log")),
      new OpenApiResource("", "v1", "Namespace", "namespaces", false, ALL_VERBS, List.of("status")),
      new OpenApiResource("", "v1", "ConfigMap", "configmaps", true, ALL_VERBS, List.of()),
      new OpenApiResource("apps", "v1", "Deployment", "deployments", true, ALL_VERBS, List.of("status", "scale")));

  private final OpenApiDocuments docs = OpenApiDocuments.render(SchemaModel.builtIn(), RESOURCES);

  @Test
  void autoscalingV1HasItsOwnDocumentFromTheSchemaModel() throws Exception {
    List<String> verbs = ALL_VERBS;
    OpenApiDocuments both = OpenApiDocuments.render(SchemaModel.builtIn(), List.of(
        new OpenApiResource("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, verbs,
            List.of("status")),
        new OpenApiResource("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, verbs,
            List.of("status"))));
    JsonNode index = JSON.readTree(both.v3Index().body());
    assertTrue(names(index.path("paths")).containsAll(List.of("apis/autoscaling/v1", "apis/autoscaling/v2")));
    JsonNode doc = JSON.readTree(both.v3("apis/autoscaling/v1").orElseThrow().body());
    JsonNode spec = doc.path("components").path("schemas").path("io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec");
    assertTrue(spec.path("properties").has("targetCPUUtilizationPercentage"));
    JsonNode create = doc.path("paths").path("/apis/autoscaling/v1/namespaces/{namespace}/horizontalpodautoscalers")
        .path("post");
    assertEquals("v1", create.path("x-kubernetes-group-version-kind").path("version").asText());
    JsonNode v2 = JSON.readTree(both.v2().body());
    assertTrue(v2.path("definitions").has("io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler"));
    assertTrue(v2.path("paths").has("/apis/autoscaling/v1/namespaces/{namespace}/horizontalpodautoscalers/{name}"));
  }

  @Test
  void indexListsEachGroupVersionWithItsHash() throws Exception {
    JsonNode index = JSON.readTree(docs.v3Index().body());
    assertEquals(List.of("api/v1", "apis/apps/v1"), names(index.path("paths")));
    String url = index.path("paths").path("apis/apps/v1").path("serverRelativeURL").asText();
    String etag = docs.v3("apis/apps/v1").orElseThrow().etag();
    assertEquals("/openapi/v3/apis/apps/v1?hash=" + etag, url);
    assertEquals(128, etag.length());
    assertTrue(etag.matches("[0-9A-F]+"));
  }

  @Test
  void patchOfDeploymentsOffersFieldValidationAsKubectlLooksForIt() throws Exception {
    JsonNode doc = JSON.readTree(docs.v3("apis/apps/v1").orElseThrow().body());
    JsonNode patch = doc.path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").path("patch");
    assertEquals("patchAppsV1NamespacedDeployment", patch.path("operationId").asText());
    assertEquals("patch", patch.path("x-kubernetes-action").asText());
    assertEquals("Deployment", patch.path("x-kubernetes-group-version-kind").path("kind").asText());
    assertEquals("apps", patch.path("x-kubernetes-group-version-kind").path("group").asText());
    List<String> query = new ArrayList<>();
    patch.path("parameters").forEach(p -> query.add(p.path("in").asText() + ":" + p.path("name").asText()));
    assertTrue(query.contains("query:fieldValidation"), query.toString());
    assertTrue(patch.path("requestBody").path("content").has("application/strategic-merge-patch+json"));
    JsonNode scalePatch = doc.path("paths")
        .path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale").path("patch");
    assertEquals("Scale", scalePatch.path("x-kubernetes-group-version-kind").path("kind").asText());
  }

  @Test
  void groupVersionDocumentCarriesOnlyReachableSchemasWithGroupVersionKind() throws Exception {
    JsonNode doc = JSON.readTree(docs.v3("apis/apps/v1").orElseThrow().body());
    JsonNode schemas = doc.path("components").path("schemas");
    assertEquals("Deployment", schemas.path("io.k8s.api.apps.v1.Deployment")
        .path("x-kubernetes-group-version-kind").get(0).path("kind").asText());
    assertTrue(schemas.has("io.k8s.api.core.v1.PodSpec"));
    assertTrue(schemas.has("io.k8s.api.autoscaling.v1.Scale"));
    assertTrue(schemas.has("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"));
    assertFalse(schemas.has("io.k8s.api.batch.v1.Job"));
    assertTrue(doc.path("components").has("securitySchemes"));
    String podSpecRef = schemas.path("io.k8s.api.core.v1.PodTemplateSpec").path("properties").path("spec")
        .path("$ref").asText();
    assertEquals("#/components/schemas/io.k8s.api.core.v1.PodSpec", podSpecRef);
    List<String> paths = names(doc.path("paths"));
    assertTrue(paths.containsAll(List.of("/apis/apps/v1/deployments", "/apis/apps/v1/watch/deployments",
        "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status")), paths.toString());
  }

  @Test
  void coreDocumentHasClusterScopedAndSubresourcePaths() throws Exception {
    JsonNode paths = JSON.readTree(docs.v3("api/v1").orElseThrow().body()).path("paths");
    assertEquals("listCoreV1Namespace", paths.path("/api/v1/namespaces").path("get").path("operationId").asText());
    assertEquals("createCoreV1NamespacedPodEviction", paths.path("/api/v1/namespaces/{namespace}/pods/{name}/eviction")
        .path("post").path("operationId").asText());
    assertFalse(paths.has("/api/v1/namespaces/{namespace}/pods/{name}/log"));
  }

  @Test
  void swaggerV2HasPodDefinitionWithDefinitionsRefs() throws Exception {
    JsonNode v2 = JSON.readTree(docs.v2().body());
    assertEquals("2.0", v2.path("swagger").asText());
    JsonNode pod = v2.path("definitions").path("io.k8s.api.core.v1.Pod");
    assertEquals("#/definitions/io.k8s.api.core.v1.PodSpec", pod.path("properties").path("spec").path("$ref")
        .asText());
    assertEquals("v1", pod.path("x-kubernetes-group-version-kind").get(0).path("version").asText());
    JsonNode patch = v2.path("paths").path("/api/v1/namespaces/{namespace}/configmaps/{name}").path("patch");
    List<String> names = new ArrayList<>();
    patch.path("parameters").forEach(p -> names.add(p.path("name").asText()));
    assertTrue(names.containsAll(List.of("body", "fieldValidation", "force")));
    assertFalse(new String(docs.v2().body()).contains("#/components/schemas/"));
  }

  @Test
  void documentsAndHashesChangeWhenTheServedResourcesChange() {
    List<OpenApiResource> more = new ArrayList<>(RESOURCES);
    more.add(new OpenApiResource("apps", "v1", "StatefulSet", "statefulsets", true, ALL_VERBS, List.of("status")));
    OpenApiDocuments changed = OpenApiDocuments.render(SchemaModel.builtIn(), more);
    assertNotEquals(docs.v3("apis/apps/v1").orElseThrow().etag(), changed.v3("apis/apps/v1").orElseThrow().etag());
    assertEquals(docs.v3("api/v1").orElseThrow().etag(), changed.v3("api/v1").orElseThrow().etag());
    assertEquals(docs.serverRelativeUrl("api/v1"), changed.serverRelativeUrl("api/v1"));
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
