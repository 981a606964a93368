package io.karst.api.security;

import java.net.InetAddress;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The cluster PKI of one server: its certificate authorities, the certificates issued from them, and the
 * material the API server serves with. Backed by files under {@code <data-dir>/server/tls}.
 */
@ProviderType
public interface CertificateAuthority {

    /** Key and chain the API server serves TLS with, and the CAs that client certificates are checked against. */
    ServingCredentials apiServing();

    /** The server CA certificate(s) in PEM, exactly what {@code /cacerts} serves and join tokens hash. */
    String serverCaBundle();

    /**
     * The service-account signing pair ({@code server/tls/service.key} and its public half): the API server signs
     * service-account tokens with the private key and verifies presented tokens with the public one. The pair is
     * created once and never rotated, since every issued token depends on it.
     *
     * @since 1.1
     */
    KeyPair serviceAccountKey();

    /**
     * Issues the kubelet certificates of a joining node for public keys the node generated: a client certificate
     * for user {@code system:node:<nodeName>} in group {@code system:nodes} from the client CA, and a serving
     * certificate for {@code nodeName}, {@code hostnames}, {@code addresses}, {@code localhost} and
     * {@code 127.0.0.1} from the server CA, valid as long as the other leaves (a year, never past the CA).
     * Nothing is written to disk: the node keeps its certificates.
     *
     * @param nodeName the node's name, a DNS-1123 subdomain
     * @param hostnames further DNS names of the serving certificate (may be empty)
     * @param addresses IP addresses of the serving certificate (may be empty)
     * @param clientKey the public key of the client certificate (EC or RSA)
     * @param servingKey the public key of the serving certificate (EC or RSA)
     * @throws IllegalArgumentException when the name is empty or a key is of an unsupported kind
     * @since 1.2
     */
    NodeCertificates issueNodeCertificates(String nodeName, List<String> hostnames, List<InetAddress> addresses,
            PublicKey clientKey, PublicKey servingKey);

    /**
     * Issues a client certificate from the client CA for a public key its holder generated: user {@code user}
     * (the subject CN) in {@code groups} (the O values), as the API server's x509 authenticator reads them, as
     * {@code kubeadm kubeconfig user} does. Nothing is written to disk.
     *
     * @param validity how long it is valid; never past the client CA
     * @return the certificate in PEM
     * @throws IllegalArgumentException for an empty user, a validity that is not positive, or a key that is not
     *         EC (P-256 or larger) or RSA (2048 bits or more)
     * @since 2.0
     */
    String issueClientCertificate(String user, List<String> groups, PublicKey key, Duration validity);

    /** Every certificate this authority manages, CAs first, with its validity window. */
    List<CertificateStatus> certificates();

    /**
     * Renews the leaf certificates of the named services (every leaf when {@code services} is empty), keeping
     * the certificate authorities and the keys they sign with.
     *
     * @return the renewed certificates
     * @throws IllegalArgumentException when a service name is unknown; nothing is renewed then
     */
    List<CertificateStatus> rotate(Set<String> services);
}
