package io.karst.apiserver.openapi;

import io.karst.apiserver.schema.GroupVersionKind;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.schema.TypeSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The paths and operations upstream publishes for one resource: the collection, the item, the all-namespaces
 * list, the deprecated watch paths, and the status, scale, binding and eviction subresources, with upstream's
 * operation ids (listCoreV1NamespacedPod, patchAppsV1NamespacedDeploymentScale).
 */
final class ResourcePaths {

  static final String STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
  static final String WATCH_EVENT = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";
  static final String DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
  static final String PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
  static final String SCALE = "io.k8s.api.autoscaling.v1.Scale";
  static final String BINDING = "io.k8s.api.core.v1.Binding";
  static final String EVICTION = "io.k8s.api.policy.v1.Eviction";

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
    for (String sub : r.subresources()) {
      subresource(paths, r, sub, item, gv + ns + r.kind(), gvk, kindDef, tag);
    }
    return paths;
  }

  private static void subresource(List<PathItem> paths, OpenApiResource r, String sub, String item, String idStem,
      GroupVersionKind gvk, String kindDef, String tag) {
    String path = item + "/" + sub;
    String suffix = Character.toUpperCase(sub.charAt(0)) + sub.substring(1);
    switch (sub) {
      case "status", "scale" -> {
        String def = sub.equals("scale") ? SCALE : kindDef;
        GroupVersionKind opGvk = sub.equals("scale") ? new GroupVersionKind("autoscaling", "v1", "Scale") : gvk;
        add(paths, path, true, r.namespaced(), List.of(
            new Operation("get", "get", "read" + idStem + suffix, "read " + sub + " of the specified " + r.kind(),
                List.of(), null, def, false, opGvk, tag),
            new Operation("put", "put", "replace" + idStem + suffix,
                "replace " + sub + " of the specified " + r.kind(), Parameters.CREATE, def, def, true, opGvk, tag),
            new Operation("patch", "patch", "patch" + idStem + suffix,
                "partially update " + sub + " of the specified " + r.kind(), Parameters.PATCH, PATCH, def, true,
                opGvk, tag)));
      }
      case "binding", "eviction" -> {
        String def = sub.equals("binding") ? BINDING : EVICTION;
        GroupVersionKind opGvk = sub.equals("binding") ? new GroupVersionKind("", "v1", "Binding")
            : new GroupVersionKind("policy", "v1", "Eviction");
        add(paths, path, true, r.namespaced(), List.of(new Operation("post", "post", "create" + idStem + suffix,
            "create " + sub + " of " + article(r.kind()), Parameters.CREATE, def, def, true, opGvk, tag)));
      }
      default -> {
        // log, exec, attach, portforward, proxy: connect operations with no schema of their own
      }
    }
  }

  private static void add(List<PathItem> paths, String path, boolean hasName, boolean hasNamespace,
      List<Operation> operations) {
    if (!operations.isEmpty()) {
      paths.add(new PathItem(path, hasName, hasNamespace, operations));
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
