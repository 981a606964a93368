package io.karst.controllers.podautoscaler;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Upstream's replica calculator for resource metrics: from the target's pods and their usage, the replica count
 * that brings the average to the target. Pods being deleted or failed are ignored; pending ones, and for CPU ones
 * not ready yet (or measured before they became ready), count as unready; pods without a metric are missing. A
 * ratio within the tolerance (10%) keeps the current count; unready and missing pods are then assumed to use
 * nothing on a scale-up and their request (or the target) on a scale-down, so that they cannot cause a move the
 * measured pods do not ask for.
 */
final class ReplicaCalculator {
    /** --horizontal-pod-autoscaler-tolerance. */
    static final double TOLERANCE = 0.1;
    /** --horizontal-pod-autoscaler-cpu-initialization-period. */
    static final Duration CPU_INITIALIZATION_PERIOD = Duration.ofMinutes(5);
    /** --horizontal-pod-autoscaler-initial-readiness-delay. */
    static final Duration INITIAL_READINESS_DELAY = Duration.ofSeconds(30);

    /** A proposal: the replica count, the measured utilization (percent, for utilization targets) and average. */
    record Proposal(int replicas, int utilization, long rawAverageMilli, Instant timestamp) {
    }

    private record Groups(int ready, Set<String> unready, Set<String> missing, Set<String> ignored) {
    }

    private final Instant now;

    ReplicaCalculator(Instant now) {
        this.now = now;
    }

    /** For a {@code Utilization} target: usage against the pods' requests. */
    Proposal utilization(int currentReplicas, int targetUtilization, String resource, String container,
            List<ObjectNode> pods, Map<String, PodMetric> metrics) throws MetricFailure {
        if (pods.isEmpty()) {
            throw failure("no pods returned by selector while calculating replica count");
        }
        Map<String, PodMetric> measured = new HashMap<>(metrics);
        Groups groups = group(pods, measured, resource);
        groups.ignored().forEach(measured::remove);
        groups.unready().forEach(measured::remove);
        if (measured.isEmpty()) {
            throw failure("did not receive metrics for targeted pods (pods might be unready)");
        }
        Map<String, Long> requests = requests(pods, resource, container);
        Instant timestamp = measured.values().iterator().next().timestamp();
        Ratio ratio = utilizationRatio(measured, requests, targetUtilization);
        boolean scaleUpWithUnready = !groups.unready().isEmpty() && ratio.usage() > 1.0;
        if (!scaleUpWithUnready && groups.missing().isEmpty()) {
            if (Math.abs(1.0 - ratio.usage()) <= TOLERANCE) {
                return new Proposal(currentReplicas, ratio.utilization(), ratio.rawAverage(), timestamp);
            }
            return new Proposal((int) Math.ceil(ratio.usage() * groups.ready()), ratio.utilization(),
                    ratio.rawAverage(), timestamp);
        }
        if (!groups.missing().isEmpty()) {
            if (ratio.usage() < 1.0) {
                // a scale-down: the missing pods use all they asked for, or the target when that is higher
                long fallback = Math.max(100, targetUtilization);
                groups.missing().forEach(p -> measured.put(p, new PodMetric(requests.getOrDefault(p, 0L) * fallback
                        / 100, timestamp, Duration.ZERO)));
            } else if (ratio.usage() > 1.0) {
                groups.missing().forEach(p -> measured.put(p, new PodMetric(0, timestamp, Duration.ZERO)));
            }
        }
        if (scaleUpWithUnready) {
            groups.unready().forEach(p -> measured.put(p, new PodMetric(0, timestamp, Duration.ZERO)));
        }
        Ratio adjusted = utilizationRatio(measured, requests, targetUtilization);
        return settle(currentReplicas, ratio.usage(), adjusted.usage(), measured.size(),
                new Proposal(currentReplicas, ratio.utilization(), ratio.rawAverage(), timestamp));
    }

    /** For an {@code AverageValue} target: the average usage against the value, requests play no part. */
    Proposal averageValue(int currentReplicas, long targetMilli, String resource, List<ObjectNode> pods,
            Map<String, PodMetric> metrics) throws MetricFailure {
        if (pods.isEmpty()) {
            throw failure("no pods returned by selector while calculating replica count");
        }
        Map<String, PodMetric> measured = new HashMap<>(metrics);
        Groups groups = group(pods, measured, resource);
        groups.ignored().forEach(measured::remove);
        groups.unready().forEach(measured::remove);
        if (measured.isEmpty()) {
            throw failure("did not receive metrics for targeted pods (pods might be unready)");
        }
        Instant timestamp = measured.values().iterator().next().timestamp();
        long average = average(measured);
        double usage = (double) average / targetMilli;
        boolean scaleUpWithUnready = !groups.unready().isEmpty() && usage > 1.0;
        if (!scaleUpWithUnready && groups.missing().isEmpty()) {
            if (Math.abs(1.0 - usage) <= TOLERANCE) {
                return new Proposal(currentReplicas, 0, average, timestamp);
            }
            return new Proposal((int) Math.ceil(usage * groups.ready()), 0, average, timestamp);
        }
        if (!groups.missing().isEmpty()) {
            // a scale-down: the missing pods use exactly the target; a scale-up: nothing
            long fallback = usage < 1.0 ? targetMilli : 0;
            groups.missing().forEach(p -> measured.put(p, new PodMetric(fallback, timestamp, Duration.ZERO)));
        }
        if (scaleUpWithUnready) {
            groups.unready().forEach(p -> measured.put(p, new PodMetric(0, timestamp, Duration.ZERO)));
        }
        double adjusted = (double) average(measured) / targetMilli;
        return settle(currentReplicas, usage, adjusted, measured.size(),
                new Proposal(currentReplicas, 0, average, timestamp));
    }

