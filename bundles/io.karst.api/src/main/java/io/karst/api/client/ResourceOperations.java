package io.karst.api.client;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The verbs on one resource, in one namespace or across all of them (client-go's dynamic
 * {@code ResourceInterface}). Objects go in and come out as Jackson trees exactly as the JSON API carries them;
 * the caller owns what it gets (a fresh tree per call) and what it passes (never modified). Every failure is a
 * {@link ResourceException} with the code, reason and message the HTTP API would answer.
 *
 * <p>Namespaces: {@link #inNamespace} scopes the verbs. Without one, list, watch and deletecollection of a
 * namespaced resource span all namespaces, and create and update take the namespace from the object's
 * {@code metadata.namespace}.
 */
@ProviderType
public interface ResourceOperations {

    ResourceKey key();

    /** The namespace the verbs are scoped to; {@code null} for all namespaces or a cluster-scoped resource. */
    String namespace();

    /** The same verbs in {@code namespace} ({@code null}: all namespaces). */
    ResourceOperations inNamespace(String namespace);

    /**
     * Reads an object, or one of its subresources.
     *
     * @param subresource e.g. {@code status}, {@code scale}; {@code null} for the object itself
     * @throws ResourceException 404 when it does not exist
     */
    ObjectNode get(String name, String subresource);

    default ObjectNode get(String name) {
        return get(name, null);
    }

    /** The object, or empty when it does not exist (other failures still throw). */
    default Optional<ObjectNode> find(String name) {
        try {
            return Optional.of(get(name));
        } catch (ResourceException e) {
            if (e.isNotFound() && e.details() != null && !e.details().name().isEmpty()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** One page of the objects the options select. */
    ObjectList list(ListOptions options);

    default ObjectList list() {
        return list(ListOptions.NONE);
    }

    /**
     * Creates an object; with a subresource, POSTs {@code object} to that subresource of the object named by its
     * {@code metadata.name} (a {@code Binding} to {@code binding}, an {@code Eviction} to {@code eviction}).
     *
     * @return the object as stored (with uid, resourceVersion, creationTimestamp), or the subresource's answer
     * @throws ResourceException 409 AlreadyExists, 422 Invalid, 404 when the namespace does not exist, ...
     */
    ObjectNode create(ObjectNode object, String subresource, WriteOptions options);

    default ObjectNode create(ObjectNode object) {
        return create(object, null, WriteOptions.NONE);
    }

    /**
     * Replaces an object (or, with {@code status}, its status; other subresources as the API serves them). A
     * {@code metadata.resourceVersion} in {@code object} makes the update conditional: a 409 Conflict when the
     * object has changed since.
     */
    ObjectNode update(ObjectNode object, String subresource, WriteOptions options);

    default ObjectNode update(ObjectNode object) {
        return update(object, null, WriteOptions.NONE);
    }

    /** Replaces the status of an object, leaving the rest as stored. */
    default ObjectNode updateStatus(ObjectNode object) {
        return update(object, "status", WriteOptions.NONE);
    }

    /**
     * Patches an object or a subresource; a patch without a resourceVersion is retried by the server on conflicts.
     *
     * @param patchType one of {@link PatchTypes}
     * @param patch an array for {@link PatchTypes#JSON_PATCH}, an object otherwise
     */
    ObjectNode patch(String name, String patchType, JsonNode patch, String subresource, WriteOptions options);

    default ObjectNode patch(String name, String patchType, JsonNode patch) {
        return patch(name, patchType, patch, null, WriteOptions.NONE);
    }

    default ObjectNode patchStatus(String name, String patchType, JsonNode patch) {
        return patch(name, patchType, patch, "status", WriteOptions.NONE);
    }

    /**
     * Deletes an object.
     *
     * @return what the API answers: the object when its deletion waits (finalizers, a grace period: it now has a
     *         {@code deletionTimestamp}) or when the resource returns deleted objects (pods, services,
     *         namespaces), otherwise a {@code Status} of {@code status: Success}
     */
    ObjectNode delete(String name, DeleteOptions options);

    default ObjectNode delete(String name) {
        return delete(name, DeleteOptions.NONE);
    }

    /** Deletes every object the list options select; returns what was deleted (or marked for deletion). */
    ObjectList deleteCollection(ListOptions selection, DeleteOptions options);

    /**
     * Watches the objects the options select, from {@link ListOptions#resourceVersion()}. When this returns, the
     * watch is established: no change after that version is missed. A version already compacted is reported as
     * an ERROR event with a 410 Status.
     *
     * @throws ResourceException when the request itself is refused (bad options, unknown resource)
     */
    ResourceWatch watch(ListOptions options, Watcher watcher);
}
