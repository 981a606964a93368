package io.karst.apiserver.openapi;

import io.karst.apiserver.schema.GroupVersionKind;
import java.util.List;

/**
 * One operation of a resource path, independent of the OpenAPI version it is rendered in.
 *
 * @param method get, put, post, patch or delete
 * @param action upstream's x-kubernetes-action: get, list, watch, watchlist, post, put, patch, delete,
 *     deletecollection
 * @param queryParameters names from {@link Parameters}, in upstream's order
 * @param body the definition of the request body, or null; PATCH bodies name meta.v1.Patch
 * @param response the definition of the 200 response
 * @param created whether create answers 201 and 202 besides 200
 */
record Operation(String method, String action, String operationId, String description, List<String> queryParameters,
    String body, String response, boolean created, GroupVersionKind gvk, String tag) {

  boolean isWatch() {
    return action.startsWith("watch");
  }
}
