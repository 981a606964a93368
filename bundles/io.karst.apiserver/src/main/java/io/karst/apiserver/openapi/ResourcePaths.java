package io.karst.apiserver.openapi;

import io.karst.apiserver.schema.GroupVersionKind;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.schema.TypeSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The paths and operations upstream publishes for one resource: the collection, the item, the all-namespaces
 * list, the deprecated watch paths, the status, scale, binding and eviction subresources, and the log and connect
 * subresources (exec, attach, portforward, proxy) with the methods their discovery verbs allow, with upstream's
 * operation ids (listCoreV1NamespacedPod, patchAppsV1NamespacedDeploymentScale, connectCoreV1PostNamespacedPodExec).
 */
final class ResourcePaths {

  static final String STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
  static final String WATCH_EVENT = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";
  static final String DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
  static final String PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
  static final String SCALE = "io.k8s.api.autoscaling.v1.Scale";
  static final String BINDING = "io.k8s.api.core.v1.Binding";
  static final String EVICTION = "io.k8s.api.policy.v1.Eviction";
  private static final String NAMESPACE_DESCRIPTION = "object name and auth scope, such as for teams and projects";
  /** pods/log answers text/plain as well as the API's media types. */
  private static final List<String> LOG_MEDIA = List.of("text/plain", "application/json", "application/yaml",
      "application/vnd.kubernetes.protobuf");
  /** A connect operation hands the connection over (stream upgrade, proxied response): any media type. */
  private static final List<String> CONNECT_MEDIA = List.of("*/*");
  private static final List<String> STREAM_METHODS = List.of("get", "post");
  private static final List<String> PROXY_METHODS = List.of("delete", "get", "head", "options", "patch", "post",
      "put");
  /** The discovery verb that says a method is served; HEAD and OPTIONS come with GET (discovery lists neither). */
  private static final Map<String, String> DISCOVERY_VERB = Map.of("get", "get", "head", "get", "options", "get",
      "post", "create", "put", "update", "patch", "patch", "delete", "delete");

  private ResourcePaths() {}

  /** The paths of a resource, or nothing when the model has no definition for its kind. */
  static List<PathItem> of(OpenApiResource r, SchemaModel model) {
    GroupVersionKind gvk = new GroupVersionKind(r.group(), r.version(), r.kind());
    Optional<TypeSchema> type = model.forKind(gvk);
    if (type.isEmpty()) {
      return List.of();
    }
    String kindDef = type.get().name();
    String listDef = model.forKind(r.group(), r.version(), r.kind() + "List").map(TypeSchema::name).orElse(kindDef);
    String gv = operationGroupVersion(r.group(), r.version());
    String ns = r.namespaced() ? "Namespaced" : "";
    String tag = tag(r.group(), r.version());
    String root = "/" + r.groupVersionPath();
    String collection = root + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural();
    String item = collection + "/{name}";
    List<PathItem> paths = new ArrayList<>();

    List<Operation> onCollection = new ArrayList<>();
    if (r.verbs().contains("list")) {
      onCollection.add(new Operation("get", "list", "list" + gv + ns + r.kind(),
          "list or watch objects of kind " + r.kind(), Parameters.LIST, null, listDef, false, gvk, tag));
    }
    if (r.verbs().contains("create")) {
      onCollection.add(new Operation("post", "post", "create" + gv + ns + r.kind(), "create " + article(r.kind()),
          Parameters.CREATE, kindDef, kindDef, true, gvk, tag));
    }
    if (r.verbs().contains("deletecollection")) {
      onCollection.add(new Operation("delete", "deletecollection", "deleteCollection" + gv + ns + r.kind(),
          "delete collection of " + r.kind(), Parameters.DELETE_COLLECTION, DELETE_OPTIONS, STATUS, false, gvk,
          tag));
    }
    add(paths, collection, false, r.namespaced(), onCollection);

    List<Operation> onItem = new ArrayList<>();
    if (r.verbs().contains("get")) {
      onItem.add(new Operation("get", "get", "read" + gv + ns + r.kind(), "read the specified " + r.kind(),
          List.of(), null, kindDef, false, gvk, tag));
    }
    if (r.verbs().contains("update")) {
      onItem.add(new Operation("put", "put", "replace" + gv + ns + r.kind(), "replace the specified " + r.kind(),
          Parameters.CREATE, kindDef, kindDef, true, gvk, tag));
    }
    if (r.verbs().contains("patch")) {
      onItem.add(new Operation("patch", "patch", "patch" + gv + ns + r.kind(),
          "partially update the specified " + r.kind(), Parameters.PATCH, PATCH, kindDef, true, gvk, tag));
    }
    if (r.verbs().contains("delete")) {
      onItem.add(new Operation("delete", "delete", "delete" + gv + ns + r.kind(), "delete " + article(r.kind()),
          Parameters.DELETE, DELETE_OPTIONS, STATUS, false, gvk, tag));
    }
    add(paths, item, true, r.namespaced(), onItem);

    if (r.namespaced() && r.verbs().contains("list")) {
      add(paths, root + "/" + r.plural(), false, false, List.of(new Operation("get", "list",
          "list" + gv + r.kind() + "ForAllNamespaces", "list or watch objects of kind " + r.kind(), Parameters.LIST,
          null, listDef, false, gvk, tag)));
    }
    if (r.verbs().contains("watch")) {
      String watchRoot = root + "/watch" + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural();
      add(paths, watchRoot, false, r.namespaced(), List.of(new Operation("get", "watchlist",
          "watch" + gv + ns + r.kind() + "List", "watch individual changes to a list of " + r.kind()
              + ". deprecated: use the 'watch' parameter with a list operation instead.",
          Parameters.LIST, null, WATCH_EVENT, false, gvk, tag)));
      add(paths, watchRoot + "/{name}", true, r.namespaced(), List.of(new Operation("get", "watch",
          "watch" + gv + ns + r.kind(), "watch changes to an object of kind " + r.kind()
              + ". deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item"
              + " with the 'fieldSelector' parameter.",
          Parameters.LIST, null, WATCH_EVENT, false, gvk, tag)));
      if (r.namespaced()) {
        add(paths, root + "/watch/" + r.plural(), false, false, List.of(new Operation("get", "watchlist",
            "watch" + gv + r.kind() + "ListForAllNamespaces", "watch individual changes to a list of " + r.kind()
                + ". deprecated: use the 'watch' parameter with a list operation instead.",
            Parameters.LIST, null, WATCH_EVENT, false, gvk, tag)));
      }
    }
    for (OpenApiResource.Subresource sub : r.subresources()) {
      subresource(paths, r, sub, item, gv, ns, gvk, kindDef, tag);
    }
    return paths;
  }

