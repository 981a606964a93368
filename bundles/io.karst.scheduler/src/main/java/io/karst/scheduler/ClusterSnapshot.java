package io.karst.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;

/**
 * The nodes with their pods as one scheduling pass sees them (upstream's scheduler cache snapshot): taken once and
 * kept up to date with the pass's own placements, so that a cycle does not count every pod of the cluster again.
 * Each cycle gets its own unchanging list ({@link #cycle()}), which plugins may use to find per-cycle state once.
 */
final class ClusterSnapshot {
    private final List<NodeInfo> nodes;
    /** The nodes' names at their positions, which never change: read once, not in every cycle. */
    private final List<String> names;
    private final Map<String, Integer> positions = new HashMap<>();
    private final long takenAt = System.nanoTime();

    ClusterSnapshot(List<NodeInfo> nodes) {
        this.nodes = new ArrayList<>(nodes);
        List<String> named = new ArrayList<>(nodes.size());
        for (int i = 0; i < this.nodes.size(); i++) {
            named.add(this.nodes.get(i).name());
            positions.put(named.get(i), i);
        }
        this.names = List.copyOf(named);
    }

    /** The names of the nodes of {@link #cycle()}, at the same positions. */
    List<String> names() {
        return names;
    }

    /** The nodes for one scheduling cycle. */
    List<NodeInfo> cycle() {
        return List.copyOf(nodes);
    }

    /** Counts a pod just bound to {@code node} on it. */
    void place(String node, PodInfo pod) {
        Integer at = positions.get(node);
        if (at == null) {
            return;
        }
        NodeInfo before = nodes.get(at);
        List<PodInfo> pods = new ArrayList<>(before.pods());
        pods.add(pod);
        nodes.set(at, Scheduler.nodeInfo(before.node(), pods));
    }

    long ageNanos() {
        return System.nanoTime() - takenAt;
    }
}
