package io.karst.tunnel.agent;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which servers an agent keeps tunnels to, as a K3s agent does: every API server the {@code default/kubernetes}
 * Endpoints name (each server reaches only the agents tunnelled to it), and the configured ones until the Endpoints
 * name any. Not both: a server configured by host name and named by address would get two tunnels from one node,
 * each replacing the other.
 */
final class TunnelTargets {
    private TunnelTargets() {
    }

    static Set<String> of(List<String> configured, JsonNode kubernetesEndpoints) {
        List<String> learned = servers(kubernetesEndpoints);
        Set<String> targets = new LinkedHashSet<>();
        for (String server : learned.isEmpty() ? configured : learned) {
            targets.add(server.replaceAll("/+$", ""));
        }
        return targets;
    }

    /** {@code https://<ready address>:<https port>} of each server in the Endpoints; empty when it has none. */
    static List<String> servers(JsonNode endpoints) {
        List<String> servers = new ArrayList<>();
        if (endpoints == null) {
            return servers;
        }
        for (JsonNode subset : endpoints.path("subsets")) {
            int port = -1;
            for (JsonNode p : subset.path("ports")) {
                if (port < 0 || "https".equals(p.path("name").asText())) {
                    port = p.path("port").asInt(-1);
                }
            }
            if (port <= 0) {
                continue;
            }
            for (JsonNode address : subset.path("addresses")) {
                String ip = address.path("ip").asText("");
                if (!ip.isEmpty()) {
                    servers.add("https://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port);
                }
            }
        }
        return servers;
    }
}
