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
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenApiDocumentsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> CREATE_GET = List.of("create", "get");
  private static final List<String> PROXY_VERBS = List.of("create", "delete", "get", "patch", "update");
  /** The pods subresources as this server's discovery lists them. */
  static final List<OpenApiResource.Subresource> POD_SUBRESOURCES = List.of(
      sub("attach", "PodAttachOptions", CREATE_GET), sub("binding", "Binding", List.of("create")),
      sub("eviction", "Eviction", List.of("create")), sub("exec", "PodExecOptions", CREATE_GET),
      sub("log", "Pod", List.of("get")), sub("portforward", "PodPortForwardOptions", CREATE_GET),
      sub("status", "Pod", List.of("get", "patch", "update")));
  static final List<OpenApiResource> RESOURCES = List.of(
      new OpenApiResource("", "v1", "Pod", "pods", true, ALL_VERBS, POD_SUBRESOURCES),
      new OpenApiResource("", "v1", "Namespace", "namespaces", false, ALL_VERBS, status("Namespace")),
      new OpenApiResource("", "v1", "ConfigMap", "configmaps", true, ALL_VERBS, List.of()),
      new OpenApiResource("apps", "v1", "Deployment", "deployments", true, ALL_VERBS,
          List.of(sub("status", "Deployment", List.of("get", "patch", "update")),
              sub("scale", "Scale", List.of("get", "patch", "update")))));
  private static final String POD = "/api/v1/namespaces/{namespace}/pods/{name}";

  private final OpenApiDocuments docs = OpenApiDocuments.render(SchemaModel.builtIn(), RESOURCES);

  @Test
  void autoscalingV1HasItsOwnDocumentFromTheSchemaModel() throws Exception {
    List<String> verbs = ALL_VERBS;
    OpenApiDocuments both = OpenApiDocuments.render(SchemaModel.builtIn(), List.of(
        new OpenApiResource("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, verbs,
            status("HorizontalPodAutoscaler")),
        new OpenApiResource("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, verbs,
            status("HorizontalPodAutoscaler"))));
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
    assertTrue(paths.has("/api/v1/namespaces/{namespace}/pods/{name}/log"));
    assertFalse(paths.has("/api/v1/namespaces/{namespace}/pods/{name}/proxy"), "no pods/proxy in discovery");
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
    more.add(new OpenApiResource("apps", "v1", "StatefulSet", "statefulsets", true, ALL_VERBS,
        status("StatefulSet")));
    OpenApiDocuments changed = OpenApiDocuments.render(SchemaModel.builtIn(), more);
    assertNotEquals(docs.v3("apis/apps/v1").orElseThrow().etag(), changed.v3("apis/apps/v1").orElseThrow().etag());
    assertEquals(docs.v3("api/v1").orElseThrow().etag(), changed.v3("api/v1").orElseThrow().etag());
    assertEquals(docs.serverRelativeUrl("api/v1"), changed.serverRelativeUrl("api/v1"));
  }

  @Test
  void podLogIsReadCoreV1NamespacedPodLogWithPodLogOptionsAtPathLevelInV3() throws Exception {
    JsonNode log = JSON.readTree(docs.v3("api/v1").orElseThrow().body()).path("paths").path(POD + "/log");
    JsonNode get = log.path("get");
    assertEquals("readCoreV1NamespacedPodLog", get.path("operationId").asText());
    assertEquals("get", get.path("x-kubernetes-action").asText());
    assertGvk(get, "Pod");
    assertEquals(List.of("get", "parameters"), sorted(names(log)));
    assertFalse(get.has("parameters"), "the options are path-level parameters");
    JsonNode content = get.path("responses").path("200").path("content");
    assertEquals(List.of("application/json", "application/vnd.kubernetes.protobuf", "application/yaml", "text/plain"),
        sorted(names(content)));
    content.forEach(media -> assertEquals("string", media.path("schema").path("type").asText()));
    // sinceTime (a time) is not published upstream; stream is not served here
    assertEquals(List.of("query:container:string", "query:follow:boolean",
        "query:insecureSkipTLSVerifyBackend:boolean", "query:limitBytes:integer", "path:name:string",
        "path:namespace:string", "query:pretty:string", "query:previous:boolean", "query:sinceSeconds:integer",
        "query:tailLines:integer", "query:timestamps:boolean"), parameters(log.path("parameters"), true));
    assertEquals("name of the Pod", log.path("parameters").get(4).path("description").asText());
  }

  @Test
  void execAttachAndPortforwardAreConnectOperationsForGetAndPostInV3() throws Exception {
    JsonNode paths = JSON.readTree(docs.v3("api/v1").orElseThrow().body()).path("paths");
    Map<String, String> kinds = Map.of("exec", "PodExecOptions", "attach", "PodAttachOptions", "portforward",
        "PodPortForwardOptions");
    for (String sub : List.of("exec", "attach", "portforward")) {
      JsonNode item = paths.path(POD + "/" + sub);
      assertEquals(List.of("get", "parameters", "post"), sorted(names(item)), sub);
      String suffix = Character.toUpperCase(sub.charAt(0)) + sub.substring(1);
      for (String method : List.of("get", "post")) {
        JsonNode op = item.path(method);
        String verb = Character.toUpperCase(method.charAt(0)) + method.substring(1);
        assertEquals("connectCoreV1" + verb + "NamespacedPod" + suffix, op.path("operationId").asText());
        assertEquals("connect", op.path("x-kubernetes-action").asText());
        assertGvk(op, kinds.get(sub));
        assertEquals(List.of("core_v1"), texts(op.path("tags")));
        assertFalse(op.has("parameters"));
        assertFalse(op.has("requestBody"));
        JsonNode ok = op.path("responses").path("200").path("content");
        assertEquals(List.of("*/*"), names(ok));
        assertEquals("string", ok.path("*/*").path("schema").path("type").asText());
      }
      assertEquals("name of the " + kinds.get(sub), item.path("parameters").findValues("description").stream()
          .map(JsonNode::asText).filter(d -> d.startsWith("name of")).findFirst().orElseThrow());
    }
    assertEquals(List.of("query:command:string", "query:container:string", "path:name:string",
        "path:namespace:string", "query:stderr:boolean", "query:stdin:boolean", "query:stdout:boolean",
        "query:tty:boolean"), parameters(paths.path(POD + "/exec").path("parameters"), true));
    assertEquals(List.of("query:container:string", "path:name:string", "path:namespace:string",
        "query:stderr:boolean", "query:stdin:boolean", "query:stdout:boolean", "query:tty:boolean"),
        parameters(paths.path(POD + "/attach").path("parameters"), true));
    assertEquals(List.of("path:name:string", "path:namespace:string", "query:ports:integer"),
        parameters(paths.path(POD + "/portforward").path("parameters"), true));
  }

  @Test
  void swaggerV2HasLogAndConnectOperationsWithStringResponsesAndTheirMediaTypes() throws Exception {
    JsonNode paths = JSON.readTree(docs.v2().body()).path("paths");
    JsonNode log = paths.path(POD + "/log").path("get");
    assertEquals("readCoreV1NamespacedPodLog", log.path("operationId").asText());
    assertEquals(List.of("text/plain", "application/json", "application/yaml",
        "application/vnd.kubernetes.protobuf"), texts(log.path("produces")));
    assertEquals(List.of("*/*"), texts(log.path("consumes")));
    assertEquals("string", log.path("responses").path("200").path("schema").path("type").asText());
    assertGvk(log, "Pod");
    assertTrue(parameters(paths.path(POD + "/log").path("parameters"), false)
        .containsAll(List.of("query:follow:boolean", "query:tailLines:integer", "path:name:string")));
    JsonNode exec = paths.path(POD + "/exec").path("post");
    assertEquals("connectCoreV1PostNamespacedPodExec", exec.path("operationId").asText());
    assertEquals(List.of("*/*"), texts(exec.path("consumes")));
    assertEquals(List.of("*/*"), texts(exec.path("produces")));
    assertEquals(List.of("https"), texts(exec.path("schemes")));
    assertEquals("string", exec.path("responses").path("200").path("schema").path("type").asText());
    assertEquals("connect", exec.path("x-kubernetes-action").asText());
    assertGvk(exec, "PodExecOptions");
    assertFalse(exec.has("parameters"));
    assertEquals("connectCoreV1GetNamespacedPodPortforward", paths.path(POD + "/portforward").path("get")
        .path("operationId").asText());
    assertEquals(List.of("path:name:string", "path:namespace:string", "query:ports:integer"),
        parameters(paths.path(POD + "/portforward").path("parameters"), false));
    // the gnostic protobuf form still encodes (it carries definitions only)
    assertTrue(OpenApiV2Protobuf.encode(JSON.readTree(docs.v2().body())).length > 0);
  }

  @Test
  void proxyPathsAppearOnlyForAProxySubresourceDiscoveryListsWithTheMethodsOfItsVerbs() throws Exception {
    OpenApiResource nodes = new OpenApiResource("", "v1", "Node", "nodes", false, ALL_VERBS, status("Node"));
    JsonNode without = JSON.readTree(OpenApiDocuments.render(SchemaModel.builtIn(), List.of(nodes)).v2().body());
    assertFalse(without.path("paths").has("/api/v1/nodes/{name}/proxy"));
    assertFalse(without.path("paths").has("/api/v1/nodes/{name}/proxy/{path}"));

    OpenApiDocuments proxied = OpenApiDocuments.render(SchemaModel.builtIn(), List.of(
        new OpenApiResource("", "v1", "Node", "nodes", false, ALL_VERBS,
            List.of(sub("proxy", "NodeProxyOptions", PROXY_VERBS))),
        new OpenApiResource("", "v1", "Service", "services", true, ALL_VERBS,
            List.of(sub("proxy", "ServiceProxyOptions", PROXY_VERBS))),
        new OpenApiResource("", "v1", "Pod", "pods", true, ALL_VERBS,
            List.of(sub("proxy", "PodProxyOptions", List.of("get"))))));
    List<String> allMethods = List.of("delete", "get", "head", "options", "patch", "post", "put");
    for (JsonNode doc : List.of(JSON.readTree(proxied.v2().body()),
        JSON.readTree(proxied.v3("api/v1").orElseThrow().body()))) {
      boolean v3 = doc.has("openapi");
      JsonNode paths = doc.path("paths");
      JsonNode node = paths.path("/api/v1/nodes/{name}/proxy");
      JsonNode nodeWithPath = paths.path("/api/v1/nodes/{name}/proxy/{path}");
      JsonNode service = paths.path("/api/v1/namespaces/{namespace}/services/{name}/proxy");
      for (String method : allMethods) {
        String verb = Character.toUpperCase(method.charAt(0)) + method.substring(1);
        assertEquals("connectCoreV1" + verb + "NodeProxy", node.path(method).path("operationId").asText());
        assertEquals("connectCoreV1" + verb + "NodeProxyWithPath",
            nodeWithPath.path(method).path("operationId").asText());
        assertEquals("connectCoreV1" + verb + "NamespacedServiceProxy",
            service.path(method).path("operationId").asText());
        assertEquals("connect", nodeWithPath.path(method).path("x-kubernetes-action").asText());
        assertGvk(nodeWithPath.path(method), "NodeProxyOptions");
      }
      assertEquals("connectCoreV1PutNodeProxyWithPath", nodeWithPath.path("put").path("operationId").asText());
      assertEquals("connectCoreV1HeadNamespacedServiceProxy", service.path("head").path("operationId").asText());
      assertGvk(paths.path("/api/v1/namespaces/{namespace}/services/{name}/proxy/{path}").path("get"),
          "ServiceProxyOptions");
      assertEquals(List.of("path:name:string", "query:path:string"), parameters(node.path("parameters"), v3));
      assertEquals(List.of("path:name:string", "path:path:string", "query:path:string"),
          parameters(nodeWithPath.path("parameters"), v3));
      // a PATCH through the proxy takes any body, not the patch media types of an object PATCH
      JsonNode patch = node.path("patch");
      assertFalse(patch.has("requestBody"));
      if (!v3) {
        assertEquals(List.of("*/*"), texts(patch.path("consumes")));
      }
      // discovery lists only get for this pods/proxy: GET, HEAD and OPTIONS are published, nothing that writes
      JsonNode pod = paths.path(POD + "/proxy/{path}");
      assertEquals(List.of("get", "head", "options", "parameters"), sorted(names(pod)));
      assertEquals("connectCoreV1OptionsNamespacedPodProxyWithPath",
          pod.path("options").path("operationId").asText());
      assertEquals(List.of("path:name:string", "path:namespace:string", "path:path:string", "query:path:string"),
          parameters(pod.path("parameters"), v3));
    }
  }

  private static OpenApiResource.Subresource sub(String name, String kind, List<String> verbs) {
    return new OpenApiResource.Subresource(name, kind, verbs);
  }

  private static List<OpenApiResource.Subresource> status(String kind) {
    return List.of(sub("status", kind, List.of("get", "patch", "update")));
  }

  private static void assertGvk(JsonNode operation, String kind) {
    JsonNode gvk = operation.path("x-kubernetes-group-version-kind");
    assertEquals("", gvk.path("group").asText());
    assertEquals("v1", gvk.path("version").asText());
    assertEquals(kind, gvk.path("kind").asText());
  }

  /** in:name:type of each parameter (the type is in "schema" in v3, beside the name in v2); path ones required. */
  private static List<String> parameters(JsonNode params, boolean v3) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : params) {
      String type = (v3 ? p.path("schema") : p).path("type").asText();
      out.add(p.path("in").asText() + ":" + p.path("name").asText() + ":" + type);
      assertEquals(p.path("in").asText().equals("path"), p.path("required").asBoolean(), p.toString());
    }
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static List<String> sorted(List<String> names) {
    return names.stream().sorted().toList();
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
