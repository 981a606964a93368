package io.karst.kubelet.eviction;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.kubelet.node.NodePressure;
import io.karst.kubelet.pod.PodEvents;
import io.karst.kubelet.pod.PodWorkers;
import io.karst.kubelet.pod.Quantities;

/**
 * Upstream's eviction manager with hard thresholds: each {@link #synchronize} pass (every 10 s, the kubelet's
 * housekeeping) observes the signals and compares them with the thresholds; the pressure conditions follow the
 * crossed ones (and stay for the transition period after the last crossing); when one is crossed, ONE pod is evicted,
 * ranked as upstream: for memory, pods using more than they request first, then lower {@code spec.priority}, then
 * usage above requests; for disk the same with ephemeral storage, once removing unused images did not free enough;
 * for PIDs, priority then process count. Critical
 * pods (static, mirror, priority of system-cluster-critical or above) are never evicted. The pod worker kills the
 * chosen pod and writes its status; an {@code Evicted} Warning event says why.
 */
public final class EvictionManager implements NodePressure {
    /** upstream's SystemCriticalPriority: system-cluster-critical and system-node-critical are at or above it */
    static final int SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
    static final String REASON = "Evicted";
    private static final Logger LOG = LoggerFactory.getLogger(EvictionManager.class);

    private final EvictionThresholds thresholds;
    private final Duration transitionPeriod;
    private final SignalObserver signals;
    private final PodUsage usage;
    private final DiskReclaim diskReclaim;
    private final PodWorkers pods;
    private final PodEvents events;
    private final Clock clock;
    /** condition type → when a threshold setting it was last crossed */
    private final Map<String, Instant> lastCrossed = new HashMap<>();
    private final Set<String> evicted = new HashSet<>();
    private volatile Set<String> conditions = Set.of();

    public EvictionManager(EvictionThresholds thresholds, Duration transitionPeriod, SignalObserver signals,
            PodUsage usage, DiskReclaim diskReclaim, PodWorkers pods, PodEvents events, Clock clock) {
        this.diskReclaim = diskReclaim;
        this.thresholds = thresholds;
        this.transitionPeriod = transitionPeriod;
        this.signals = signals;
        this.usage = usage;
        this.pods = pods;
        this.events = events;
        this.clock = clock;
    }

