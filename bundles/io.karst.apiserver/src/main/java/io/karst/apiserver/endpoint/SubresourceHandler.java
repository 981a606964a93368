package io.karst.apiserver.endpoint;

/**
 * A subresource served by its own code rather than by the object writer, such as {@code serviceaccounts/token}.
 * The endpoint finds it by {@link #key}.
 */
@FunctionalInterface
public interface SubresourceHandler {

    /** Answers one request to the subresource; throws {@code ApiException} for what upstream refuses. */
    ApiResponse handle(ResourceRequest request);

    /**
     * {@code <plural>[.<group>]/<subresource>}, e.g. {@code serviceaccounts/token}; with an empty subresource the key
     * of a resource that is not stored, whose handler answers all its requests ({@code nodes.metrics.k8s.io/}).
     */
    static String key(String plural, String group, String subresource) {
        return (group.isEmpty() ? plural : plural + "." + group) + "/" + subresource;
    }
}
