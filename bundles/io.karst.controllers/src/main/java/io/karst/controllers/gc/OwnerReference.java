package io.karst.controllers.gc;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One entry of {@code metadata.ownerReferences}. */
record OwnerReference(String apiVersion, String kind, String name, String uid, boolean blockOwnerDeletion) {

    static List<OwnerReference> of(ObjectNode object) {
        List<OwnerReference> refs = new ArrayList<>();
        for (JsonNode ref : object.path("metadata").path("ownerReferences")) {
            refs.add(new OwnerReference(ref.path("apiVersion").asText(""), ref.path("kind").asText(""),
                    ref.path("name").asText(""), ref.path("uid").asText(""),
                    ref.path("blockOwnerDeletion").asBoolean(false)));
        }
        return refs;
    }

    /** The API group of {@link #apiVersion}: "" for {@code v1}. */
    String group() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    String version() {
        return apiVersion.substring(apiVersion.indexOf('/') + 1);
    }
}
