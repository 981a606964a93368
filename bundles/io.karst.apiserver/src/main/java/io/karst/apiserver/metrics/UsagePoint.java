package io.karst.apiserver.metrics;

import java.time.Instant;

/**
 * One reading of a node or a container from a kubelet's summary: the cumulative CPU time (a rate needs two of
 * them) and the memory working set, at {@code timestamp} (the CPU reading's time).
 *
 * @param startTime when the node or container started; a different one means it restarted and its counter with it
 */
record UsagePoint(Instant timestamp, Instant startTime, long cumulativeCpuNanos, long workingSetBytes) {
}
