package io.karst.apiserver.resource;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.conversion.VersionConversion;
import io.karst.apiserver.schema.CustomResourceSchema;

/**
 * One resource the API server serves in one group-version: its names as discovery shows them, its scope, verbs
 * and subresources, and where its objects live in the datastore. Several versions of a resource (autoscaling v1
 * and v2) are several ResourceTypes sharing one {@link #storagePrefix()}.
 *
 * @param group API group, "" for core
 * @param version API version, e.g. {@code v1}
 * @param kind object kind, e.g. {@code Pod}
 * @param plural resource name in URLs, e.g. {@code pods}
 * @param singular singular name, e.g. {@code pod}
 * @param namespaced whether objects live in a namespace
 * @param shortNames {@code kubectl} short names, e.g. {@code po}
 * @param categories e.g. {@code all}
 * @param verbs what the resource itself allows
 * @param subresources served subresources (status, scale, ...), each with its own verbs
 * @param storagePrefix datastore key prefix below {@code /registry/}, as kube-apiserver lays out etcd
 * @param conversion how this version's objects are kept in the version the storage holds; null when they are
 *        stored as served
 * @param customSchema the structural schema of a custom resource version (pruning, defaulting, validation);
 *        null for the built-in resources, whose schemas come from the schema model
 */
public record ResourceType(String group, String version, String kind, String plural, String singular,
        boolean namespaced, List<String> shortNames, List<String> categories, List<String> verbs,
        List<Subresource> subresources, String storagePrefix, VersionConversion conversion,
        CustomResourceSchema customSchema) {

    /** The verbs of a resource that allows everything. */
    public static final List<String> ALL_VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    public ResourceType {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plural, "plural");
        shortNames = List.copyOf(shortNames);
        categories = List.copyOf(categories);
        verbs = List.copyOf(verbs);
        subresources = List.copyOf(subresources);
    }

    /** A resource version stored as it is served. */
    public ResourceType(String group, String version, String kind, String plural, String singular,
            boolean namespaced, List<String> shortNames, List<String> categories, List<String> verbs,
            List<Subresource> subresources, String storagePrefix) {
        this(group, version, kind, plural, singular, namespaced, shortNames, categories, verbs, subresources,
                storagePrefix, null, null);
    }

    /** This version served from the storage of another, its objects converted by {@code conversion}. */
    public ResourceType storedAs(VersionConversion conversion) {
        return new ResourceType(group, version, kind, plural, singular, namespaced, shortNames, categories, verbs,
                subresources, storagePrefix, conversion, customSchema);
    }

    /** This version with the structural schema of its CustomResourceDefinition. */
    public ResourceType withSchema(CustomResourceSchema schema) {
        return new ResourceType(group, version, kind, plural, singular, namespaced, shortNames, categories, verbs,
                subresources, storagePrefix, conversion, schema);
    }

    /** Whether this is a custom resource version with a schema of its own. */
    public boolean custom() {
        return customSchema != null;
    }

    /** Whether objects are stored in another version. */
    public boolean converted() {
        return conversion != null;
    }

    /** An object of this version as it is stored (itself when stored as served; never modified). */
    public ObjectNode toStorage(ObjectNode served) {
        return conversion == null ? served : conversion.toStorage(served);
    }

    /** A stored object in this version (itself when stored as served; never modified). */
    public ObjectNode fromStorage(ObjectNode stored) {
        return conversion == null ? stored : conversion.fromStorage(stored);
    }

    /** A subresource such as {@code status} ({@code kind} is the kind it reads and writes). */
    public record Subresource(String name, String kind, List<String> verbs) {
        public Subresource {
            verbs = List.copyOf(verbs);
        }
    }

    /** {@code v1} for core, {@code apps/v1} otherwise, as in an object's {@code apiVersion}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The URL prefix of the group-version: {@code /api/v1} or {@code /apis/apps/v1}. */
    public String groupVersionPath() {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }

    public String listKind() {
        return kind + "List";
    }

    public boolean allows(String verb) {
        return verbs.contains(verb);
    }

    public java.util.Optional<Subresource> subresource(String name) {
        return subresources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The upstream OpenAPI definition name, e.g. {@code io.k8s.api.core.v1.Pod}. */
    public String definitionName() {
        String pkg = group.isEmpty() ? "core" : group.substring(0, group.indexOf('.') < 0 ? group.length()
                : group.indexOf('.'));
        return "io.k8s.api." + pkg + "." + version + "." + kind;
    }

    /** The key prefix of all objects ({@code /registry/pods/}). */
    public String keyPrefix() {
        return "/registry/" + storagePrefix + "/";
    }

    /** The key prefix of the objects in one namespace ({@code /registry/pods/default/}). */
    public String keyPrefix(String namespace) {
        return namespaced && namespace != null ? keyPrefix() + namespace + "/" : keyPrefix();
    }

    /** The key of one object. */
    public String key(String namespace, String name) {
        return keyPrefix(namespace) + name;
    }

    @Override
    public String toString() {
        return plural + (group.isEmpty() ? "" : "." + group) + "/" + version;
    }
}
