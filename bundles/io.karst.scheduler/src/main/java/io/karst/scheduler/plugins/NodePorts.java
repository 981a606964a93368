package io.karst.scheduler.plugins;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;

/**
 * Upstream's NodePorts: a pod's host ports must be free on the node. Two uses conflict when protocol and port are
 * equal and the host IPs are equal or either is unset / {@code 0.0.0.0}.
 */
@Component(service = FilterPlugin.class)
public final class NodePorts implements FilterPlugin {
    static final String REASON = "node(s) didn't have free ports for the requested pod ports";

    @Override
    public String name() {
        return "NodePorts";
    }

    @Override
    public List<String> filter(PodInfo pod, NodeInfo node) {
        for (JsonNode wanted : hostPorts(pod.pod())) {
            for (PodInfo other : node.pods()) {
                for (JsonNode used : hostPorts(other.pod())) {
                    if (conflict(wanted, used)) {
                        return List.of(REASON);
                    }
                }
            }
        }
        return List.of();
    }

    private static boolean conflict(JsonNode a, JsonNode b) {
        if (a.path("hostPort").asInt() != b.path("hostPort").asInt()
                || !a.path("protocol").asText("TCP").equals(b.path("protocol").asText("TCP"))) {
            return false;
        }
        String ipA = ip(a);
        String ipB = ip(b);
        return ipA.equals("0.0.0.0") || ipB.equals("0.0.0.0") || ipA.equals(ipB);
    }

    private static String ip(JsonNode port) {
        String ip = port.path("hostIP").asText("");
        return ip.isEmpty() ? "0.0.0.0" : ip;
    }

    static List<JsonNode> hostPorts(JsonNode pod) {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode c : pod.path("spec").path(list)) {
                for (JsonNode p : c.path("ports")) {
                    if (p.path("hostPort").asInt() > 0) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }
}
