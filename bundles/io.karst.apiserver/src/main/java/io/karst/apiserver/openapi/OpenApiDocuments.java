package io.karst.apiserver.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karst.apiserver.schema.SchemaModel;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenAPI documents of one set of served resources: the /openapi/v3 index, one v3 document per group-version
 * and the swagger 2.0 document of /openapi/v2 (JSON and gnostic protobuf). The built-in resources' documents are
 * rendered once; {@link #withCustomResources(List)} makes the documents with the CRDs' versions of the moment,
 * sharing every document whose inputs did not change. An instance never changes.
 *
 * <p>Serving, as upstream does: the index and documents are application/json with the quoted {@link
 * Rendered#etag()} as ETag; a v3 request whose {@code hash} parameter equals the ETag also gets
 * {@code Cache-Control: public, immutable} and an Expires a year ahead, one with another hash is redirected (301)
 * to {@link #serverRelativeUrl(String)}.
 */
public final class OpenApiDocuments {

  /** The gnostic protobuf form of /openapi/v2, as kubectl asks for it ({@link #v2Protobuf()}). */
  public static final String V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String V3_REF = "#/components/schemas/";
  private static final String V2_REF = "#/definitions/";
  private static final List<String> MEDIA = List.of("application/json", "application/yaml",
      "application/vnd.kubernetes.protobuf");
  private static final List<String> WATCH_MEDIA = List.of("application/json", "application/yaml",
      "application/vnd.kubernetes.protobuf", "application/json;stream=watch",
      "application/vnd.kubernetes.protobuf;stream=watch");
  private static final List<String> PATCH_MEDIA = List.of("application/apply-patch+yaml",
      "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json");

  private final SchemaModel model;
  private final BuiltIn builtIn;
  private final Map<String, CustomGroupVersion> custom = new TreeMap<>();
  private final Map<String, Rendered> v3ByGroupVersion = new TreeMap<>();
  private final Rendered v3Index;
  private final V2 v2;

  /** The built-in resources' paths by group-version and their v3 documents: rendered once, shared by all. */
  private record BuiltIn(Map<String, List<PathItem>> paths, Map<String, Rendered> v3) {}

  /** The v3 document of a group-version that CRDs serve, with the versions it was rendered from. */
  private record CustomGroupVersion(List<CustomResourceVersion> versions, Rendered document) {}

  private OpenApiDocuments(SchemaModel model, Collection<OpenApiResource> resources) {
    this.model = model;
    Map<String, List<PathItem>> pathsByGroupVersion = new TreeMap<>();
    for (OpenApiResource r : resources) {
      pathsByGroupVersion.computeIfAbsent(r.groupVersionPath(), k -> new ArrayList<>())
          .addAll(ResourcePaths.of(r, model));
    }
    Map<String, Rendered> v3 = new TreeMap<>();
    pathsByGroupVersion.forEach((gv, paths) -> v3.put(gv, render(v3Document(gv, paths, Map.of()))));
    this.builtIn = new BuiltIn(pathsByGroupVersion, v3);
    this.v3ByGroupVersion.putAll(v3);
    this.v3Index = index();
    this.v2 = new V2(List.of());
  }

  /**
   * The documents of {@code previous}'s built-in resources and of these custom resource versions: a group-version
   * whose versions are those {@code previous} rendered keeps its document (and hash), others are rendered anew;
   * the v2 document is rendered when first asked for, and shared with {@code previous} when nothing changed.
   */
  private OpenApiDocuments(OpenApiDocuments previous, List<CustomResourceVersion> versions) {
    this.model = previous.model;
    this.builtIn = previous.builtIn;
    Map<String, List<CustomResourceVersion>> byGroupVersion = new TreeMap<>();
    versions.forEach(v -> byGroupVersion.computeIfAbsent(v.groupVersionPath(), k -> new ArrayList<>()).add(v));
    v3ByGroupVersion.putAll(builtIn.v3());
    byGroupVersion.forEach((gv, list) -> {
      CustomGroupVersion before = previous.custom.get(gv);
      CustomGroupVersion now = before != null && before.versions().equals(list) ? before
          : new CustomGroupVersion(List.copyOf(list), render(customV3Document(gv, list)));
      custom.put(gv, now);
      v3ByGroupVersion.put(gv, now.document());
    });
    this.v3Index = previous.v3ByGroupVersion.equals(v3ByGroupVersion) ? previous.v3Index : index();
    this.v2 = previous.v2.versions.equals(versions) ? previous.v2 : new V2(List.copyOf(versions));
  }

  /** Renders the documents of these resources against this model. */
  public static OpenApiDocuments render(SchemaModel model, Collection<OpenApiResource> resources) {
    return new OpenApiDocuments(model, resources);
  }

  /**
   * These documents with the given custom resource versions (those of the established CRDs) in place of the ones
   * they had: upstream publishes each served version of an established CRD. Cheap when little changed: only the
   * group-versions whose CRDs changed are rendered again.
   */
  public OpenApiDocuments withCustomResources(List<CustomResourceVersion> versions) {
    return new OpenApiDocuments(this, versions);
  }

  private Rendered index() {
    ObjectNode index = NODES.objectNode();
    ObjectNode indexPaths = index.putObject("paths");
    v3ByGroupVersion.forEach((gv, doc) -> indexPaths.putObject(gv).put("serverRelativeURL", serverRelativeUrl(gv)));
    return render(index);
  }

  /** The /openapi/v3 index: {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}}}. */
  public Rendered v3Index() {
    return v3Index;
  }

  /** The v3 document of "api/v1" or "apis/apps/v1". */
  public Optional<Rendered> v3(String groupVersionPath) {
    return Optional.ofNullable(v3ByGroupVersion.get(groupVersionPath));
  }

  /** /openapi/v3/api/v1?hash=HASH with the current hash, as the index lists it and a stale hash redirects to. */
  public String serverRelativeUrl(String groupVersionPath) {
    Rendered doc = v3ByGroupVersion.get(groupVersionPath);
    return "/openapi/v3/" + groupVersionPath + (doc == null ? "" : "?hash=" + doc.etag());
  }

  /** The swagger 2.0 document of /openapi/v2. */
  public Rendered v2() {
    return v2.json();
  }

  /** The swagger 2.0 document in gnostic's protobuf form, with the JSON form's ETag. */
  public Rendered v2Protobuf() {
    return v2.protobuf();
  }

  /**
   * The v2 document of the built-in resources and some custom resource versions, rendered on first use (it holds
   * every definition: upstream renders it lazily too).
   */
  private final class V2 {
    private final List<CustomResourceVersion> versions;
    private Rendered json;
    private Rendered protobuf;

    V2(List<CustomResourceVersion> versions) {
      this.versions = versions;
    }

    synchronized Rendered json() {
      if (json == null) {
        json = render(v2Document(versions));
      }
      return json;
    }

    synchronized Rendered protobuf() {
      if (protobuf == null) {
        Rendered doc = json();
        try {
          protobuf = new Rendered(OpenApiV2Protobuf.encode(JSON.readTree(doc.body())), doc.etag());
        } catch (java.io.IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return protobuf;
    }
  }

  /**
   * The v3 document of a group-version of custom resources, titled as upstream's CRD builder titles it (or, when a
   * built-in group-version has the same name, the two merged).
   */
  private ObjectNode customV3Document(String gv, List<CustomResourceVersion> versions) {
    List<PathItem> paths = new ArrayList<>(builtIn.paths().getOrDefault(gv, List.of()));
    Map<String, ObjectNode> definitions = new TreeMap<>();
    CustomResourceSchemas schemas = new CustomResourceSchemas(model, false);
    for (CustomResourceVersion v : versions) {
      paths.addAll(CustomResourcePaths.of(v));
      definitions.putAll(schemas.definitions(v));
    }
    ObjectNode doc = v3Document(gv, paths, definitions);
    if (!builtIn.paths().containsKey(gv)) {
      // the CRD builder's own configuration: its title, and no security scheme
      doc.putObject("info").put("title", "Kubernetes CRD Swagger").put("version", "v0.1.0");
      doc.remove("security");
      ((ObjectNode) doc.get("components")).remove("securitySchemes");
    }
    return doc;
  }

  /**
   * @param custom definitions that are not in the model (custom resources'), already in v3 form
   */
  private ObjectNode v3Document(String gv, List<PathItem> paths, Map<String, ObjectNode> custom) {
    ObjectNode doc = NODES.objectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", model.kubernetesVersion());
    ObjectNode pathsNode = doc.putObject("paths");
    Set<String> roots = new LinkedHashSet<>();
    for (PathItem item : paths) {
      ObjectNode pathNode = pathsNode.putObject(item.path());
      pathNode.set("parameters", pathParameters(item, true));
      for (Operation op : item.operations()) {
        pathNode.set(op.method(), v3Operation(op));
        if (op.response() != null) {
          roots.add(op.response());
        }
        if (op.body() != null) {
          roots.add(op.body());
        }
      }
    }
    roots.add(ResourcePaths.STATUS);
    if (!custom.isEmpty()) {
      roots.add(CustomResourceSchemas.OBJECT_META);
      roots.add(CustomResourceSchemas.LIST_META);
    }
    Map<String, JsonNode> all = new TreeMap<>();
    for (String name : model.reachableFrom(roots)) {
      all.put(name, v3Schema(model.definition(name).orElseThrow().json()));
    }
    all.putAll(custom);
    ObjectNode components = doc.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    all.forEach(schemas::set);
    components.putObject("securitySchemes").putObject("BearerToken")
        .put("description", "Bearer Token authentication").put("in", "header").put("name", "authorization")
        .put("type", "apiKey");
    doc.putArray("security").addObject().putArray("BearerToken");
    return doc;
  }

  private ArrayNode pathParameters(PathItem item, boolean v3) {
    ArrayNode params = NODES.arrayNode();
    for (PathItem.Parameter p : item.parameters()) {
      params.add(parameter(p.name(), p.in(), p.type(), p.description(), p.required(), v3));
    }
    return params;
  }

  private ObjectNode parameter(String name, String in, String type, String description, boolean required,
      boolean v3) {
    ObjectNode p = NODES.objectNode().put("description", description).put("in", in).put("name", name);
    if (required) {
      p.put("required", true);
    }
    if (v3) {
      p.putObject("schema").put("type", type).put("uniqueItems", true);
    } else {
      p.put("type", type).put("uniqueItems", true);
    }
    return p;
  }

  private ObjectNode v3Operation(Operation op) {
    ObjectNode node = NODES.objectNode();
    node.put("description", op.description());
    node.put("operationId", op.operationId());
    if (!op.queryParameters().isEmpty()) {
      ArrayNode params = node.putArray("parameters");
      for (String q : op.queryParameters()) {
        Parameters.Parameter p = Parameters.QUERY.get(q);
        params.add(parameter(q, "query", p.type(), p.description(), false, true));
      }
    }
    if (op.body() != null) {
      ObjectNode body = node.putObject("requestBody");
      ObjectNode content = body.putObject("content");
      for (String media : consumes(op)) {
        content.putObject(media).putObject("schema").put("$ref", V3_REF + op.body());
      }
      if (!op.method().equals("delete")) {
        body.put("required", true);
      }
    }
    ObjectNode responses = node.putObject("responses");
    for (String code : op.responseCodes()) {
      ObjectNode response = responses.putObject(code);
      ObjectNode content = response.putObject("content");
      for (String media : produces(op)) {
        content.putObject(media).set("schema", responseSchema(op, V3_REF));
      }
      response.put("description", responseDescription(code));
    }
    responses.putObject("401").put("description", "Unauthorized");
    node.putArray("tags").add(op.tag());
    node.put("x-kubernetes-action", op.action());
    node.putObject("x-kubernetes-group-version-kind").put("group", op.gvk().group()).put("kind", op.gvk().kind())
        .put("version", op.gvk().version());
    return node;
  }

  /** What the operation answers in: its own media types, or the API's (with the watch streams for list and watch). */
  private static List<String> produces(Operation op) {
    if (op.produces() != null) {
      return op.produces();
    }
    return op.isWatch() || op.action().equals("list") ? WATCH_MEDIA : MEDIA;
  }

  /** What the operation takes as its body: its own media types, or the API's. */
  private static List<String> consumes(Operation op) {
    if (op.consumes() != null) {
      return op.consumes();
    }
    return op.isPatch() ? PATCH_MEDIA : List.of("*/*");
  }

  private static String responseDescription(String code) {
    return switch (code) {
      case "201" -> "Created";
      case "202" -> "Accepted";
      default -> "OK";
    };
  }

  /** A reference to the response's definition, or a plain string for log and connect operations. */
  private static ObjectNode responseSchema(Operation op, String refPrefix) {
    return op.response() == null ? NODES.objectNode().put("type", "string")
        : NODES.objectNode().put("$ref", refPrefix + op.response());
  }

  /** Upstream's v3 wraps a described $ref in allOf, since OpenAPI 3.0 ignores the siblings of a $ref. */
  private static JsonNode v3Schema(JsonNode schema) {
    if (schema.isObject()) {
      ObjectNode copy = NODES.objectNode();
      // a textual $ref is a reference; JSONSchemaProps also has a property named "$ref"
      if (schema.path("$ref").isTextual() && schema.size() > 1) {
        copy.putArray("allOf").addObject().put("$ref", schema.get("$ref").asText());
        schema.properties().forEach(e -> {
          if (!e.getKey().equals("$ref")) {
            copy.set(e.getKey(), v3Schema(e.getValue()));
          }
        });
        return copy;
      }
      schema.properties().forEach(e -> copy.set(e.getKey(), v3Schema(e.getValue())));
      return copy;
    }
    if (schema.isArray()) {
      ArrayNode copy = NODES.arrayNode();
      schema.forEach(e -> copy.add(v3Schema(e)));
      return copy;
    }
    return schema;
  }

  private ObjectNode v2Document(List<CustomResourceVersion> versions) {
    List<PathItem> paths = new ArrayList<>();
    builtIn.paths().values().forEach(paths::addAll);
    Map<String, ObjectNode> custom = new TreeMap<>();
    CustomResourceSchemas schemas = new CustomResourceSchemas(model, true);
    for (CustomResourceVersion v : versions) {
      paths.addAll(CustomResourcePaths.of(v));
      custom.putAll(schemas.definitions(v));
    }
    ObjectNode doc = NODES.objectNode();
    doc.put("swagger", "2.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", model.kubernetesVersion());
    ObjectNode pathsNode = doc.putObject("paths");
    for (PathItem item : paths) {
      ObjectNode pathNode = pathsNode.putObject(item.path());
      for (Operation op : item.operations()) {
        pathNode.set(op.method(), v2Operation(op));
      }
      pathNode.set("parameters", pathParameters(item, false));
    }
    ObjectNode definitions = doc.putObject("definitions");
    for (var type : model.definitions()) {
      definitions.set(type.name(), v2Schema(type.json()));
    }
    custom.forEach(definitions::set);
    doc.putObject("securityDefinitions").putObject("BearerToken")
        .put("description", "Bearer Token authentication").put("in", "header").put("name", "authorization")
        .put("type", "apiKey");
    doc.putArray("security").addObject().putArray("BearerToken");
    return doc;
  }

  private ObjectNode v2Operation(Operation op) {
    ObjectNode node = NODES.objectNode();
    ArrayNode consumes = node.putArray("consumes");
    consumes(op).forEach(consumes::add);
    node.put("description", op.description());
    node.put("operationId", op.operationId());
    ArrayNode params = NODES.arrayNode();
    if (op.body() != null) {
      ObjectNode body = params.addObject().put("in", "body").put("name", "body");
      if (!op.method().equals("delete")) {
        body.put("required", true);
      }
      body.putObject("schema").put("$ref", V2_REF + op.body());
    }
    for (String q : op.queryParameters()) {
      Parameters.Parameter p = Parameters.QUERY.get(q);
      params.add(parameter(q, "query", p.type(), p.description(), false, false));
    }
    if (!params.isEmpty()) {
      node.set("parameters", params);
    }
    ArrayNode produces = node.putArray("produces");
    produces(op).forEach(produces::add);
    ObjectNode responses = node.putObject("responses");
    for (String code : op.responseCodes()) {
      responses.putObject(code).put("description", responseDescription(code))
          .set("schema", responseSchema(op, V2_REF));
    }
    responses.putObject("401").put("description", "Unauthorized");
    node.putArray("schemes").add("https");
    node.putArray("tags").add(op.tag());
    node.put("x-kubernetes-action", op.action());
    node.putObject("x-kubernetes-group-version-kind").put("group", op.gvk().group()).put("kind", op.gvk().kind())
        .put("version", op.gvk().version());
    return node;
  }

  /** Swagger 2.0 refers to #/definitions/ and has no allOf wrapping of described refs. */
  private static JsonNode v2Schema(JsonNode schema) {
    if (schema.isObject()) {
      ObjectNode copy = NODES.objectNode();
      schema.properties().forEach(e -> {
        if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
          copy.put("$ref", V2_REF + e.getValue().asText().substring(V3_REF.length()));
        } else {
          copy.set(e.getKey(), v2Schema(e.getValue()));
        }
      });
      return copy;
    }
    if (schema.isArray()) {
      ArrayNode copy = NODES.arrayNode();
      schema.forEach(e -> copy.add(v2Schema(e)));
      return copy;
    }
    return schema;
  }

  private static Rendered render(JsonNode document) {
    try {
      byte[] body = JSON.writeValueAsBytes(document);
      return new Rendered(body, HexFormat.of().withUpperCase().formatHex(
          MessageDigest.getInstance("SHA-512").digest(body)));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is part of every Java platform", e);
    }
  }
}
