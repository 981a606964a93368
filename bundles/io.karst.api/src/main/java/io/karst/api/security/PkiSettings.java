package io.karst.api.security;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a server's PKI is made from; the same values the {@code io.karst.pki} configuration carries.
 *
 * @param dataDir the Karst data directory; the PKI lives under {@code <dataDir>/server}
 * @param nodeName this node's name, a SAN of the serving certificate
 * @param nodeIps this node's addresses, SANs of the serving certificate
 * @param tlsSans extra host names or addresses for the serving certificate ({@code --tls-san})
 * @param clusterDomain the cluster DNS domain, e.g. {@code cluster.local}
 * @param serviceCidr the service network; its first address is the {@code kubernetes} Service's and a SAN
 * @param httpsPort the API server port, written into the admin kubeconfig
 * @param token the server token or its secret given with {@code --token}, if any
 * @param kubeconfig where to write the admin kubeconfig, if anywhere
 * @param kubeconfigMode the octal file mode of that kubeconfig, e.g. {@code 0600}
 */
public record PkiSettings(Path dataDir, String nodeName, List<String> nodeIps, List<String> tlsSans,
        String clusterDomain, String serviceCidr, int httpsPort, Optional<String> token, Optional<Path> kubeconfig,
        String kubeconfigMode) {
    public PkiSettings {
        nodeIps = List.copyOf(nodeIps);
        tlsSans = List.copyOf(tlsSans);
    }
}
