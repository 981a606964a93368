package io.karst.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.karst.apiserver.schema.SchemaModel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real kubectl (1.27, 1.29, 1.31, 1.33) explains a custom resource from the rendered documents, served by a
 * loopback HTTP server with hand-written discovery; also when the CRD appears after kubectl cached the documents
 * of its first call.
 */
class KubectlExplainCustomResourceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String V2_PROTOBUF_CONTENT = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  @TempDir
  Path dir;
  private HttpServer server;
  private final OpenApiDocuments builtIn = OpenApiDocuments.render(SchemaModel.builtIn(),
      OpenApiDocumentsTest.RESOURCES);
  private volatile OpenApiDocuments docs = builtIn;
  private volatile boolean v2Requested;

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

  private void establishCronTabs() throws IOException {
    String crd = CustomResourceSchemasTest.crd("stable.example.com", "crontabs", "CronTab",
        CustomResourceSchemasTest.SCHEMA, "v1");
    docs = builtIn.withCustomResources(CustomResourceVersion.of((ObjectNode) JSON.readTree(crd)));
  }

  private boolean established() {
    return docs.v3("apis/stable.example.com/v1").isPresent();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    OpenApiDocuments now = docs;
    byte[] body;
    String type = "application/json";
    if (path.equals("/openapi/v2")) {
      v2Requested = true;
      boolean proto = accept != null && accept.contains("protobuf");
      body = proto ? now.v2Protobuf().body() : now.v2().body();
      type = proto ? V2_PROTOBUF_CONTENT : type;
    } else if (path.equals("/openapi/v3")) {
      body = now.v3Index().body();
    } else if (path.startsWith("/openapi/v3/")) {
      body = now.v3(path.substring("/openapi/v3/".length())).map(Rendered::body).orElse(null);
    } else {
      body = discovery(path);
    }
    int code = 200;
    if (body == null) {
      code = 404;
      body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}"
          .getBytes(StandardCharsets.UTF_8);
    }
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  /** Legacy discovery, written by hand for this test only: pods, and crontabs once established. */
  private byte[] discovery(String path) {
    String group = "{\"name\":\"stable.example.com\",\"versions\":[{\"groupVersion\":\"stable.example.com/v1\","
        + "\"version\":\"v1\"}],\"preferredVersion\":{\"groupVersion\":\"stable.example.com/v1\",\"version\":\"v1\"}}";
    String json = switch (path) {
      case "/version" -> "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"v1.33.0\"}";
      case "/api" -> "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}";
      case "/apis" -> "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + (established() ? group : "")
          + "]}";
      case "/api/v1" -> "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"v1\",\"resources\":["
          + "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\","
          + "\"list\",\"create\",\"patch\"],\"shortNames\":[\"po\"]}]}";
      case "/apis/stable.example.com/v1" -> established() ? "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\","
          + "\"groupVersion\":\"stable.example.com/v1\",\"resources\":[{\"name\":\"crontabs\",\"singularName\":"
          + "\"crontab\",\"namespaced\":true,\"kind\":\"CronTab\",\"verbs\":[\"create\",\"delete\",\"get\",\"list\","
          + "\"patch\",\"update\"]}]}" : null;
      default -> null;
    };
    return json == null ? null : json.getBytes(StandardCharsets.UTF_8);
  }

  private String kubectl(String version, String... args) throws Exception {
    Path kubectl = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl." + version);
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(kubectl), kubectl + " is not installed");
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server: http://"
        + "127.0.0.1:" + server.getAddress().getPort() + "\ncontexts:\n- name: t\n  context:\n    cluster: t\n"
        + "    user: u\nusers:\n- name: u\n  user: {}\ncurrent-context: t\n");
    List<String> command = new java.util.ArrayList<>(List.of(kubectl.toString(), "--kubeconfig=" + kubeconfig,
        "--cache-dir=" + dir.resolve("cache"), "--request-timeout=20s"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    return output;
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", "1.29", "1.31", "1.33"})
  void kubectlExplainsTheCustomResourceAndItsFieldsWithTheirDescriptions(String version) throws Exception {
    establishCronTabs();
    String kind = kubectl(version, "explain", "crontabs");
    assertTrue(kind.contains("CronTab runs a command on a schedule"), kind);
    assertTrue(kind.contains("spec describes the cron tab"), kind);
    String field = kubectl(version, "explain", "crontabs.spec.cronSpec");
    assertTrue(field.contains("the schedule in cron format"), field);
    String embedded = kubectl(version, "explain", "crontabs.spec.target.metadata.name");
    assertTrue(embedded.contains("Name must be unique within a namespace"), embedded);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", "1.33"})
  void aCustomResourceDefinedAfterKubectlCachedTheDocumentsIsExplained(String version) throws Exception {
    String pods = kubectl(version, "explain", "pods.spec.containers.image");
    assertTrue(pods.contains("Container image name."), pods);
    establishCronTabs();
    String field = kubectl(version, "explain", "crontabs.spec.replicas");
    assertTrue(field.contains("FIELD: replicas <integer>") || field.contains("FIELD:    replicas <integer>"), field);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", "1.33"})
  void kubectlExplainsTheCustomResourceFromTheV2Document(String version) throws Exception {
    establishCronTabs();
    String field = kubectl(version, "explain", "crontabs.spec.cronSpec", "--output=plaintext-openapiv2");
    assertTrue(field.contains("FIELD:    cronSpec <string>"), field);
    assertTrue(field.contains("the schedule in cron format"), field);
    assertTrue(v2Requested, "read from /openapi/v2");
    // v2 publishes a preserve-unknown-fields field without its properties, so kubectl would not close it
    String open = kubectl(version, "explain", "crontabs.spec.config", "--output=plaintext-openapiv2");
    assertTrue(!open.contains("known"), open);
    String v3 = kubectl(version, "explain", "crontabs.spec.config");
    assertTrue(v3.contains("known"), v3);
  }
}
