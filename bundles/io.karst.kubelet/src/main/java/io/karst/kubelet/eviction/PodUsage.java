package io.karst.kubelet.eviction;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads what a pod uses; empty when it cannot be known (such a pod is ranked first, as upstream). */
@FunctionalInterface
public interface PodUsage {
    Optional<PodStats> of(JsonNode pod);
}
