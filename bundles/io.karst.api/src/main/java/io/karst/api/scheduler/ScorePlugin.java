package io.karst.api.scheduler;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * kube-scheduler's Score extension point: how well a node that passed every filter suits a pod. Registered as a
 * service; the node with the highest weighted sum over all score plugins is chosen (ties at random).
 */
@ConsumerType
public interface ScorePlugin {
    long MAX_SCORE = 100;

    String name();

    /** Upstream's default weight of the plugin in the sum. */
    default int weight() {
        return 1;
    }

    /** A raw score for {@code node}. */
    long score(PodInfo pod, NodeInfo node);

    /**
     * As {@link #score(PodInfo, NodeInfo)}, with every node of this scheduling cycle and its pods; the default
     * ignores them.
     *
     * @since 1.1
     */
    default long score(PodInfo pod, NodeInfo node, List<NodeInfo> cluster) {
        return score(pod, node);
    }

    /**
     * Brings the raw scores of all feasible nodes (by node name) into 0..{@link #MAX_SCORE} in place; the default
     * leaves them as they are, for plugins whose raw scores already are.
     */
    default void normalize(PodInfo pod, Map<String, Long> scores) {
    }
}
