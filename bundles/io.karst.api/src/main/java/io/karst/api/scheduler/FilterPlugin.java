package io.karst.api.scheduler;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * kube-scheduler's Filter extension point: whether a pod may run on a node. Registered as a service; every filter
 * plugin must accept a node for the pod to be placed there.
 */
@ConsumerType
public interface FilterPlugin {

    /** Upstream's plugin name, e.g. {@code NodeResourcesFit}. */
    String name();

    /**
     * @return empty when the pod fits the node, otherwise the reasons it does not, worded as upstream words them
     *         (e.g. {@code Insufficient cpu}); they are counted per reason in the pod's {@code FailedScheduling}
     *         message
     */
    List<String> filter(PodInfo pod, NodeInfo node);

    /**
     * As {@link #filter(PodInfo, NodeInfo)}, for plugins that weigh a node against the others (pod topology spread,
     * inter-pod affinity): {@code cluster} is every node of this scheduling cycle with its pods. The default ignores
     * it.
     *
     * @since 1.1
     */
    default List<String> filter(PodInfo pod, NodeInfo node, List<NodeInfo> cluster) {
        return filter(pod, node);
    }
}
