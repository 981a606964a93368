package io.karst.kubelet.pod;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the kubelet remembers of one pod between syncs (nothing that it cannot learn again after a restart). */
final class PodState {
    /** container name → restart back-off */
    final Map<String, Backoff> backoff = new ConcurrentHashMap<>();
    /** container name → why it is waiting (image, config or runtime errors) */
    final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    volatile Instant volumesRefreshed = Instant.EPOCH;
    /** volume name → host path, once the volumes were set up */
    volatile Map<String, java.nio.file.Path> volumePaths;
    volatile String lastWrittenStatus = "";
    /** A sandbox that could not be made is tried again no sooner than this (not on every event of the pod). */
    volatile Instant sandboxRetryAt = Instant.EPOCH;
    /** The wait after the last failed sandbox: 2 s doubling to 30 s, zero once one was made. */
    volatile java.time.Duration sandboxBackoff = java.time.Duration.ZERO;
    /** whether the pod's containers were all stopped for its deletion */
    volatile boolean killed;
    /** the eviction message once the eviction manager chose this pod; it then ends Failed/Evicted */
    volatile String evicted;

    record Waiting(String reason, String message) {
    }

    Backoff backoff(String container) {
        return backoff.computeIfAbsent(container, c -> new Backoff());
    }
}
