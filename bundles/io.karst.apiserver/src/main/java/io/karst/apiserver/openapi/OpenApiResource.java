package io.karst.apiserver.openapi;

import java.util.List;

/**
 * A served resource as the OpenAPI renderer needs it; the API server adapts its registry to this, from the same
 * data its discovery lists, so that a path is published exactly when the server serves it.
 *
 * @param verbs the discovery verbs: get, list, watch, create, update, patch, delete, deletecollection
 * @param subresources served subresources such as status, scale, binding, eviction, log, exec, proxy
 */
public record OpenApiResource(String group, String version, String kind, String plural, boolean namespaced,
    List<String> verbs, List<Subresource> subresources) {

  public OpenApiResource {
    verbs = List.copyOf(verbs);
    subresources = List.copyOf(subresources);
  }

  /** api/v1 or apis/apps/v1: the key of the /openapi/v3 index and the path prefix. */
  public String groupVersionPath() {
    return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
  }

  /**
   * A subresource as discovery lists it.
   *
   * @param kind the kind discovery names (PodExecOptions for pods/exec, Pod for pods/log): the kind of the
   *     x-kubernetes-group-version-kind of its connect operations
   * @param verbs the discovery verbs, which decide the HTTP methods published (get also covers HEAD and OPTIONS
   *     of a proxy, which discovery never lists)
   */
  public record Subresource(String name, String kind, List<String> verbs) {

    public Subresource {
      verbs = List.copyOf(verbs);
    }
  }
}
