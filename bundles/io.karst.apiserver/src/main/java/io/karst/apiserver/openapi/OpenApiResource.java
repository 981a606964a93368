package io.karst.apiserver.openapi;

import java.util.List;

/**
 * A served resource as the OpenAPI renderer needs it; the API server adapts its registry to this.
 *
 * @param verbs the discovery verbs: get, list, watch, create, update, patch, delete, deletecollection
 * @param subresources served subresources such as status, scale, binding, eviction
 */
public record OpenApiResource(String group, String version, String kind, String plural, boolean namespaced,
    List<String> verbs, List<String> subresources) {

  public OpenApiResource {
    verbs = List.copyOf(verbs);
    subresources = List.copyOf(subresources);
  }

  /** api/v1 or apis/apps/v1: the key of the /openapi/v3 index and the path prefix. */
  public String groupVersionPath() {
    return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
  }
}
