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

    default void admitCreate(ResourceType type, ObjectNode object) {
    }

    /** {@code subresource} is null for the object itself. */
    default void admitUpdate(ResourceType type, String subresource, ObjectNode object, ObjectNode old) {
    }

    /** Called once an object is gone from the store, to release what admission allocated for it. */
    default void deleted(ResourceType type, ObjectNode object) {
    }
}
