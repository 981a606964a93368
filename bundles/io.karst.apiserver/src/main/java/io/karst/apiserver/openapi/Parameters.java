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

  /**
   * The options of a log or connect subresource (PodLogOptions, PodExecOptions, ...) as upstream publishes them:
   * query parameters at path level. Log leaves out sinceTime (upstream publishes no time-typed parameter) and
   * stream, which this server does not support.
   */
  static java.util.List<PathItem.Parameter> subresourceOptions(String subresource, String kind) {
    return switch (subresource) {
      case "log" -> java.util.List.of(
          PathItem.Parameter.query("container", "string",
              "the container whose log is read; may be left out when the pod has one container"),
          PathItem.Parameter.query("follow", "boolean", "keeps streaming the log as it grows"),
          PathItem.Parameter.query("insecureSkipTLSVerifyBackend", "boolean",
              "does not verify the serving certificate of the kubelet the log is read from"),
          PathItem.Parameter.query("limitBytes", "integer", "stops after this many bytes of log"),
          PathItem.Parameter.query("previous", "boolean", "reads the log of the previous, terminated container"),
          PathItem.Parameter.query("sinceSeconds", "integer", "shows only the log of the last seconds"),
          PathItem.Parameter.query("tailLines", "integer", "shows only this many lines from the end of the log"),
          PathItem.Parameter.query("timestamps", "boolean", "prefixes every line with its RFC3339 timestamp"));
      case "exec" -> java.util.List.of(
          PathItem.Parameter.query("command", "string",
              "the command to run, one parameter per argument; not run in a shell"),
          PathItem.Parameter.query("container", "string",
              "the container to run the command in; may be left out when the pod has one container"),
          PathItem.Parameter.query("stderr", "boolean", "streams the command's standard error"),
          PathItem.Parameter.query("stdin", "boolean", "streams the command's standard input; defaults to false"),
          PathItem.Parameter.query("stdout", "boolean", "streams the command's standard output"),
          PathItem.Parameter.query("tty", "boolean", "allocates a terminal for the command; defaults to false"));
      case "attach" -> java.util.List.of(
          PathItem.Parameter.query("container", "string",
              "the container to attach to; may be left out when the pod has one container"),
          PathItem.Parameter.query("stderr", "boolean", "streams the container's standard error"),
          PathItem.Parameter.query("stdin", "boolean", "streams the container's standard input; defaults to false"),
          PathItem.Parameter.query("stdout", "boolean", "streams the container's standard output"),
          PathItem.Parameter.query("tty", "boolean", "the container's terminal; defaults to false"));
      case "portforward" -> java.util.List.of(
          PathItem.Parameter.query("ports", "integer", "the ports to forward; needed with WebSockets"));
      case "proxy" -> java.util.List.of(PathItem.Parameter.query("path", "string",
          "the URL path of the request made through the proxy to the " + proxied(kind)));
      default -> java.util.List.of();
    };
  }

  /** pod, service or node: what a PodProxyOptions, ServiceProxyOptions or NodeProxyOptions proxies to. */
  private static String proxied(String kind) {
    String target = kind.endsWith("ProxyOptions") ? kind.substring(0, kind.length() - "ProxyOptions".length())
        : kind;
    return target.toLowerCase(java.util.Locale.ROOT);
  }

  private Parameters() {}
}
