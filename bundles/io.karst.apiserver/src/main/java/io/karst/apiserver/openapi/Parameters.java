package io.karst.apiserver.openapi;

import java.util.Map;

/**
 * The query parameters of the Kubernetes API operations, with their schema type and a short description.
 * kubectl looks for fieldValidation on PATCH to decide whether the server validates fields itself.
 */
final class Parameters {

  record Parameter(String type, String description) {}

  static final Map<String, Parameter> QUERY = Map.ofEntries(
      Map.entry("allowWatchBookmarks", new Parameter("boolean",
          "requests watch events of type BOOKMARK; servers may ignore it")),
      Map.entry("continue", new Parameter("string",
          "the continue token of the previous page of a paginated list")),
      Map.entry("dryRun", new Parameter("string",
          "when present (All), the change is validated and processed but not persisted")),
      Map.entry("fieldManager", new Parameter("string", "the name of the actor making the change")),
      Map.entry("fieldSelector", new Parameter("string", "restricts the returned objects by their fields")),
      Map.entry("fieldValidation", new Parameter("string",
          "what the server does with unknown or duplicate fields: Ignore, Warn (the default) or Strict")),
      Map.entry("force", new Parameter("boolean",
          "re-acquires conflicting fields owned by other managers; apply requests only")),
      Map.entry("gracePeriodSeconds", new Parameter("integer",
          "seconds before the object is deleted; zero deletes immediately")),
      Map.entry("ignoreStoreReadErrorWithClusterBreakingPotential", new Parameter("boolean",
          "deletes a corrupt object that cannot be read from storage")),
      Map.entry("labelSelector", new Parameter("string", "restricts the returned objects by their labels")),
      Map.entry("limit", new Parameter("integer", "the maximum number of objects of one list response")),
      Map.entry("orphanDependents", new Parameter("boolean",
          "deprecated: use propagationPolicy; whether dependents are orphaned")),
      Map.entry("propagationPolicy", new Parameter("string",
          "whether and how garbage collection happens: Orphan, Background or Foreground")),
      Map.entry("resourceVersion", new Parameter("string", "which resource version a read is served from")),
      Map.entry("resourceVersionMatch", new Parameter("string",
          "how resourceVersion applies to a list: Exact or NotOlderThan")),
      Map.entry("sendInitialEvents", new Parameter("boolean",
          "starts a watch with synthetic events for the current state")),
      Map.entry("timeoutSeconds", new Parameter("integer", "a timeout for list and watch calls")),
      Map.entry("watch", new Parameter("boolean", "watches for changes instead of listing")),
      Map.entry("pretty", new Parameter("string", "if 'true', the output is pretty printed")));

  static final java.util.List<String> LIST = java.util.List.of("allowWatchBookmarks", "continue", "fieldSelector",
      "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds",
      "watch");
  static final java.util.List<String> CREATE = java.util.List.of("dryRun", "fieldManager", "fieldValidation");
  static final java.util.List<String> PATCH = java.util.List.of("dryRun", "fieldManager", "fieldValidation",
      "force");
  static final java.util.List<String> DELETE = java.util.List.of("dryRun", "gracePeriodSeconds",
      "ignoreStoreReadErrorWithClusterBreakingPotential", "orphanDependents", "propagationPolicy");
  static final java.util.List<String> DELETE_COLLECTION = java.util.List.of("continue", "dryRun", "fieldSelector",
      "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential", "labelSelector", "limit",
      "orphanDependents", "propagationPolicy", "resourceVersion", "resourceVersionMatch", "sendInitialEvents",
      "timeoutSeconds");

  private Parameters() {}
}
