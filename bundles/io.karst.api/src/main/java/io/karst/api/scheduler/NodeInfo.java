package io.karst.api.scheduler;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A node with what is already placed on it, as the plugins see it. Do not modify the objects.
 *
 * @param node the Node object
 * @param pods the pods bound (or being bound) to it that still hold resources (not Succeeded or Failed)
 * @param allocatable {@code status.allocatable} (millicores for {@code cpu}, base units otherwise)
 * @param requested the sum of {@code pods}' requests, in the units of {@link PodInfo#requests()}
 */
public record NodeInfo(ObjectNode node, List<PodInfo> pods, Map<String, Long> allocatable,
        Map<String, Long> requested) {
    public NodeInfo {
        pods = List.copyOf(pods);
        allocatable = Map.copyOf(allocatable);
        requested = Map.copyOf(requested);
    }

    public String name() {
        return node.path("metadata").path("name").asText();
    }
}
