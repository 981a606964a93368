package io.karst.scheduler.plugins;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Component;

import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;
import io.karst.api.scheduler.ScorePlugin;
import io.karst.scheduler.Resources;

/**
 * Upstream's NodeResourcesFit with its default LeastAllocated strategy. Filter: one pod more must fit in the
 * node's {@code pods} allocatable ("Too many pods"), and each requested resource in allocatable minus what the
 * pods on the node request ("Insufficient cpu"). Score: the mean over cpu and memory of the free share after
 * placing the pod, where a pod without requests counts as 100m cpu and 200Mi memory, as upstream's non-zero
 * requests do.
 */
@Component(service = {FilterPlugin.class, ScorePlugin.class})
public final class NodeResourcesFit implements FilterPlugin, ScorePlugin {
    static final long DEFAULT_MILLI_CPU = 100;
    static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    @Override
    public String name() {
        return "NodeResourcesFit";
    }

    @Override
    public List<String> filter(PodInfo pod, NodeInfo node) {
        List<String> reasons = new ArrayList<>();
        long allowedPods = node.allocatable().getOrDefault(Resources.PODS, 0L);
        if (node.pods().size() + 1 > allowedPods) {
            reasons.add("Too many pods");
        }
        for (Map.Entry<String, Long> r : new TreeMap<>(pod.requests()).entrySet()) {
            if (r.getValue() == 0 || r.getKey().equals(Resources.PODS)) {
                continue;
            }
            long free = node.allocatable().getOrDefault(r.getKey(), 0L)
                    - node.requested().getOrDefault(r.getKey(), 0L);
            if (r.getValue() > free) {
                reasons.add("Insufficient " + r.getKey());
            }
        }
        return reasons;
    }

    @Override
    public long score(PodInfo pod, NodeInfo node) {
        long cpu = leastAllocated(node.allocatable().getOrDefault(Resources.CPU, 0L),
                nonZero(node, Resources.CPU, DEFAULT_MILLI_CPU) + nonZero(pod, Resources.CPU, DEFAULT_MILLI_CPU));
        long memory = leastAllocated(node.allocatable().getOrDefault(Resources.MEMORY, 0L),
                nonZero(node, Resources.MEMORY, DEFAULT_MEMORY) + nonZero(pod, Resources.MEMORY, DEFAULT_MEMORY));
        return (cpu + memory) / 2;
    }

    private static long leastAllocated(long capacity, long requested) {
        if (capacity == 0 || requested > capacity) {
            return 0;
        }
        return (capacity - requested) * MAX_SCORE / capacity;
    }

    private static long nonZero(PodInfo pod, String resource, long fallback) {
        long value = pod.requests().getOrDefault(resource, 0L);
        return value == 0 ? fallback : value;
    }

    private static long nonZero(NodeInfo node, String resource, long fallback) {
        long sum = 0;
        for (PodInfo p : node.pods()) {
            sum += nonZero(p, resource, fallback);
        }
        return sum;
    }
}
