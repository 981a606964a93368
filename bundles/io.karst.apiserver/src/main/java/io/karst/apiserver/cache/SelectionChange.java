package io.karst.apiserver.cache;

import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one change of an object means to a watch with selectors, as kube-apiserver's watch cache decides it: an
 * object that starts matching is ADDED, one that stops matching is DELETED (with the state that made it leave),
 * a change outside the selection is nothing.
 */
final class SelectionChange {
    private SelectionChange() {
    }

    /**
     * The event type to send, or null for none.
     *
     * @param current the object after the change; for a deletion, the object as it was before it
     * @param previous the object before the change, null when the change created it
     */
    static String of(ObjectNode current, ObjectNode previous, boolean deleted, Predicate<ObjectNode> filter) {
        boolean wasIn = previous != null && filter.test(previous);
        if (deleted) {
            return wasIn ? "DELETED" : null;
        }
        if (filter.test(current)) {
            return wasIn ? "MODIFIED" : "ADDED";
        }
        return wasIn ? "DELETED" : null;
    }
}
