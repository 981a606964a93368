package io.karst.api.client;

import java.util.Objects;

/**
 * Which resource a call addresses, as a URL names it (client-go's {@code GroupVersionResource}).
 *
 * @param group API group, "" for the core group
 * @param version API version, e.g. {@code v1}
 * @param resource the plural resource name, e.g. {@code deployments}
 */
public record ResourceKey(String group, String version, String resource) {

    public ResourceKey {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(resource, "resource");
    }

    /** From an object's {@code apiVersion} ({@code v1}, {@code apps/v1}) and a plural resource name. */
    public static ResourceKey of(String apiVersion, String resource) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? new ResourceKey("", apiVersion, resource)
                : new ResourceKey(apiVersion.substring(0, slash), apiVersion.substring(slash + 1), resource);
    }

    /** {@code v1} for the core group, {@code apps/v1} otherwise. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code deployments.v1.apps}, {@code pods.v1}: how kubectl spells a fully qualified resource. */
    @Override
    public String toString() {
        return resource + "." + version + (group.isEmpty() ? "" : "." + group);
    }
}
