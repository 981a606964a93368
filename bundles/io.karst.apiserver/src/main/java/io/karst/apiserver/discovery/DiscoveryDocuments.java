package io.karst.apiserver.discovery;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceRegistry.GroupVersions;
import io.karst.apiserver.resource.ResourceType;

/**
 * The discovery documents kubectl and client libraries read before anything else, built from the registry: the
 * legacy ones ({@code APIVersions}, {@code APIGroupList}, {@code APIGroup}, {@code APIResourceList}) and the
 * aggregated {@code APIGroupDiscoveryList} (apidiscovery.k8s.io v2 and v2beta1, same shape).
 */
public final class DiscoveryDocuments {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ResourceRegistry registry;

    public DiscoveryDocuments(ResourceRegistry registry) {
        this.registry = registry;
    }

    /** {@code /api}. */
    public ObjectNode apiVersions(String serverAddress) {
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIVersions");
        ArrayNode versions = doc.putArray("versions");
        registry.groups().stream().filter(g -> g.group().isEmpty())
                .forEach(g -> g.versions().forEach(versions::add));
        ObjectNode cidr = doc.putArray("serverAddressByClientCIDRs").addObject();
        cidr.put("clientCIDR", "0.0.0.0/0");
        cidr.put("serverAddress", serverAddress);
        return doc;
    }

    /** {@code /apis}. */
    public ObjectNode groupList() {
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIGroupList");
        doc.put("apiVersion", "v1");
        ArrayNode groups = doc.putArray("groups");
        for (GroupVersions g : registry.groups()) {
            if (!g.group().isEmpty()) {
                groups.add(group(g));
            }
        }
        return doc;
    }

    /** {@code /apis/<group>}. */
    public Optional<ObjectNode> group(String name) {
        return registry.groups().stream().filter(g -> g.group().equals(name) && !name.isEmpty()).findFirst()
                .map(g -> {
                    ObjectNode doc = group(g);
                    doc.put("kind", "APIGroup");
                    doc.put("apiVersion", "v1");
                    return doc;
                });
    }

    private static ObjectNode group(GroupVersions g) {
        ObjectNode doc = NODES.objectNode();
        doc.put("name", g.group());
        ArrayNode versions = doc.putArray("versions");
        for (String v : g.versions()) {
            versions.add(groupVersion(g.group(), v));
        }
        doc.set("preferredVersion", groupVersion(g.group(), g.preferred()));
        return doc;
    }

    private static ObjectNode groupVersion(String group, String version) {
        ObjectNode gv = NODES.objectNode();
        gv.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        gv.put("version", version);
        return gv;
    }

    /** {@code /api/v1} or {@code /apis/<group>/<version>}; empty when not served. */
    public Optional<ObjectNode> resourceList(String group, String version) {
        List<ResourceType> types = registry.resources(group, version);
        if (types.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIResourceList");
        doc.put("apiVersion", "v1");
        doc.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode resources = doc.putArray("resources");
        for (ResourceType t : types) {
            ObjectNode r = resources.addObject();
            r.put("name", t.plural());
            r.put("singularName", t.singular());
            r.put("namespaced", t.namespaced());
            r.put("kind", t.kind());
            strings(r.putArray("verbs"), t.verbs());
            if (!t.shortNames().isEmpty()) {
                strings(r.putArray("shortNames"), t.shortNames());
            }
            if (!t.categories().isEmpty()) {
                strings(r.putArray("categories"), t.categories());
            }
            for (ResourceType.Subresource s : t.subresources()) {
                ObjectNode sr = resources.addObject();
                sr.put("name", t.plural() + "/" + s.name());
                sr.put("singularName", "");
                sr.put("namespaced", t.namespaced());
                SubresourceKind kind = SubresourceKind.of(t, s);
                if (!kind.group().equals(t.group()) || !kind.version().equals(t.version())) {
                    sr.put("group", kind.group());
                    sr.put("version", kind.version());
                }
                sr.put("kind", kind.kind());
                strings(sr.putArray("verbs"), s.verbs());
            }
        }
        return Optional.of(doc);
    }

    /**
     * The aggregated document for {@code /api} (core only) or {@code /apis} (every other group).
     *
     * @param apiVersion {@code apidiscovery.k8s.io/v2} or {@code apidiscovery.k8s.io/v2beta1}
     */
    public ObjectNode aggregated(boolean core, String apiVersion) {
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIGroupDiscoveryList");
        doc.put("apiVersion", apiVersion);
        doc.putObject("metadata");
        ArrayNode items = doc.putArray("items");
        for (GroupVersions g : registry.groups()) {
            if (g.group().isEmpty() != core) {
                continue;
            }
            ObjectNode item = items.addObject();
            ObjectNode meta = item.putObject("metadata");
            if (!g.group().isEmpty()) {
                meta.put("name", g.group());
            }
            meta.putNull("creationTimestamp");
            ArrayNode versions = item.putArray("versions");
            for (String v : g.versions()) {
                ObjectNode version = versions.addObject();
                version.put("version", v);
                ArrayNode resources = version.putArray("resources");
                for (ResourceType t : registry.resources(g.group(), v)) {
                    resources.add(aggregatedResource(t));
                }
                version.put("freshness", "Current");
            }
        }
        return doc;
    }

    private static ObjectNode aggregatedResource(ResourceType t) {
        ObjectNode r = NODES.objectNode();
        r.put("resource", t.plural());
        r.set("responseKind", kind(t.group(), t.version(), t.kind()));
        r.put("scope", t.namespaced() ? "Namespaced" : "Cluster");
        r.put("singularResource", t.singular());
        strings(r.putArray("verbs"), t.verbs());
        if (!t.shortNames().isEmpty()) {
            strings(r.putArray("shortNames"), t.shortNames());
        }
        if (!t.categories().isEmpty()) {
            strings(r.putArray("categories"), t.categories());
        }
        if (!t.subresources().isEmpty()) {
            ArrayNode subs = r.putArray("subresources");
            for (ResourceType.Subresource s : t.subresources()) {
                ObjectNode sr = subs.addObject();
                sr.put("subresource", s.name());
                SubresourceKind k = SubresourceKind.of(t, s);
                sr.set("responseKind", kind(k.group(), k.version(), k.kind()));
                strings(sr.putArray("verbs"), s.verbs());
            }
        }
        return r;
    }

    private static ObjectNode kind(String group, String version, String kind) {
        ObjectNode k = NODES.objectNode();
        k.put("group", group);
        k.put("version", version);
        k.put("kind", kind);
        return k;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /** The group-version-kind a subresource reads and writes (Scale is autoscaling/v1, Eviction policy/v1). */
    record SubresourceKind(String group, String version, String kind) {
        static SubresourceKind of(ResourceType t, ResourceType.Subresource s) {
            return switch (s.kind()) {
                case "Scale" -> new SubresourceKind("autoscaling", "v1", "Scale");
                case "Eviction" -> new SubresourceKind("policy", "v1", "Eviction");
                case "Binding" -> new SubresourceKind("", "v1", "Binding");
                case "TokenRequest" -> new SubresourceKind("authentication.k8s.io", "v1", "TokenRequest");
                default -> new SubresourceKind(t.group(), t.version(), s.kind());
            };
        }
    }
}
