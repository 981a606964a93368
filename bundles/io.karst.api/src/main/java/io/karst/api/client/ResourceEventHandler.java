package io.karst.api.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Reacts to the changes an {@link Informer} sees (client-go's {@code ResourceEventHandler}). Calls for one handler
 * never overlap and arrive in the order the informer saw the changes; a slow handler delays only itself. The
 * objects are the informer's cached ones, shared with every other handler and lister: never modify them
 * ({@code deepCopy()} first); they are read-only trees that throw {@link UnsupportedOperationException} when changed.
 */
@ConsumerType
public interface ResourceEventHandler {

    /** An object appeared: in the initial list, created, or found by a relist after a gap. */
    default void onAdd(ObjectNode object) {
    }

    /**
     * An object changed; also called with {@code old == current} (same resourceVersion) on each periodic resync,
     * so a handler can reconcile everything again.
     */
    default void onUpdate(ObjectNode old, ObjectNode current) {
    }

    /**
     * An object went away.
     *
     * @param lastKnown its last state: the deleted object, or, when {@code finalStateUnknown}, the last version the
     *        cache held
     * @param finalStateUnknown the deletion was not seen as an event but inferred by a relist (client-go's
     *        {@code DeletedFinalStateUnknown})
     */
    default void onDelete(ObjectNode lastKnown, boolean finalStateUnknown) {
    }
}
