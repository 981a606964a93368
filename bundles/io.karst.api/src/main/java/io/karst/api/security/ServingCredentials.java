package io.karst.api.security;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * TLS material for a serving endpoint.
 *
 * @param key the serving private key
 * @param chain the serving certificate first, then its issuers
 * @param clientCas the authorities a client certificate must chain to
 */
public record ServingCredentials(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> clientCas) {
    public ServingCredentials {
        chain = List.copyOf(chain);
        clientCas = List.copyOf(clientCas);
    }
}
