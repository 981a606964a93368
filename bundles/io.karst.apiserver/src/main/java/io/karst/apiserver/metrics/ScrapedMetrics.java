package io.karst.apiserver.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The readings of the last two scrapes, as metrics-server's storage keeps them: a rate needs both, so a node or a
 * container shows up from its second reading on. Each scrape replaces the set: a node whose kubelet was not reached
 * this time, or a pod no longer running, is left out.
 */
public final class ScrapedMetrics {
    private record Pair(UsagePoint previous, UsagePoint last) {
    }

    private Map<String, Pair> nodes = Map.of();
    /** By {@code namespace/pod}, then container name in the kubelet's order. */
    private Map<String, Map<String, Pair>> pods = Map.of();

    /** Stores one scrape: the summaries of the kubelets reached, by node name. */
    synchronized void store(Map<String, KubeletSummary> summaries) {
        Map<String, Pair> newNodes = new HashMap<>();
        Map<String, Map<String, Pair>> newPods = new HashMap<>();
        summaries.forEach((node, summary) -> {
            if (summary.node() != null) {
                newNodes.put(node, next(nodes.get(node), summary.node()));
            }
            for (KubeletSummary.PodReadings pod : summary.pods()) {
                String key = pod.namespace() + "/" + pod.name();
                Map<String, Pair> before = pods.getOrDefault(key, Map.of());
                Map<String, Pair> containers = new LinkedHashMap<>();
                pod.containers().forEach((name, point) -> containers.put(name, next(before.get(name), point)));
                newPods.put(key, containers);
            }
        });
        nodes = newNodes;
        pods = newPods;
    }

    /** The last reading becomes the previous one, unless the kubelet answered with the same reading again. */
    private static Pair next(Pair before, UsagePoint point) {
        if (before == null) {
            return new Pair(null, point);
        }
        if (!point.timestamp().isAfter(before.last().timestamp())) {
            return before;
        }
        return new Pair(before.last(), point);
    }

    public synchronized Optional<Usage> node(String name) {
        Pair pair = nodes.get(name);
        return pair == null ? Optional.empty() : Usage.between(pair.previous(), pair.last());
    }

    /**
     * A pod's usage, when every container it runs has a rate (metrics-server reports no partial pods); the pod's
     * timestamp and window are those of its latest container reading.
     */
    public synchronized Optional<PodUsage> pod(String namespace, String name) {
        Map<String, Pair> containers = pods.get(namespace + "/" + name);
        if (containers == null || containers.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Usage> usage = new LinkedHashMap<>();
        Instant timestamp = Instant.MIN;
        Duration window = Duration.ZERO;
        for (Map.Entry<String, Pair> e : containers.entrySet()) {
            Optional<Usage> u = Usage.between(e.getValue().previous(), e.getValue().last());
            if (u.isEmpty()) {
                return Optional.empty();
            }
            usage.put(e.getKey(), u.get());
            if (u.get().timestamp().isAfter(timestamp)) {
                timestamp = u.get().timestamp();
                window = u.get().window();
            }
        }
        return Optional.of(new PodUsage(timestamp, window, usage));
    }
}
