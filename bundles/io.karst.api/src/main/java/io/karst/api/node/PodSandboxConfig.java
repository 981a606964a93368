package io.karst.api.node;

import java.util.List;
import java.util.Map;

/**
 * What a pod's sandbox is created from.
 *
 * @param logDirectory where the runtime writes the pod's container logs (each container names its file below it)
 * @param dns {@code null} for the runtime's (the host's) resolv.conf
 * @param cgroupParent the pod's cgroup, {@code null} to let the runtime choose
 */
public record PodSandboxConfig(String name, String namespace, String uid, int attempt, String hostname,
        String logDirectory, Map<String, String> labels, Map<String, String> annotations,
        List<PortMapping> portMappings, DnsConfig dns, boolean hostNetwork, String cgroupParent) {
    public PodSandboxConfig {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        portMappings = List.copyOf(portMappings);
    }
}
