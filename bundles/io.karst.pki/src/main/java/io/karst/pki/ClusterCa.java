package io.karst.pki;

import java.time.Instant;

/** The certificate authorities of a server, named as K3s names their files under {@code server/tls}. */
public enum ClusterCa {
    /** Signs the API serving certificate; agents pin its hash through the join token. */
    SERVER("server-ca"),
    /** Signs every client certificate the API server accepts. */
    CLIENT("client-ca"),
    /** Signs the authenticating proxy's client certificate (kube-apiserver's requestheader CA). */
    REQUEST_HEADER("request-header-ca");

    private final String service;

    ClusterCa(String service) {
        this.service = service;
    }

    /** The file base name and service name, e.g. {@code server-ca}. */
    public String service() {
        return service;
    }

    /** K3s's common name form, {@code k3s-server-ca@<epoch seconds>}, with this product's name. */
    public String commonName(Instant created) {
        return "karst-" + service + "@" + created.getEpochSecond();
    }
}
