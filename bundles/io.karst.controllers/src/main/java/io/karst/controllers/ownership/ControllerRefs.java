package io.karst.controllers.ownership;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The ownerReference with {@code controller: true}, read and written as upstream's controllers do. */
public final class ControllerRefs {
    /**
     * An informer index over owned objects (pods): each object's controller's uid, or, for an object without a
     * controller, {@link #orphansIn} its namespace. A controller then reads its own objects and the orphans it may
     * adopt instead of every object of the namespace.
     */
    public static final String INDEX = "metadata.ownerReferences[controller].uid";

    private ControllerRefs() {
    }

    /** The values of {@link #INDEX} for {@code object}. */
    public static List<String> indexValues(ObjectNode object) {
        JsonNode ref = of(object);
        return List.of(ref == null ? orphansIn(object.path("metadata").path("namespace").asText())
                : ref.path("uid").asText());
    }

    /** The value of {@link #INDEX} for the objects of {@code namespace} without a controller (no uid has a "/"). */
    public static String orphansIn(String namespace) {
        return "orphans/" + namespace;
    }

    /** The controlling ownerReference of {@code object}, or null. */
    public static JsonNode of(ObjectNode object) {
        for (JsonNode ref : object.path("metadata").path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                return ref;
            }
        }
        return null;
    }

    /**
     * The work-queue key ({@code namespace/name}) of {@code object}'s controller when it is of {@code kind}: what a
     * controller queues when one of the objects it owns changes.
     */
    public static Optional<String> ownerKey(ObjectNode object, String kind) {
        JsonNode ref = of(object);
        if (ref == null || !ref.path("kind").asText().equals(kind)) {
            return Optional.empty();
        }
        return Optional.of(object.path("metadata").path("namespace").asText() + "/" + ref.path("name").asText());
    }

    /** A controlling reference to {@code owner} that blocks its foreground deletion, as controllers set it. */
    public static ObjectNode to(String apiVersion, String kind, ObjectNode owner) {
        ObjectNode ref = JsonNodeFactory.instance.objectNode();
        ref.put("apiVersion", apiVersion);
        ref.put("kind", kind);
        ref.put("name", owner.path("metadata").path("name").asText());
        ref.put("uid", owner.path("metadata").path("uid").asText());
        ref.put("controller", true);
        ref.put("blockOwnerDeletion", true);
        return ref;
    }
}
