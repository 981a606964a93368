package io.karst.apiserver.openapi;

import io.karst.apiserver.schema.GroupVersionKind;
import java.util.List;

/**
 * One operation of a resource path, independent of the OpenAPI version it is rendered in.
 *
 * @param method get, put, post, patch, delete, head or options
 * @param action upstream's x-kubernetes-action: get, list, watch, watchlist, post, put, patch, delete,
 *     deletecollection, connect
 * @param queryParameters names from {@link Parameters}, in upstream's order
 * @param body the definition of the request body, or null; PATCH bodies name meta.v1.Patch
 * @param response the definition of the 200 response, or null for a plain string (log and connect operations)
 * @param responseCodes the success codes answered with the response: 200, and 201/202 for writes that create
 * @param gvk upstream's x-kubernetes-group-version-kind
 * @param produces the media types of the response, or null for the API's (JSON, YAML, protobuf; with the watch
 *     streams for list and watch)
 * @param consumes the media types of the request body, or null for the API's (the patch types for a patch, any
 *     other type otherwise)
 */
record Operation(String method, String action, String operationId, String description, List<String> queryParameters,
    String body, String response, List<String> responseCodes, GroupVersionKind gvk, String tag,
    List<String> produces, List<String> consumes) {

  private static final List<String> OK = List.of("200");
  private static final List<String> CREATED = List.of("200", "201", "202");

  /** An operation on objects: its response is a definition, served in the API's media types. */
  Operation(String method, String action, String operationId, String description, List<String> queryParameters,
      String body, String response, boolean created, GroupVersionKind gvk, String tag) {
    this(method, action, operationId, description, queryParameters, body, response, created, gvk, tag, null);
  }

  /**
   * @param created whether the operation answers 201 and 202 besides 200
   */
  Operation(String method, String action, String operationId, String description, List<String> queryParameters,
      String body, String response, boolean created, GroupVersionKind gvk, String tag, List<String> produces) {
    this(method, action, operationId, description, queryParameters, body, response, created ? CREATED : OK, gvk,
        tag, produces, null);
  }

  boolean isWatch() {
    return action.startsWith("watch");
  }

  /** Whether the request body is a patch document (PATCH of an object; a proxied PATCH takes anything). */
  boolean isPatch() {
    return method.equals("patch") && action.equals("patch");
  }
}
