package io.karst.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.schema.SchemaModel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real kubectl 1.33 explain against the rendered documents, served by a loopback HTTP server with
 * hand-written discovery: proves kubectl accepts the index, the hashes, the schemas and the paths (the log and
 * connect paths, proxies with their {path} form included).
 */
@EnabledIf("kubectlPresent")
class KubectlExplainTest {

  private static final Path KUBECTL = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");

  @TempDir
  Path dir;
  private HttpServer server;
  private final List<String> requested = new CopyOnWriteArrayList<>();
  private final OpenApiDocuments docs = OpenApiDocuments.render(SchemaModel.builtIn(), withProxies());

  static boolean kubectlPresent() {
    return Files.isExecutable(KUBECTL);
  }

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requested.add(path);
    byte[] body;
    int code = 200;
    if (path.equals("/openapi/v3")) {
      body = docs.v3Index().body();
    } else if (path.startsWith("/openapi/v3/")) {
      body = docs.v3(path.substring("/openapi/v3/".length())).map(Rendered::body).orElse(null);
    } else {
      body = discovery(path);
    }
    if (body == null) {
      code = 404;
      body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}"
          .getBytes(StandardCharsets.UTF_8);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  /** Legacy discovery, written by hand for this test only. */
  private static byte[] discovery(String path) {
    String json = switch (path) {
      case "/version" -> "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"v1.33.0\"}";
      case "/api" -> "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}";
      case "/apis" -> "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[{\"name\":\"apps\",\"versions\":"
          + "[{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}],\"preferredVersion\":{\"groupVersion\":\"apps/v1\","
          + "\"version\":\"v1\"}}]}";
      case "/api/v1" -> "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"v1\",\"resources\":["
          + "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\","
          + "\"list\",\"create\",\"patch\"],\"shortNames\":[\"po\"]}]}";
      case "/apis/apps/v1" -> "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"apps/v1\","
          + "\"resources\":[{\"name\":\"deployments\",\"singularName\":\"deployment\",\"namespaced\":true,"
          + "\"kind\":\"Deployment\",\"verbs\":[\"get\",\"list\",\"create\",\"patch\"],\"shortNames\":[\"deploy\"]}]}";
      default -> null;
    };
    return json == null ? null : json.getBytes(StandardCharsets.UTF_8);
  }

  private String kubectl(String... args) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server: http://"
        + "127.0.0.1:" + server.getAddress().getPort() + "\ncontexts:\n- name: t\n  context:\n    cluster: t\n"
        + "    user: u\nusers:\n- name: u\n  user: {}\ncurrent-context: t\n");
    String[] command = new String[args.length + 4];
    command[0] = KUBECTL.toString();
    command[1] = "--kubeconfig=" + kubeconfig;
    command[2] = "--cache-dir=" + dir.resolve("cache");
    command[3] = "--request-timeout=20s";
    System.arraycopy(args, 0, command, 4, args.length);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    return output;
  }

  /** The test's resources with the proxy subresources that are not served yet, so that kubectl reads them too. */
  private static List<OpenApiResource> withProxies() {
    List<String> verbs = List.of("create", "delete", "get", "patch", "update");
    List<OpenApiResource> resources = new ArrayList<>(OpenApiDocumentsTest.RESOURCES);
    resources.add(new OpenApiResource("", "v1", "Node", "nodes", false, ResourceType.ALL_VERBS,
        List.of(new OpenApiResource.Subresource("proxy", "NodeProxyOptions", verbs))));
    resources.add(new OpenApiResource("", "v1", "Service", "services", true, ResourceType.ALL_VERBS,
        List.of(new OpenApiResource.Subresource("proxy", "ServiceProxyOptions", verbs))));
    return resources;
  }

  @Test
  void kubectlValidatesAPodStrictlyByTheCoreDocumentsPaths() throws Exception {
    // kubectl walks every path of api/v1 for a PATCH of Pod offering fieldValidation, then leaves validation to
    // the server: a document kubectl cannot read would fail here
    Path pod = dir.resolve("pod.yaml");
    Files.writeString(pod, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n"
        + "    image: busybox\n");
    String output = kubectl("create", "-f", pod.toString(), "--validate=strict", "--dry-run=client", "-o", "name");
    assertEquals("pod/p", output.strip());
    assertTrue(requested.contains("/openapi/v3/api/v1"), requested.toString());
  }

  @Test
  void kubectlExplainsDeploymentSpecRecursively() throws Exception {
    String output = kubectl("explain", "deployment.spec", "--recursive");
    assertTrue(output.contains("GROUP:      apps"), output);
    assertTrue(output.contains("FIELD: spec <DeploymentSpec>"), output);
    assertTrue(output.contains("selector\t<LabelSelector> -required-"), output);
    assertTrue(output.contains("containers\t<[]Container> -required-"), output);
  }

  @Test
  void kubectlExplainsAPodFieldWithItsDescription() throws Exception {
    String output = kubectl("explain", "pods.spec.containers.image");
    assertTrue(output.contains("FIELD: image <string>"), output);
    assertTrue(output.contains("Container image name."), output);
  }
}
