package io.karst.apiserver.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** A pod's usage: one {@link Usage} per running container, by name, in the kubelet's order. */
public record PodUsage(Instant timestamp, Duration window, Map<String, Usage> containers) {
}