  private static void subresource(List<PathItem> paths, OpenApiResource r, OpenApiResource.Subresource sub,
      String item, String gv, String ns, GroupVersionKind gvk, String kindDef, String tag) {
    String name = sub.name();
    String path = item + "/" + name;
    String idStem = gv + ns + r.kind();
    String suffix = Character.toUpperCase(name.charAt(0)) + name.substring(1);
    switch (name) {
      case "status", "scale" -> {
        String def = name.equals("scale") ? SCALE : kindDef;
        GroupVersionKind opGvk = name.equals("scale") ? new GroupVersionKind("autoscaling", "v1", "Scale") : gvk;
        add(paths, path, true, r.namespaced(), List.of(
            new Operation("get", "get", "read" + idStem + suffix, "read " + name + " of the specified " + r.kind(),
                List.of(), null, def, false, opGvk, tag),
            new Operation("put", "put", "replace" + idStem + suffix,
                "replace " + name + " of the specified " + r.kind(), Parameters.CREATE, def, def, true, opGvk, tag),
            new Operation("patch", "patch", "patch" + idStem + suffix,
                "partially update " + name + " of the specified " + r.kind(), Parameters.PATCH, PATCH, def, true,
                opGvk, tag)));
      }
      case "binding", "eviction" -> {
        String def = name.equals("binding") ? BINDING : EVICTION;
        GroupVersionKind opGvk = name.equals("binding") ? new GroupVersionKind("", "v1", "Binding")
            : new GroupVersionKind("policy", "v1", "Eviction");
        add(paths, path, true, r.namespaced(), List.of(new Operation("post", "post", "create" + idStem + suffix,
            "create " + name + " of " + article(r.kind()), Parameters.CREATE, def, def, true, opGvk, tag)));
      }
      case "log" -> {
        if (sub.verbs().contains("get")) {
          List<PathItem.Parameter> options = new ArrayList<>(Parameters.subresourceOptions(name, sub.kind()));
          options.add(PathItem.Parameter.query("pretty", "string", Parameters.QUERY.get("pretty").description()));
          paths.add(new PathItem(path, sorted(itemParameters(r, sub.kind()), options), List.of(new Operation(
              "get", "get", "read" + idStem + suffix, "read log of the specified " + r.kind(), List.of(), null, null,
              false, new GroupVersionKind(r.group(), r.version(), sub.kind()), tag, LOG_MEDIA))));
        }
      }
      case "exec", "attach", "portforward", "proxy" -> connect(paths, r, sub, item, gv, ns, tag);
      default -> {
        // finalize, token: not published yet
      }
    }
  }

