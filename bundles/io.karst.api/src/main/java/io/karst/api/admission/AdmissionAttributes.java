package io.karst.api.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;

/**
 * What an admission step is asked about.
 *
 * @param resource the resource written, in the version of the request
 * @param subresource e.g. {@code status}; null for the object itself
 * @param operation create or update
 * @param namespace null for cluster-scoped objects
 * @param name the object's name
 * @param object the object about to be stored (the step may change it)
 * @param oldObject the stored object an update replaces; null for a create
 * @param dryRun the write will not be stored: the step must not change anything outside the object
 */
public record AdmissionAttributes(ResourceKey resource, String subresource, Operation operation, String namespace,
        String name, ObjectNode object, ObjectNode oldObject, boolean dryRun) {

    /** Upstream's admission operations that reach the steps. */
    public enum Operation {
        CREATE, UPDATE
    }
}
