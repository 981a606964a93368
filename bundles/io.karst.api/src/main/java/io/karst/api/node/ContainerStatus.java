package io.karst.api.node;

import java.time.Instant;
import java.util.Map;

/**
 * A container's state in detail.
 *
 * @param reason the runtime's reason for an exit ({@code Completed}, {@code Error}, {@code OOMKilled}), empty
 *               otherwise
 * @param logPath the absolute path of its log file
 */
public record ContainerStatus(String id, String name, int attempt, ContainerState state, Instant createdAt,
        Instant startedAt, Instant finishedAt, int exitCode, String image, String imageRef, String reason,
        String message, String logPath, Map<String, String> labels, Map<String, String> annotations) {
    public ContainerStatus {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
