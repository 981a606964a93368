package io.karst.scheduler.plugins;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;

/**
 * Upstream's NodeName: a pod naming a node in {@code spec.nodeName} fits only that one. (Pods created with a node
 * name are never queued; this matters to plugins and callers that evaluate such pods.)
 */
@Component(service = FilterPlugin.class)
public final class NodeName implements FilterPlugin {
    static final String REASON = "node(s) didn't match the requested node name";

    @Override
    public String name() {
        return "NodeName";
    }

    @Override
    public List<String> filter(PodInfo pod, NodeInfo node) {
        String wanted = pod.pod().path("spec").path("nodeName").asText("");
        return wanted.isEmpty() || wanted.equals(node.name()) ? List.of() : List.of(REASON);
    }
}
