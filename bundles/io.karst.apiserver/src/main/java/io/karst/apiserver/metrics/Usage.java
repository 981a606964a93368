package io.karst.apiserver.metrics;

import java.time.Duration;
import java.time.Instant;

/**
 * What the metrics API reports for a node or a container: the CPU rate over {@code window} ending at
 * {@code timestamp}, and the memory working set then.
 */
public record Usage(Instant timestamp, Duration window, long nanoCores, long memoryBytes) {

    /**
     * The usage between two readings, as metrics-server computes it; empty when they cannot give a rate: no earlier
     * reading, a restart in between (another start time), a counter that went back, or no time between them.
     */
    static java.util.Optional<Usage> between(UsagePoint previous, UsagePoint last) {
        if (previous == null || last == null || !java.util.Objects.equals(previous.startTime(), last.startTime())
                || last.cumulativeCpuNanos() < previous.cumulativeCpuNanos()
                || !last.timestamp().isAfter(previous.timestamp())) {
            return java.util.Optional.empty();
        }
        Duration window = Duration.between(previous.timestamp(), last.timestamp());
        long used = last.cumulativeCpuNanos() - previous.cumulativeCpuNanos();
        // nanoseconds of CPU per second of window are nanocores
        long nanoCores = (long) (used / (window.toNanos() / 1e9));
        return java.util.Optional.of(new Usage(last.timestamp(), window, nanoCores, last.workingSetBytes()));
    }
}
