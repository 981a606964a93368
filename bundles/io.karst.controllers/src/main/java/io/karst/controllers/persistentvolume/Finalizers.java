package io.karst.controllers.persistentvolume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A finalizer on an object's metadata, read and changed on copies. */
final class Finalizers {
    static final String PVC_PROTECTION = "kubernetes.io/pvc-protection";
    static final String PV_PROTECTION = "kubernetes.io/pv-protection";

    private Finalizers() {
    }

    static boolean has(JsonNode object, String finalizer) {
        for (JsonNode f : object.path("metadata").path("finalizers")) {
            if (f.asText().equals(finalizer)) {
                return true;
            }
        }
        return false;
    }

    static boolean deleting(JsonNode object) {
        return object.path("metadata").has("deletionTimestamp");
    }

    /** A copy with the finalizer added at the end. */
    static ObjectNode with(ObjectNode object, String finalizer) {
        ObjectNode copy = object.deepCopy();
        copy.withObject("/metadata").withArray("finalizers").add(finalizer);
        return copy;
    }

    /** A copy without the finalizer (and without an empty list). */
    static ObjectNode without(ObjectNode object, String finalizer) {
        ObjectNode copy = object.deepCopy();
        ObjectNode metadata = copy.withObject("/metadata");
        ArrayNode kept = metadata.arrayNode();
        for (JsonNode f : object.path("metadata").path("finalizers")) {
            if (!f.asText().equals(finalizer)) {
                kept.add(f);
            }
        }
        if (kept.isEmpty()) {
            metadata.remove("finalizers");
        } else {
            metadata.set("finalizers", kept);
        }
        return copy;
    }
}
