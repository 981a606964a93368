package io.karst.apiserver.resource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resources the server serves, looked up by URL ({@code group, version, plural}) or by kind. Replaced whole on
 * change (CRDs arrive at runtime), so readers never see half an update.
 */
public final class ResourceRegistry {
    private volatile Map<String, ResourceType> byPath;

    public ResourceRegistry(Collection<ResourceType> types) {
        this.byPath = index(types);
    }

    /**
     * Serves {@code types} from now on, in place of all served before (the built-in ones and those of the
     * CustomResourceDefinitions as they are now); a request sees either the old set or the new one.
     *
     * @throws IllegalArgumentException when a resource is served twice; nothing changes then
     */
    public void replace(Collection<ResourceType> types) {
        this.byPath = index(types);
    }

    private static Map<String, ResourceType> index(Collection<ResourceType> types) {
        Map<String, ResourceType> map = new LinkedHashMap<>();
        for (ResourceType t : types) {
            if (map.putIfAbsent(pathKey(t.group(), t.version(), t.plural()), t) != null) {
                throw new IllegalArgumentException("resource served twice: " + t);
            }
        }
        return Map.copyOf(map);
    }

    private static String pathKey(String group, String version, String plural) {
        return group + "/" + version + "/" + plural;
    }

    public Optional<ResourceType> find(String group, String version, String plural) {
        return Optional.ofNullable(byPath.get(pathKey(group, version, plural)));
    }

    public Optional<ResourceType> findKind(String group, String version, String kind) {
        return byPath.values().stream()
                .filter(t -> t.group().equals(group) && t.version().equals(version) && t.kind().equals(kind))
                .findFirst();
    }

    public List<ResourceType> all() {
        return List.copyOf(byPath.values());
    }

    /** The served groups in discovery order, core first, each with its versions, preferred first. */
    public List<GroupVersions> groups() {
        Map<String, List<String>> versions = new LinkedHashMap<>();
        for (ResourceType t : sorted()) {
            List<String> list = versions.computeIfAbsent(t.group(), g -> new ArrayList<>());
            if (!list.contains(t.version())) {
                list.add(t.version());
            }
        }
        List<GroupVersions> groups = new ArrayList<>();
        versions.forEach((group, list) -> {
            list.sort(VersionPriority.NEWEST_FIRST);
            groups.add(new GroupVersions(group, List.copyOf(list)));
        });
        return groups;
    }

    /** Resources of one group-version, by plural name. */
    public List<ResourceType> resources(String group, String version) {
        return sorted().stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
    }

    private List<ResourceType> sorted() {
        List<ResourceType> list = new ArrayList<>(byPath.values());
        list.sort(DiscoveryOrder.INSTANCE);
        return list;
    }

    /** One group and its versions, the preferred one first. */
    public record GroupVersions(String group, List<String> versions) {
        public String preferred() {
            return versions.get(0);
        }
    }
}
