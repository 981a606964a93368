package io.karst.kubelet.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last two readings of cumulative CPU time per cgroup (node, pod, container), taken by the kubelet's
 * housekeeping: a CPU rate ({@code usageNanoCores}) needs a reading from before, as cAdvisor's does. A rate is given
 * against the newest reading at least a second older than the current one, so two requests in a row still get one.
 */
public final class CpuSamples {
    private static final Duration MIN_SPAN = Duration.ofSeconds(1);

    private record Reading(Instant at, long nanos) {
    }

    private record Pair(Reading older, Reading newer) {
    }

    private final Map<String, Pair> readings = new ConcurrentHashMap<>();

    /** Records a reading. */
    public void record(String key, Instant at, long nanos) {
        readings.compute(key, (k, p) -> new Pair(p == null ? null : p.newer(), new Reading(at, nanos)));
    }

    /** Forgets the keys not in {@code live} (containers that went). */
    public void retain(Set<String> live) {
        readings.keySet().retainAll(live);
    }

    /** CPU use in billionths of a core between an earlier reading and this one; empty without one. */
    public OptionalLong nanoCores(String key, Instant at, long nanos) {
        Pair p = readings.get(key);
        if (p == null) {
            return OptionalLong.empty();
        }
        Reading before = usable(p.newer(), at) ? p.newer() : usable(p.older(), at) ? p.older() : null;
        if (before == null || nanos < before.nanos()) {
            return OptionalLong.empty();
        }
        long elapsed = Duration.between(before.at(), at).toNanos();
        return OptionalLong.of((long) ((nanos - before.nanos()) * 1e9 / elapsed));
    }

    private static boolean usable(Reading r, Instant at) {
        return r != null && !Duration.between(r.at(), at).minus(MIN_SPAN).isNegative();
    }
}
