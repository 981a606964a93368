package io.karst.api.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Queue keys as client-go makes them: {@code namespace/name}, or {@code name} for cluster-scoped objects. */
public final class ObjectKeys {
    private ObjectKeys() {
    }

    public static String of(ObjectNode object) {
        String namespace = object.path("metadata").path("namespace").asText("");
        String name = object.path("metadata").path("name").asText("");
        return namespace.isEmpty() ? name : namespace + "/" + name;
    }

    /** The namespace part; "" for a cluster-scoped key. */
    public static String namespace(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? "" : key.substring(0, slash);
    }

    public static String name(String key) {
        return key.substring(key.indexOf('/') + 1);
    }
}
