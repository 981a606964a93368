package io.karst.api.client;

import java.util.List;
import java.util.Objects;

/**
 * A resource the API serves, as discovery lists it (client-go's {@code APIResource} with its group and version).
 *
 * @param group API group, "" for the core group
 * @param version the version this entry is served at
 * @param kind the kind of its objects, e.g. {@code Deployment}
 * @param resource the plural resource name, e.g. {@code deployments}
 * @param namespaced whether its objects live in namespaces
 * @param verbs the verbs it supports ({@code list}, {@code deletecollection}, ...)
 * @param preferred whether {@code version} is the group's preferred version
 */
public record ApiResource(String group, String version, String kind, String resource, boolean namespaced,
        List<String> verbs, boolean preferred) {

    public ApiResource {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        verbs = List.copyOf(verbs);
    }

    public ResourceKey key() {
        return new ResourceKey(group, version, resource);
    }

    /** {@code v1} for the core group, {@code apps/v1} otherwise. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public boolean supports(String verb) {
        return verbs.contains(verb);
    }
}
