package io.karst.apiserver.metrics;

import java.util.List;

import io.karst.apiserver.resource.ResourceType;

/**
 * The two resources of {@code metrics.k8s.io/v1beta1} as metrics-server registers them through aggregation:
 * read-only (get, list), never stored, so they carry no storage prefix.
 */
public final class MetricsResources {
    public static final String GROUP = "metrics.k8s.io";
    public static final String VERSION = "v1beta1";

    public static final ResourceType NODES = new ResourceType(GROUP, VERSION, "NodeMetrics", "nodes", "", false,
            List.of(), List.of(), List.of("get", "list"), List.of(), null);
    public static final ResourceType PODS = new ResourceType(GROUP, VERSION, "PodMetrics", "pods", "", true,
            List.of(), List.of(), List.of("get", "list"), List.of(), null);

    private MetricsResources() {
    }

    public static List<ResourceType> all() {
        return List.of(NODES, PODS);
    }
}
