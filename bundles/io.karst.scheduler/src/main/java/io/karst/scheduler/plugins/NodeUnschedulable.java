package io.karst.scheduler.plugins;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;

/** Upstream's NodeUnschedulable: a cordoned node ({@code spec.unschedulable}) only takes pods tolerating its taint. */
@Component(service = FilterPlugin.class)
public final class NodeUnschedulable implements FilterPlugin {
    static final String REASON = "node(s) were unschedulable";

    @Override
    public String name() {
        return "NodeUnschedulable";
    }

    @Override
    public List<String> filter(PodInfo pod, NodeInfo node) {
        if (!node.node().path("spec").path("unschedulable").asBoolean(false)) {
            return List.of();
        }
        boolean tolerated = Taints.tolerated(pod.pod(), "node.kubernetes.io/unschedulable", "", "NoSchedule");
        return tolerated ? List.of() : List.of(REASON);
    }
}
