package io.karst.api.node;

import java.time.Instant;
import java.util.Map;

/** A container as listed. */
public record ContainerSummary(String id, String sandboxId, String name, int attempt, String image,
        String imageRef, ContainerState state, Instant createdAt, Map<String, String> labels,
        Map<String, String> annotations) {
    public ContainerSummary {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
