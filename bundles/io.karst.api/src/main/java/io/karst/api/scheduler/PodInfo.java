package io.karst.api.scheduler;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The pod being scheduled, as the plugins see it. Do not modify {@code pod}.
 *
 * @param pod the Pod object
 * @param requests what the pod asks for, as kube-scheduler computes it: per resource the larger of the sum over
 *        its containers and the largest init container, plus {@code spec.overhead}; {@code cpu} in millicores,
 *        other resources in their base unit (bytes for memory)
 */
public record PodInfo(ObjectNode pod, Map<String, Long> requests) {
    public PodInfo {
        requests = Map.copyOf(requests);
    }
}