    /**
     * With unready or missing pods filled in: no move when the adjusted ratio is within tolerance or points the
     * other way, nor one against the direction of the ratio.
     */
    private static Proposal settle(int currentReplicas, double usage, double adjusted, int count, Proposal keep) {
        if (Math.abs(1.0 - adjusted) <= TOLERANCE || (usage < 1.0 && adjusted > 1.0)
                || (usage > 1.0 && adjusted < 1.0)) {
            return keep;
        }
        int replicas = (int) Math.ceil(adjusted * count);
        if ((adjusted < 1.0 && replicas > currentReplicas) || (adjusted > 1.0 && replicas < currentReplicas)) {
            return keep;
        }
        return new Proposal(replicas, keep.utilization(), keep.rawAverageMilli(), keep.timestamp());
    }

    private record Ratio(double usage, int utilization, long rawAverage) {
    }

    private static Ratio utilizationRatio(Map<String, PodMetric> metrics, Map<String, Long> requests,
            int targetUtilization) throws MetricFailure {
        long metricsTotal = 0;
        long requestsTotal = 0;
        int entities = 0;
        for (Map.Entry<String, PodMetric> e : metrics.entrySet()) {
            Long request = requests.get(e.getKey());
            if (request == null) {
                continue;
            }
            metricsTotal += e.getValue().milliValue();
            requestsTotal += request;
            entities++;
        }
        if (requestsTotal == 0) {
            throw failure("no metrics returned matched known pods");
        }
        int utilization = (int) (metricsTotal * 100 / requestsTotal);
        return new Ratio((double) utilization / targetUtilization, utilization, metricsTotal / entities);
    }

    private static long average(Map<String, PodMetric> metrics) {
        long total = 0;
        for (PodMetric m : metrics.values()) {
            total += m.milliValue();
        }
        return total / metrics.size();
    }

    private Groups group(List<ObjectNode> pods, Map<String, PodMetric> metrics, String resource) {
        int ready = 0;
        Set<String> unready = new HashSet<>();
        Set<String> missing = new HashSet<>();
        Set<String> ignored = new HashSet<>();
        for (ObjectNode pod : pods) {
            String name = pod.path("metadata").path("name").asText();
            String phase = pod.path("status").path("phase").asText("");
            if (pod.path("metadata").has("deletionTimestamp") || phase.equals("Failed")) {
                ignored.add(name);
                continue;
            }
            // pending pods, unscheduled ones among them, have not had a chance to use anything yet
            if (phase.equals("Pending") || phase.isEmpty()) {
                unready.add(name);
                continue;
            }
            PodMetric metric = metrics.get(name);
            if (metric == null) {
                missing.add(name);
                continue;
            }
            if (resource.equals("cpu") && unreadyForCpu(pod, metric)) {
                unready.add(name);
                continue;
            }
            ready++;
        }
        return new Groups(ready, unready, missing, ignored);
    }

    /**
     * A CPU sample is not trusted while the pod starts up (CPU bursts then): within its initialization period
     * when the pod is not ready or the sample's window began before it became ready; afterwards only when it has
     * never been ready.
     */
    private boolean unreadyForCpu(ObjectNode pod, PodMetric metric) {
        JsonNode condition = null;
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                condition = c;
            }
        }
        Instant started = instant(pod.path("status").path("startTime").asText(""));
        if (condition == null || started == null) {
            return true;
        }
        Instant transition = instant(condition.path("lastTransitionTime").asText(""));
        boolean notReady = condition.path("status").asText().equals("False");
        if (transition == null) {
            return notReady;
        }
        if (started.plus(CPU_INITIALIZATION_PERIOD).isAfter(now)) {
            return notReady || metric.timestamp().isBefore(transition.plus(metric.window()));
        }
        return notReady && started.plus(INITIAL_READINESS_DELAY).isAfter(transition);
    }

    /** The pods' requests of the resource in milli-units (of one container when named); every container needs one. */
    static Map<String, Long> requests(List<ObjectNode> pods, String resource, String container) throws MetricFailure {
        Map<String, Long> requests = new HashMap<>();
        for (ObjectNode pod : pods) {
            String name = pod.path("metadata").path("name").asText();
            long total = 0;
            for (JsonNode c : pod.path("spec").path("containers")) {
                if (container != null && !c.path("name").asText().equals(container)) {
                    continue;
                }
                java.math.BigDecimal request = io.karst.controllers.resourcequota.Quantities.parse(
                        c.path("resources").path("requests").get(resource));
                if (request == null) {
                    throw failure("missing request for " + resource + " in container " + c.path("name").asText()
                            + " of Pod " + name);
                }
                total += request.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
            }
            requests.put(name, total);
        }
        return requests;
    }

    private static Instant instant(String text) {
        try {
            return text.isEmpty() ? null : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** A failure whose reason the caller decides (by metric type); the message is upstream's inner one. */
    private static MetricFailure failure(String message) {
        return new MetricFailure("", message);
    }
}
