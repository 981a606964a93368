package io.karst.kubelet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.karst.kubelet.eviction.EvictionThresholds;

/**
 * How this node's kubelet is set up.
 *
 * @param dataDir the node's data dir; the kubelet keeps its files under {@code agent/}
 * @param labels {@code --node-label}s, applied at registration
 * @param taints {@code --node-taint}s ({@code key=value:Effect}), applied when the Node is created
 * @param controlPlane whether this node is a server (K3s gives servers the control-plane role labels)
 * @param kubeletVersion e.g. {@code v1.33.0+karst0.1.0}
 * @param evictionHard the hard eviction thresholds (upstream's {@code --eviction-hard})
 * @param evictionPressureTransitionPeriod how long a pressure condition stays after its threshold was last crossed
 */
public record KubeletConfig(String nodeName, List<String> nodeIps, Path dataDir, Map<String, String> labels,
        List<String> taints, List<String> clusterDns, String clusterDomain, boolean controlPlane, int maxPods,
        String kubeletVersion, EvictionThresholds evictionHard, Duration evictionPressureTransitionPeriod) {
    /** upstream's evictionPressureTransitionPeriod default */
    public static final Duration PRESSURE_TRANSITION_PERIOD = Duration.ofMinutes(5);

    /** With upstream's default eviction thresholds and transition period. */
    public KubeletConfig(String nodeName, List<String> nodeIps, Path dataDir, Map<String, String> labels,
            List<String> taints, List<String> clusterDns, String clusterDomain, boolean controlPlane, int maxPods,
            String kubeletVersion) {
        this(nodeName, nodeIps, dataDir, labels, taints, clusterDns, clusterDomain, controlPlane, maxPods,
                kubeletVersion, EvictionThresholds.DEFAULT, PRESSURE_TRANSITION_PERIOD);
    }

    public KubeletConfig {
        nodeIps = List.copyOf(nodeIps);
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
        clusterDns = List.copyOf(clusterDns);
    }

    public Path agentDir() {
        return dataDir.resolve("agent");
    }

    /** Where static pod manifests are read from (K3s's {@code agent/pod-manifests}; upstream's --pod-manifest-path). */
    public Path podManifestDir() {
        return agentDir().resolve("pod-manifests");
    }

    /** Where a pod's volumes, hosts file and termination logs live: {@code agent/kubelet/pods/<uid>}. */
    public Path podDir(String uid) {
        return agentDir().resolve("kubelet/pods").resolve(uid);
    }

    /** Where a pod's container logs go (upstream's layout under {@code /var/log/pods}, moved into the data dir). */
    public Path podLogDir(String namespace, String name, String uid) {
        return agentDir().resolve("pod-logs").resolve(namespace + "_" + name + "_" + uid);
    }
}
