package io.karst.controllers.nodelifecycle;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Node's conditions as the lifecycle controller reads and marks them: when its kubelet has gone quiet, Ready and
 * the pressure conditions become Unknown with upstream's reasons and messages.
 */
final class NodeConditions {
    static final String[] MONITORED = {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"};

    private NodeConditions() {
    }

    /** The condition's status, "" when the node has none of that type. */
    static String status(JsonNode node, String type) {
        return find(node, type).path("status").asText("");
    }

    static JsonNode find(JsonNode node, String type) {
        for (JsonNode c : node.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /**
     * Marks the monitored conditions Unknown in {@code node} (a copy the caller writes back): a condition the kubelet
     * posted becomes {@code NodeStatusUnknown}, "Kubelet stopped posting node status."; a missing one is added as
     * {@code NodeStatusNeverUpdated}, "Kubelet never posted node status.".
     *
     * @return whether anything changed
     */
    static boolean markUnknown(ObjectNode node, Instant now) {
        ArrayNode conditions = node.withObject("/status").withArray("conditions");
        boolean changed = false;
        for (String type : MONITORED) {
            JsonNode existing = find(node, type);
            if (existing.isMissingNode()) {
                conditions.addObject().put("type", type).put("status", "Unknown")
                        .put("lastHeartbeatTime", now.toString()).put("lastTransitionTime", now.toString())
                        .put("reason", "NodeStatusNeverUpdated").put("message", "Kubelet never posted node status.");
                changed = true;
            } else if (!existing.path("status").asText().equals("Unknown")) {
                ((ObjectNode) existing).put("status", "Unknown").put("lastTransitionTime", now.toString())
                        .put("reason", "NodeStatusUnknown").put("message", "Kubelet stopped posting node status.");
                changed = true;
            }
        }
        return changed;
    }
}
