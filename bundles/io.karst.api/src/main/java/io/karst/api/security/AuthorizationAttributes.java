package io.karst.api.security;

/**
 * What one request asks to do, as upstream's {@code authorizer.Attributes}: a verb on a resource (group,
 * resource, subresource, namespace, name) or a verb on a non-resource path.
 *
 * @param user who asks
 * @param verb {@code get}, {@code list}, {@code watch}, {@code create}, {@code update}, {@code patch},
 *        {@code delete}, {@code deletecollection} for resources; the lower-case HTTP method for other paths
 * @param resourceRequest true for a resource under {@code /api} or {@code /apis}, false for any other path
 * @param apiGroup the API group, {@code ""} for core; empty for non-resource requests
 * @param apiVersion the version
 * @param resource the plural resource, e.g. {@code pods}
 * @param subresource e.g. {@code status}, {@code log}; empty when none
 * @param namespace the namespace; empty for cluster-scoped or all-namespace requests
 * @param name the object's name; empty for collections
 * @param path the request path
 */
public record AuthorizationAttributes(UserInfo user, String verb, boolean resourceRequest, String apiGroup,
        String apiVersion, String resource, String subresource, String namespace, String name, String path) {

    public AuthorizationAttributes {
        apiGroup = apiGroup == null ? "" : apiGroup;
        apiVersion = apiVersion == null ? "" : apiVersion;
        resource = resource == null ? "" : resource;
        subresource = subresource == null ? "" : subresource;
        namespace = namespace == null ? "" : namespace;
        name = name == null ? "" : name;
        path = path == null ? "" : path;
    }

    /** A request on a resource. */
    public static AuthorizationAttributes resource(UserInfo user, String verb, String apiGroup, String apiVersion,
            String resource, String subresource, String namespace, String name) {
        return new AuthorizationAttributes(user, verb, true, apiGroup, apiVersion, resource, subresource, namespace,
                name, "");
    }

    /** A request on a path that is no resource ({@code /version}, {@code /healthz}). */
    public static AuthorizationAttributes nonResource(UserInfo user, String verb, String path) {
        return new AuthorizationAttributes(user, verb, false, "", "", "", "", "", "", path);
    }

    /** The same request made by another user (access reviews ask on someone's behalf). */
    public AuthorizationAttributes withUser(UserInfo other) {
        return new AuthorizationAttributes(other, verb, resourceRequest, apiGroup, apiVersion, resource, subresource,
                namespace, name, path);
    }
}
