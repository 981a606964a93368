package io.karst.api.security;

import java.util.Objects;

/**
 * The certificates a joining node's kubelet runs with, all in PEM. The node generated both key pairs and keeps
 * the private halves; only the certificates and the authorities to trust come back.
 *
 * @param clientCertificate the kubelet's client certificate: {@code CN=system:node:<name>}, {@code O=system:nodes},
 *        client authentication, signed by the client CA
 * @param servingCertificate the kubelet's serving certificate: {@code CN=<name>}, the node's host names and
 *        addresses plus {@code localhost} and {@code 127.0.0.1} as subject alternative names, server
 *        authentication, signed by the server CA
 * @param clientCa the client CA certificate, which the kubelet checks the API server's client certificates with
 * @param serverCa the server CA bundle, exactly as {@link CertificateAuthority#serverCaBundle()} returns it
 * @since 1.2
 */
public record NodeCertificates(String clientCertificate, String servingCertificate, String clientCa,
        String serverCa) {
    public NodeCertificates {
        Objects.requireNonNull(clientCertificate, "clientCertificate");
        Objects.requireNonNull(servingCertificate, "servingCertificate");
        Objects.requireNonNull(clientCa, "clientCa");
        Objects.requireNonNull(serverCa, "serverCa");
    }
}
