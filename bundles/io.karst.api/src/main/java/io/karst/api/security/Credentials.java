package io.karst.api.security;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What a client presented with a request.
 *
 * @param clientCertificates the TLS client certificate chain, leaf first; empty when none was sent
 * @param bearerToken the token of an {@code Authorization: Bearer} header, if any
 */
public record Credentials(List<X509Certificate> clientCertificates, Optional<String> bearerToken) {
    public Credentials {
        clientCertificates = List.copyOf(clientCertificates);
    }
}
