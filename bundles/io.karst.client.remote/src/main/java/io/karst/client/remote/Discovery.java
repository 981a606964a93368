package io.karst.client.remote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ApiResource;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;

/**
 * What the servers serve, from discovery ({@code /api}, {@code /apis} and each group version's resource list):
 * which resources are namespaced, their verbs and subresources. Each group version's list is cached; a resource
 * the cached list does not know makes the client read that list again (a CRD may have been added since).
 */
final class Discovery {
    private final Function<String, ObjectNode> get;
    private final Map<String, Map<String, ApiResource>> groupVersions = new ConcurrentHashMap<>();

    /** @param get reads a discovery document by its path ({@code /api/v1}), throwing a ResourceException */
    Discovery(Function<String, ObjectNode> get) {
        this.get = get;
    }

    /** The resource, or a 404 NotFound (as the server answers a URL it does not serve). */
    ApiResource find(ResourceKey key) {
        Map<String, ApiResource> cached = groupVersions.get(key.apiVersion());
        ApiResource found = cached == null ? null : cached.get(key.resource());
        if (found == null) {
            found = refresh(key.group(), key.version()).get(key.resource());
        }
        if (found == null) {
            throw new ResourceException(404, "NotFound", "the server could not find the requested resource", null);
        }
        return found;
    }

    /** Reads the group version's resource list again; empty when the servers do not serve that group version. */
    private Map<String, ApiResource> refresh(String group, String version) {
        String apiVersion = group.isEmpty() ? version : group + "/" + version;
        Map<String, ApiResource> resources;
        try {
            resources = resources(group, version, read(groupVersionPath(group, version)), false);
        } catch (ResourceException e) {
            if (!e.isNotFound()) {
                throw e;
            }
            resources = Map.of();
        }
        groupVersions.put(apiVersion, resources);
        return resources;
    }

    /** Every resource at every version, subresources excluded; read afresh. */
    List<ApiResource> all() {
        List<ApiResource> all = new ArrayList<>();
        for (JsonNode version : read("/api").path("versions")) {
            all.addAll(fetch("", version.asText(), true).values());
        }
        for (JsonNode group : read("/apis").path("groups")) {
            String name = group.path("name").asText();
            String preferred = group.path("preferredVersion").path("version").asText();
            for (JsonNode version : group.path("versions")) {
                String v = version.path("version").asText();
                all.addAll(fetch(name, v, v.equals(preferred)).values());
            }
        }
        return all;
    }

    private Map<String, ApiResource> fetch(String group, String version, boolean preferred) {
        Map<String, ApiResource> resources = resources(group, version, read(groupVersionPath(group, version)),
                preferred);
        groupVersions.put(group.isEmpty() ? version : group + "/" + version, resources);
        return resources;
    }

    /** The resources of an {@code APIResourceList}, by plural name; subresources ({@code pods/log}) left out. */
    private static Map<String, ApiResource> resources(String group, String version, ObjectNode list,
            boolean preferred) {
        Map<String, ApiResource> resources = new LinkedHashMap<>();
        for (JsonNode r : list.path("resources")) {
            String name = r.path("name").asText();
            if (name.isEmpty() || name.contains("/")) {
                continue;
            }
            List<String> verbs = new ArrayList<>();
            r.path("verbs").forEach(v -> verbs.add(v.asText()));
            resources.put(name, new ApiResource(group, version, r.path("kind").asText(), name,
                    r.path("namespaced").asBoolean(), verbs, preferred));
        }
        return resources;
    }

    static String groupVersionPath(String group, String version) {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }

    private ObjectNode read(String path) {
        return get.apply(path);
    }
}
