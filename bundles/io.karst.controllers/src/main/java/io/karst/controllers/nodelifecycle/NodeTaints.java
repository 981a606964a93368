package io.karst.controllers.nodelifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The taints a Node's conditions call for, as upstream's node lifecycle controller keeps them: NoSchedule for a
 * Ready condition that is False ({@code not-ready}) or Unknown ({@code unreachable}) and for memory, disk and PID
 * pressure and an unavailable network; NoExecute for not-ready and unreachable, stamped with the time added so that
 * tolerations with {@code tolerationSeconds} count from it. Taints with other keys are the user's and are kept.
 */
final class NodeTaints {
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    private static final Map<String, String> PRESSURE = Map.of(
            "MemoryPressure", "node.kubernetes.io/memory-pressure",
            "DiskPressure", "node.kubernetes.io/disk-pressure",
            "PIDPressure", "node.kubernetes.io/pid-pressure",
            "NetworkUnavailable", "node.kubernetes.io/network-unavailable");
    private static final List<String> OURS = List.of(NOT_READY, UNREACHABLE,
            "node.kubernetes.io/memory-pressure", "node.kubernetes.io/disk-pressure",
            "node.kubernetes.io/pid-pressure", "node.kubernetes.io/network-unavailable");

    private NodeTaints() {
    }

    /** The node's taints as they should be: the user's as they are, this controller's from the conditions. */
    static ArrayNode wanted(JsonNode node, Instant now) {
        JsonNode current = node.path("spec").path("taints");
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode taint : current) {
            if (!OURS.contains(taint.path("key").asText())) {
                out.add(taint);
            }
        }
        String ready = NodeConditions.status(node, "Ready");
        String lost = ready.equals("False") ? NOT_READY : ready.equals("Unknown") ? UNREACHABLE : null;
        if (lost != null) {
            out.add(keep(current, lost, "NoSchedule", null));
            out.add(keep(current, lost, "NoExecute", now));
        }
        PRESSURE.forEach((condition, key) -> {
            if (NodeConditions.status(node, condition).equals("True")) {
                out.add(keep(current, key, "NoSchedule", null));
            }
        });
        return out;
    }

    /** The taint as it is on the node when it is there already (its timeAdded kept), else a new one. */
    private static ObjectNode keep(JsonNode current, String key, String effect, Instant added) {
        for (JsonNode taint : current) {
            if (taint.path("key").asText().equals(key) && taint.path("effect").asText().equals(effect)) {
                return (ObjectNode) taint.deepCopy();
            }
        }
        ObjectNode taint = JsonNodeFactory.instance.objectNode().put("key", key).put("effect", effect);
        if (added != null) {
            taint.put("timeAdded", added.toString());
        }
        return taint;
    }

    /** Whether two taint lists hold the same taints, in any order. */
    static boolean same(JsonNode a, JsonNode b) {
        List<JsonNode> left = new ArrayList<>();
        a.forEach(left::add);
        List<JsonNode> right = new ArrayList<>();
        b.forEach(right::add);
        return left.size() == right.size() && left.containsAll(right);
    }
}
