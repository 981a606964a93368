package io.karst.api.node;

import java.time.Instant;
import java.util.Map;

/** A sandbox as listed. */
public record PodSandbox(String id, String name, String namespace, String uid, int attempt, SandboxState state,
        Instant createdAt, Map<String, String> labels, Map<String, String> annotations) {
    public PodSandbox {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
