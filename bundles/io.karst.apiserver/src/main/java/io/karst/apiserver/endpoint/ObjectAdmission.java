package io.karst.apiserver.endpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceType;

/**
 * What the write path asks before it stores an object: defaulting (may change the object) and validation (throws
 * an {@code ApiException}, 422 Invalid, when the object is refused). Runs after the server has set the metadata
 * it owns (name, uid, timestamps), before the datastore write.
 */
public interface ObjectAdmission {
    ObjectAdmission NONE = new ObjectAdmission() {
    };

    /**
     * Upstream's defaulting alone, which happens as a request is decoded: before the write's managed fields are
     * worked out, so that the writer owns the defaults it got. {@link #admitCreate} and {@link #admitUpdate} apply
     * it again (it changes nothing the second time).
     */
    default void applyDefaults(ResourceType type, ObjectNode object) {
    }

    default void admitCreate(ResourceType type, ObjectNode object) {
    }

    /** {@code subresource} is null for the object itself. */
    default void admitUpdate(ResourceType type, String subresource, ObjectNode object, ObjectNode old) {
    }

    /** A create that may be a dry run: steps that change things outside the object (quota usage) skip those. */
    default void admitCreate(ResourceType type, ObjectNode object, boolean dryRun) {
        admitCreate(type, object);
    }

    /** An update that may be a dry run. */
    default void admitUpdate(ResourceType type, String subresource, ObjectNode object, ObjectNode old,
            boolean dryRun) {
        admitUpdate(type, subresource, object, old);
    }

    /** Called once an object is gone from the store, to release what admission allocated for it. */
    default void deleted(ResourceType type, ObjectNode object) {
    }
}
