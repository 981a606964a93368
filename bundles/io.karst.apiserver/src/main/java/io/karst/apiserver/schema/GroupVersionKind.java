package io.karst.apiserver.schema;

/** A Kubernetes kind in one group-version; the core group is the empty string. */
public record GroupVersionKind(String group, String version, String kind) {

  /** From an object's apiVersion ("apps/v1" or "v1") and kind. */
  public static GroupVersionKind of(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? new GroupVersionKind("", apiVersion, kind)
        : new GroupVersionKind(apiVersion.substring(0, slash), apiVersion.substring(slash + 1), kind);
  }

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }
}
