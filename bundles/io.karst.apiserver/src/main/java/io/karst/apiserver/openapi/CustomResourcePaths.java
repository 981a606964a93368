package io.karst.apiserver.openapi;

import io.karst.apiserver.schema.GroupVersionKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The paths upstream's apiextensions-apiserver publishes for one custom resource version: the list across
 * namespaces, the collection (list, create, deletecollection), the object (read, replace, delete, patch) and the
 * status and scale subresources when the version has them. Unlike the built-in resources': no watch paths, JSON and
 * YAML only, patches as JSON patch, merge patch or apply (no strategic merge), every operation marked with the
 * custom resource's group-version-kind (the scale operations too), and deletecollection taking list options.
 */
final class CustomResourcePaths {

  private static final List<String> MEDIA = List.of("application/json", "application/yaml");
  private static final List<String> PATCH_MEDIA = List.of("application/json-patch+json",
      "application/merge-patch+json", "application/apply-patch+yaml");
  private static final List<String> GET = List.of("resourceVersion");
  private static final String NAMESPACE = "object name and auth scope, such as for teams and projects";

  private CustomResourcePaths() {}

  static List<PathItem> of(CustomResourceVersion v) {
    String kindDef = CustomResourceSchemas.definitionName(v.group(), v.version(), v.kind());
    String listDef = CustomResourceSchemas.definitionName(v.group(), v.version(), v.listKind());
    Operations ops = new Operations(v);
    String root = "/" + v.groupVersionPath();
    String collection = root + (v.namespaced() ? "/namespaces/{namespace}/" : "/") + v.plural();
    String item = collection + "/{name}";
    List<PathItem> paths = new ArrayList<>();
    if (v.namespaced()) {
      paths.add(path(v, root + "/" + v.plural(), false, List.of(ops.of("get", "list",
          "list" + ops.gv + v.kind() + "ForAllNamespaces", "list objects of kind " + v.kind(), Parameters.LIST,
          null, listDef, List.of("200")))));
    }
    paths.add(path(v, collection, false, List.of(
        ops.of("get", "list", "list" + ops.stem, "list objects of kind " + v.kind(), Parameters.LIST, null,
            listDef, List.of("200")),
        ops.of("post", "post", "create" + ops.stem, "create " + article(v.kind()), Parameters.CREATE, kindDef,
            kindDef, List.of("200", "201", "202")),
        ops.of("delete", "deletecollection", "deleteCollection" + ops.stem, "delete collection of " + v.kind(),
            Parameters.LIST, null, ResourcePaths.STATUS, List.of("200")))));
    paths.add(path(v, item, true, List.of(
        ops.of("get", "get", "read" + ops.stem, "read the specified " + v.kind(), GET, null, kindDef,
            List.of("200")),
        ops.of("put", "put", "replace" + ops.stem, "replace the specified " + v.kind(), Parameters.CREATE, kindDef,
            kindDef, List.of("200", "201")),
        ops.of("delete", "delete", "delete" + ops.stem, "delete " + article(v.kind()), Parameters.DELETE,
            ResourcePaths.DELETE_OPTIONS, ResourcePaths.STATUS, List.of("200", "202")),
        ops.of("patch", "patch", "patch" + ops.stem, "partially update the specified " + v.kind(),
            Parameters.PATCH, ResourcePaths.PATCH, kindDef, List.of("200")))));
    if (v.status()) {
      paths.add(subresource(v, ops, item, "status", kindDef));
    }
    if (v.scale()) {
      paths.add(subresource(v, ops, item, "scale", ResourcePaths.SCALE));
    }
    return paths;
  }

  private static PathItem subresource(CustomResourceVersion v, Operations ops, String item, String name,
      String definition) {
    String suffix = Character.toUpperCase(name.charAt(0)) + name.substring(1);
    return path(v, item + "/" + name, true, List.of(
        ops.of("get", "get", "read" + ops.stem + suffix, "read " + name + " of the specified " + v.kind(), GET,
            null, definition, List.of("200")),
        ops.of("put", "put", "replace" + ops.stem + suffix, "replace " + name + " of the specified " + v.kind(),
            Parameters.CREATE, definition, definition, List.of("200", "201")),
        ops.of("patch", "patch", "patch" + ops.stem + suffix,
            "partially update " + name + " of the specified " + v.kind(), Parameters.PATCH, ResourcePaths.PATCH,
            definition, List.of("200"))));
  }

  /** name (of the kind), namespace and pretty, which every operation of the path takes: path-level parameters. */
  private static PathItem path(CustomResourceVersion v, String path, boolean named, List<Operation> operations) {
    List<PathItem.Parameter> params = new ArrayList<>();
    if (named) {
      params.add(PathItem.Parameter.path("name", "name of the " + v.kind()));
    }
    if (v.namespaced() && path.contains("{namespace}")) {
      params.add(PathItem.Parameter.path("namespace", NAMESPACE));
    }
    params.add(PathItem.Parameter.query("pretty", "string", Parameters.QUERY.get("pretty").description()));
    return new PathItem(path, params, operations);
  }

  /** The operations of one version: its operation id stem (StableExampleComV1NamespacedCronTab), tag and kind. */
  private static final class Operations {
    final String gv;
    final String stem;
    final String tag;
    final GroupVersionKind gvk;

    Operations(CustomResourceVersion v) {
      gv = ResourcePaths.operationGroupVersion(v.group(), v.version());
      stem = gv + (v.namespaced() ? "Namespaced" : "") + v.kind();
      tag = ResourcePaths.tag(v.group(), v.version());
      gvk = new GroupVersionKind(v.group(), v.version(), v.kind());
    }

    Operation of(String method, String action, String id, String description, List<String> query, String body,
        String response, List<String> codes) {
      return new Operation(method, action, id, description, query, body, response, codes, gvk, tag, MEDIA,
          method.equals("patch") ? PATCH_MEDIA : MEDIA);
    }
  }

  private static String article(String kind) {
    return ("AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
  }
}
