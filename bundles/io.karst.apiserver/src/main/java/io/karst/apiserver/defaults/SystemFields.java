package io.karst.apiserver.defaults;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;

/**
 * Upstream's update step for system metadata ({@code rest.BeforeUpdate}): generation is the server's, and uid,
 * creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds carry over from the stored object when the
 * client left them out. Call before validating an update.
 */
public final class SystemFields {
    private SystemFields() {
    }

    public static void carryOver(ObjectNode newObj, ObjectNode oldObj) {
        ObjectNode n = Json.objOrCreate(newObj, "metadata");
        ObjectNode o = Json.obj(oldObj, "metadata");
        if (o == null) {
            return;
        }
        if (o.has("generation")) {
            n.set("generation", o.get("generation").deepCopy());
        } else {
            n.remove("generation");
        }
        if (Json.text(n, "uid").isEmpty() && Json.has(o, "uid")) {
            n.set("uid", o.get("uid").deepCopy());
        }
        if (Json.has(o, "creationTimestamp")) {
            n.set("creationTimestamp", o.get("creationTimestamp").deepCopy());
        }
        if (Json.has(o, "deletionTimestamp")) {
            n.set("deletionTimestamp", o.get("deletionTimestamp").deepCopy());
        }
        if (Json.has(o, "deletionGracePeriodSeconds") && !Json.has(n, "deletionGracePeriodSeconds")) {
            n.set("deletionGracePeriodSeconds", o.get("deletionGracePeriodSeconds").deepCopy());
        }
    }
}
