package io.karst.controllers.gc;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;

/**
 * One object as the collector's queue names it: resource, namespace, name and uid. The uid is part of the key
 * because an object deleted and created again under the same name is another object with other dependents.
 */
record ItemKey(ResourceKey resource, String namespace, String name, String uid) {
    private static final String SEPARATOR = "|";

    static ItemKey of(ResourceKey resource, ObjectNode object) {
        return new ItemKey(resource, object.path("metadata").path("namespace").asText(""),
                object.path("metadata").path("name").asText(""), object.path("metadata").path("uid").asText(""));
    }

    String encode() {
        return resource.group() + SEPARATOR + resource.version() + SEPARATOR + resource.resource() + SEPARATOR
                + namespace + SEPARATOR + name + SEPARATOR + uid;
    }

    static ItemKey decode(String key) {
        String[] parts = key.split("\\|", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a garbage collector key: " + key);
        }
        return new ItemKey(new ResourceKey(parts[0], parts[1], parts[2]), parts[3], parts[4], parts[5]);
    }
}