    /**
     * One pass: observes, updates the pressure conditions, and evicts at most one pod; returns it, if one was.
     */
    public synchronized Optional<JsonNode> synchronize() {
        if (thresholds.thresholds().isEmpty()) {
            return Optional.empty();
        }
        Map<Signal, Observation> observed = signals.observe();
        Instant now = clock.instant();
        List<Threshold> crossed = crossed(observed);
        crossed.forEach(t -> lastCrossed.put(t.signal().condition(), now));
        Set<String> active = new HashSet<>();
        lastCrossed.forEach((condition, at) -> {
            if (Duration.between(at, now).compareTo(transitionPeriod) < 0) {
                active.add(condition);
            }
        });
        conditions = Set.copyOf(active);
        Map<String, ObjectNode> running = pods.pods();
        evicted.retainAll(running.keySet());
        if (crossed.isEmpty()) {
            return Optional.empty();
        }
        // memory first (upstream's byEvictionPriority), then the signals in their order
        crossed.sort(Comparator.comparing(Threshold::signal));
        Threshold reclaim = crossed.get(0);
        if (!reclaim.signal().resource().equals("memory") && !reclaim.signal().resource().equals("pids")) {
            // upstream reclaims node-level resources first and evicts only when the signals still say so
            try {
                long freed = diskReclaim.reclaim();
                LOG.info("Eviction threshold {} crossed: {} bytes of unused images removed", reclaim, freed);
            } catch (RuntimeException e) {
                LOG.warn("Eviction threshold {} crossed: unused images not removed: {}", reclaim, e.getMessage());
            }
            observed = signals.observe();
            crossed = crossed(observed);
            if (crossed.isEmpty()) {
                return Optional.empty();
            }
            crossed.sort(Comparator.comparing(Threshold::signal));
            reclaim = crossed.get(0);
        }
        Observation observation = observed.get(reclaim.signal());
        LOG.info("Eviction threshold {} crossed: {} available", reclaim, Quantity.format(observation.available()));
        List<JsonNode> candidates = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> e : running.entrySet()) {
            String phase = e.getValue().path("status").path("phase").asText("");
            // a pod being deleted is already being stopped by its worker; evicting it would change nothing
            boolean deleting = e.getValue().path("metadata").hasNonNull("deletionTimestamp");
            boolean finished = phase.equals("Succeeded") || phase.equals("Failed");
            if (!evicted.contains(e.getKey()) && !deleting && !finished) {
                candidates.add(e.getValue());
            }
        }
        Map<String, Optional<PodStats>> stats = new HashMap<>();
        for (JsonNode pod : candidates) {
            stats.put(uid(pod), usage.of(pod));
        }
        candidates.sort(ranking(reclaim.signal(), stats));
        for (JsonNode pod : candidates) {
            if (critical(pod)) {
                LOG.debug("Eviction skips critical pod {}", ref(pod));
                continue;
            }
            String message = message(reclaim, observation, pod, stats.get(uid(pod)));
            if (pods.evict(uid(pod), message)) {
                evicted.add(uid(pod));
                events.warning(pod, null, REASON, message);
                LOG.info("Evicted pod {}: {}", ref(pod), message);
                return Optional.of(pod);
            }
        }
        LOG.warn("Eviction threshold {} crossed, but no pod could be evicted", reclaim);
        return Optional.empty();
    }

    private List<Threshold> crossed(Map<Signal, Observation> observed) {
        List<Threshold> crossed = new ArrayList<>();
        for (Threshold t : thresholds.thresholds()) {
            Observation o = observed.get(t.signal());
            if (o != null && t.crossedBy(o)) {
                crossed.add(t);
            }
        }
        return crossed;
    }

    @Override
    public boolean memoryPressure() {
        return conditions.contains("MemoryPressure");
    }

    @Override
    public boolean diskPressure() {
        return conditions.contains("DiskPressure");
    }

    @Override
    public boolean pidPressure() {
        return conditions.contains("PIDPressure");
    }

    /** Upstream's rankMemoryPressure, rankDiskPressureFunc and rankPIDPressure; pods without stats first. */
    static Comparator<JsonNode> ranking(Signal signal, Map<String, Optional<PodStats>> stats) {
        Comparator<JsonNode> noStatsFirst = Comparator.comparing(p -> stats.get(uid(p)).isPresent());
        Comparator<JsonNode> byPriority = Comparator.comparingInt(EvictionManager::priority);
        return switch (signal) {
            case MEMORY_AVAILABLE -> noStatsFirst
                    .thenComparing(p -> !exceeds(p, stats, "memory"))
                    .thenComparing(byPriority)
                    .thenComparing(Comparator.comparingLong((JsonNode p) -> aboveRequest(p, stats, "memory"))
                            .reversed());
            case NODEFS_AVAILABLE, IMAGEFS_AVAILABLE, NODEFS_INODES_FREE, IMAGEFS_INODES_FREE -> noStatsFirst
                    .thenComparing(p -> !exceeds(p, stats, "ephemeral-storage"))
                    .thenComparing(byPriority)
                    .thenComparing(Comparator.comparingLong((JsonNode p) -> aboveRequest(p, stats,
                            "ephemeral-storage")).reversed());
            case PID_AVAILABLE -> noStatsFirst.thenComparing(byPriority)
                    .thenComparing(Comparator.comparingLong((JsonNode p) -> stats.get(uid(p))
                            .map(PodStats::processes).orElse(0L)).reversed());
        };
    }

    private static long used(JsonNode pod, Map<String, Optional<PodStats>> stats, String resource) {
        return stats.get(uid(pod)).map(s -> resource.equals("memory") ? s.memoryBytes() : s.diskBytes()).orElse(0L);
    }

    private static boolean exceeds(JsonNode pod, Map<String, Optional<PodStats>> stats, String resource) {
        return used(pod, stats, resource) > request(pod, resource);
    }

    private static long aboveRequest(JsonNode pod, Map<String, Optional<PodStats>> stats, String resource) {
        return used(pod, stats, resource) - request(pod, resource);
    }

    /** The pod's request: its containers' summed, or its largest init container's when that is more. */
    static long request(JsonNode pod, String resource) {
        long sum = 0;
        for (JsonNode c : pod.path("spec").path("containers")) {
            sum += containerRequest(c, resource);
        }
        long init = 0;
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            long r = containerRequest(c, resource);
            if (c.path("restartPolicy").asText("").equals("Always")) {
                sum += r; // a sidecar runs beside the containers
            } else {
                init = Math.max(init, r);
            }
        }
        return Math.max(sum, init);
    }

    private static long containerRequest(JsonNode c, String resource) {
        String q = c.path("resources").path("requests").path(resource).asText("");
        if (q.isEmpty()) {
            return 0;
        }
        try {
            return Quantities.value(q);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static int priority(JsonNode pod) {
        return pod.path("spec").path("priority").asInt(0);
    }

    /** Upstream's IsCriticalPod: static and mirror pods, and pods at system-cluster-critical priority or above. */
    static boolean critical(JsonNode pod) {
        JsonNode annotations = pod.path("metadata").path("annotations");
        String source = annotations.path("kubernetes.io/config.source").asText("");
        return !source.isEmpty() && !source.equals("api") || annotations.has("kubernetes.io/config.mirror")
                || priority(pod) >= SYSTEM_CRITICAL_PRIORITY;
    }

    /**
     * Upstream's evictionMessage: the starved resource, the threshold and what was available, then every container
     * that used more than it requested.
     */
    static String message(Threshold threshold, Observation observed, JsonNode pod, Optional<PodStats> stats) {
        String resource = threshold.signal().resource();
        StringBuilder message = new StringBuilder("The node was low on resource: " + resource + ". ");
        message.append("Threshold quantity: ").append(Quantity.format(threshold.minimum(observed.capacity())))
                .append(", available: ").append(Quantity.format(observed.available())).append(". ");
        if (stats.isPresent() && (resource.equals("memory") || resource.equals("ephemeral-storage"))) {
            Map<String, Long> used = resource.equals("memory") ? stats.get().memory() : stats.get().disk();
            List<JsonNode> containers = new ArrayList<>();
            pod.path("spec").path("containers").forEach(containers::add);
            pod.path("spec").path("initContainers").forEach(containers::add);
            for (JsonNode c : containers) {
                Long usage = used.get(c.path("name").asText());
                long request = containerRequest(c, resource);
                if (usage != null && usage > request) {
                    message.append("Container ").append(c.path("name").asText()).append(" was using ")
                            .append(Quantity.format(usage)).append(", request is ")
                            .append(c.path("resources").path("requests").path(resource).asText("0"))
                            .append(", has larger consumption of ").append(resource).append(". ");
                }
            }
        }
        return message.toString();
    }

    private static String uid(JsonNode pod) {
        return pod.path("metadata").path("uid").asText();
    }

    private static String ref(JsonNode pod) {
        return pod.path("metadata").path("namespace").asText() + "/" + pod.path("metadata").path("name").asText();
    }
}
