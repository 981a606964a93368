package io.karst.api.node;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** @param ips the pod's addresses, primary first; empty for host-network pods or before the network is up */
public record PodSandboxStatus(String id, String name, String namespace, String uid, int attempt,
        SandboxState state, Instant createdAt, List<String> ips, Map<String, String> labels,
        Map<String, String> annotations) {
    public PodSandboxStatus {
        ips = List.copyOf(ips);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