  /**
   * A connect subresource: one operation per HTTP method its discovery verbs allow, each answering a string in
   * any media type, its options at path level; a proxy also has the {path} form that carries the proxied path.
   */
  private static void connect(List<PathItem> paths, OpenApiResource r, OpenApiResource.Subresource sub,
      String item, String gv, String ns, String tag) {
    String name = sub.name();
    List<String> methods = (name.equals("proxy") ? PROXY_METHODS : STREAM_METHODS).stream()
        .filter(m -> sub.verbs().contains(DISCOVERY_VERB.get(m))).toList();
    if (methods.isEmpty()) {
      return;
    }
    GroupVersionKind opGvk = new GroupVersionKind(r.group(), r.version(), sub.kind());
    List<PathItem.Parameter> base = itemParameters(r, sub.kind());
    List<PathItem.Parameter> options = Parameters.subresourceOptions(name, sub.kind());
    String suffix = Character.toUpperCase(name.charAt(0)) + name.substring(1);
    List<Operation> ops = new ArrayList<>();
    List<Operation> withPathOps = new ArrayList<>();
    for (String method : methods) {
      String upper = method.toUpperCase(Locale.ROOT);
      // connectCoreV1PostNamespacedPodExec: the method sits between the group-version and the kind
      String id = "connect" + gv + upper.charAt(0) + method.substring(1) + ns + r.kind() + suffix;
      String description = "connect " + upper + " requests to " + name + " of " + r.kind();
      ops.add(new Operation(method, "connect", id, description, List.of(), null, null, false, opGvk, tag,
          CONNECT_MEDIA));
      withPathOps.add(new Operation(method, "connect", id + "WithPath", description, List.of(), null, null, false,
          opGvk, tag, CONNECT_MEDIA));
    }
    paths.add(new PathItem(item + "/" + name, sorted(base, options), ops));
    if (name.equals("proxy")) {
      List<PathItem.Parameter> withPath = new ArrayList<>(options);
      withPath.add(PathItem.Parameter.path("path", "path to the resource"));
      paths.add(new PathItem(item + "/" + name + "/{path}", sorted(base, withPath), withPathOps));
    }
  }

  /** name (described by the kind the path serves) and, for a namespaced resource, namespace. */
  private static List<PathItem.Parameter> itemParameters(OpenApiResource r, String nameOf) {
    List<PathItem.Parameter> params = new ArrayList<>();
    params.add(PathItem.Parameter.path("name", "name of the " + nameOf));
    if (r.namespaced()) {
      params.add(PathItem.Parameter.path("namespace", NAMESPACE_DESCRIPTION));
    }
    return params;
  }

  /** Upstream lists path-level parameters by name (the path parameter first when a query one has its name). */
  private static List<PathItem.Parameter> sorted(List<PathItem.Parameter> first, List<PathItem.Parameter> more) {
    List<PathItem.Parameter> all = new ArrayList<>(first);
    all.addAll(more);
    all.sort(Comparator.comparing(PathItem.Parameter::name).thenComparing(PathItem.Parameter::in));
    return all;
  }

  private static void add(List<PathItem> paths, String path, boolean hasName, boolean hasNamespace,
      List<Operation> operations) {
    if (!operations.isEmpty()) {
      List<PathItem.Parameter> params = new ArrayList<>();
      if (hasName) {
        params.add(PathItem.Parameter.path("name", "name of the object"));
      }
      if (hasNamespace) {
        params.add(PathItem.Parameter.path("namespace", NAMESPACE_DESCRIPTION));
      }
      params.add(PathItem.Parameter.query("pretty", "string", Parameters.QUERY.get("pretty").description()));
      paths.add(new PathItem(path, params, operations));
    }
  }

  /** CoreV1, AppsV1, RbacAuthorizationV1, FlowcontrolApiserverV1: upstream's operation id stem. */
  static String operationGroupVersion(String group, String version) {
    return camel(group.isEmpty() ? "core" : group.replace(".k8s.io", "")) + camel(version);
  }

  /** core_v1, apps_v1, rbacAuthorization_v1: upstream's operation tag. */
  static String tag(String group, String version) {
    String g = camel(group.isEmpty() ? "core" : group.replace(".k8s.io", ""));
    return Character.toLowerCase(g.charAt(0)) + g.substring(1) + "_" + version;
  }

  private static String camel(String dotted) {
    StringBuilder out = new StringBuilder();
    for (String part : dotted.split("[.-]")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  private static String article(String kind) {
    return ("AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
  }
}
