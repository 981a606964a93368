package io.karst.pki;

import java.util.List;

import io.karst.api.security.PkiSettings;

/** The leaf certificates a server keeps under {@code server/tls}, named and shaped as K3s's. */
public final class LeafCatalog {
    /** The API serving certificate's service name. */
    public static final String API_SERVING = "serving-kube-apiserver";
    /** The admin client certificate's service name; the admin kubeconfig embeds it. */
    public static final String ADMIN = "client-admin";

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
}
