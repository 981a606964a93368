package io.karst.pki;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.karst.api.security.PkiSettings;

/** The leaf certificates a server keeps under {@code server/tls}, named and shaped as K3s's. */
public final class LeafCatalog {
    /** The API serving certificate's service name. */
    public static final String API_SERVING = "serving-kube-apiserver";
    /** What user certificates are issued as; they are handed out, never kept here. */
    public static final String USER_CLIENT = "client-user";
    /** The admin client certificate's service name; the admin kubeconfig embeds it. */
    public static final String ADMIN = "client-admin";
    /** A joining node's kubelet client certificate, as K3s names it on an agent (never kept by the server). */
    public static final String KUBELET_CLIENT = "client-kubelet";
    /** A joining node's kubelet serving certificate, as K3s names it on an agent (never kept by the server). */
    public static final String KUBELET_SERVING = "serving-kubelet";

    private LeafCatalog() {
    }

    /** Every leaf, in the order {@code certificates()} lists them. */
    public static List<LeafSpec> leaves(PkiSettings settings) {
        return List.of(
                new LeafSpec(API_SERVING, ClusterCa.SERVER, "kube-apiserver", List.of(), KeyPurpose.SERVER_AUTH,
                        SubjectAltNames.forApiServing(settings)),
                LeafSpec.client(ADMIN, ClusterCa.CLIENT, "system:admin", "system:masters"),
                LeafSpec.client("client-kube-apiserver", ClusterCa.CLIENT, "system:apiserver", "system:masters"),
                LeafSpec.client("client-controller", ClusterCa.CLIENT, "system:kube-controller-manager"),
                LeafSpec.client("client-scheduler", ClusterCa.CLIENT, "system:kube-scheduler"),
                LeafSpec.client("client-kube-proxy", ClusterCa.CLIENT, "system:kube-proxy"),
                LeafSpec.client("client-karst-controller", ClusterCa.CLIENT, "system:karst-controller"),
                LeafSpec.client("client-supervisor", ClusterCa.CLIENT, "system:karst-supervisor", "system:masters"),
                LeafSpec.client("client-auth-proxy", ClusterCa.REQUEST_HEADER, "system:auth-proxy"));
    }

    /** The kubelet client certificate of node {@code nodeName}: what the Node authorizer and RBAC know it as. */
    public static LeafSpec kubeletClient(String nodeName) {
        return LeafSpec.client(KUBELET_CLIENT, ClusterCa.CLIENT, "system:node:" + nodeName, "system:nodes");
    }

    /**
     * The kubelet serving certificate of node {@code nodeName}: the node's name, its host names and addresses,
     * and the loopback names, which is what the API server and metrics scrapers dial it by.
     */
    public static LeafSpec kubeletServing(String nodeName, List<String> hostnames, List<InetAddress> addresses) {
        Set<String> dns = new LinkedHashSet<>();
        dns.add(nodeName.toLowerCase(Locale.ROOT));
        hostnames.stream().map(String::strip).filter(h -> !h.isEmpty()).map(h -> h.toLowerCase(Locale.ROOT))
                .forEach(dns::add);
        dns.add("localhost");
        Set<InetAddress> ips = new LinkedHashSet<>(addresses);
        ips.add(IpLiterals.parse("127.0.0.1").orElseThrow());
        return new LeafSpec(KUBELET_SERVING, ClusterCa.SERVER, nodeName, List.of(), KeyPurpose.SERVER_AUTH,
                new SubjectAltNames(dns, ips));
    }
}
