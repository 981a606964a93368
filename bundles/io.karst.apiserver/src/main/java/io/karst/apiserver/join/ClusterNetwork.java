package io.karst.apiserver.join;

import java.util.List;

/**
 * The cluster settings a joining kubelet needs and cannot know by itself.
 *
 * @param clusterDns the cluster DNS Service addresses ({@code --cluster-dns})
 * @param clusterDomain the cluster's DNS domain ({@code --cluster-domain})
 * @param clusterCidr the pod network ({@code --cluster-cidr}), as configured (one or two families)
 * @param serviceCidr the Service network ({@code --service-cidr}), as configured
 */
public record ClusterNetwork(List<String> clusterDns, String clusterDomain, String clusterCidr, String serviceCidr) {
    public ClusterNetwork {
        clusterDns = List.copyOf(clusterDns);
    }

    /** From comma-separated configuration values, blanks dropped. */
    public static ClusterNetwork of(String clusterDns, String clusterDomain, String clusterCidr, String serviceCidr) {
        return new ClusterNetwork(split(clusterDns), clusterDomain.strip(), String.join(",", split(clusterCidr)),
                String.join(",", split(serviceCidr)));
    }

    private static List<String> split(String value) {
        return value == null ? List.of()
                : java.util.Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
