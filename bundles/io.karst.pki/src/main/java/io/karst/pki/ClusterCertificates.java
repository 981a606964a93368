package io.karst.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;

import io.karst.api.security.CertificateAuthority;
import io.karst.api.security.CertificateStatus;
import io.karst.api.security.NodeCertificates;
import io.karst.api.security.PkiSettings;
import io.karst.api.security.ServingCredentials;

/**
 * The certificate authorities and leaf certificates of one server, kept as files under {@code server/tls}.
 * Opening reuses what is on disk, creates what is missing, and renews leaves that are inside the renewal window,
 * were signed by another authority, or no longer match what the settings ask for.
 */
public final class ClusterCertificates implements CertificateAuthority {
    /** K3s renews leaves that expire within 120 days, and {@code certificate check} warns from then on. */
    public static final Duration RENEWAL_WINDOW = Duration.ofDays(120);

    private final PkiLayout layout;
    private final CertificateIssuer issuer;
    private final Map<ClusterCa, IssuedCertificate> authorities;
    private final byte[] serverCaFile;
    private final Map<String, LeafSpec> specs;
    private final Optional<KubeconfigWriter> kubeconfig;
    private final KeyPair serviceAccountKey;
    // Replaced whole by rotate, so readers always see one consistent set.
    private volatile Map<String, IssuedCertificate> leaves;

    private ClusterCertificates(PkiLayout layout, CertificateIssuer issuer,
            Map<ClusterCa, IssuedCertificate> authorities, byte[] serverCaFile, Map<String, LeafSpec> specs,
            Map<String, IssuedCertificate> leaves, Optional<KubeconfigWriter> kubeconfig, KeyPair serviceAccountKey) {
        this.layout = layout;
        this.serviceAccountKey = serviceAccountKey;
        this.issuer = issuer;
        this.authorities = authorities;
        this.serverCaFile = serverCaFile;
        this.specs = specs;
        this.leaves = leaves;
        this.kubeconfig = kubeconfig;
    }

    /**
     * Loads or creates every authority, key and leaf under {@code <dataDir>/server/tls}, then writes the admin
     * kubeconfig when one is asked for.
     *
     * @throws IllegalStateException when an existing file cannot be used; the message names it
     */
    public static ClusterCertificates open(PkiSettings settings, Clock clock, SecureRandom random,
            Optional<KubeconfigWriter> kubeconfig) {
        // Built first: bad settings (a node IP that is no address, a malformed CIDR) fail before any file is written.
        List<LeafSpec> catalog = LeafCatalog.leaves(settings);
        PkiLayout layout = new PkiLayout(settings.dataDir());
        AtomicFiles.privateDirectory(layout.serverDir());
        AtomicFiles.privateDirectory(layout.tlsDir());
        CertificateIssuer issuer = new CertificateIssuer(clock, random);

        Map<ClusterCa, IssuedCertificate> authorities = new EnumMap<>(ClusterCa.class);
        for (ClusterCa ca : ClusterCa.values()) {
            authorities.put(ca, loadOrCreateAuthority(layout, issuer, ca));
        }
        KeyPair serviceAccountKey = ensureServiceAccountKey(layout, random);

        Map<String, LeafSpec> specs = new LinkedHashMap<>();
        Map<String, IssuedCertificate> leaves = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (LeafSpec spec : catalog) {
            specs.put(spec.service(), spec);
            leaves.put(spec.service(), loadOrIssueLeaf(layout, issuer, spec, authorities.get(spec.issuer()), now));
        }
        byte[] serverCaFile = AtomicFiles.read(layout.certificate(ClusterCa.SERVER.service()));
        ClusterCertificates certificates = new ClusterCertificates(layout, issuer,
                Collections.unmodifiableMap(authorities), serverCaFile, Collections.unmodifiableMap(specs),
                Collections.unmodifiableMap(leaves), kubeconfig, serviceAccountKey);
        // Rewritten on every start, as K3s does, so the port and embedded certificates are always current.
        certificates.writeKubeconfig();
        return certificates;
    }

    @Override
    public ServingCredentials apiServing() {
        IssuedCertificate serving = leaves.get(LeafCatalog.API_SERVING);
        return new ServingCredentials(serving.key(),
                List.of(serving.certificate(), authority(ClusterCa.SERVER).certificate()),
                List.of(authority(ClusterCa.CLIENT).certificate()));
    }

    @Override
    public NodeCertificates issueNodeCertificates(String nodeName, List<String> hostnames,
            List<InetAddress> addresses, PublicKey clientKey, PublicKey servingKey) {
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("a node certificate needs a node name");
        }
        checkNodeKey("client", clientKey);
        checkNodeKey("serving", servingKey);
        IssuedCertificate clientCa = authority(ClusterCa.CLIENT);
        X509Certificate client = issuer.issue(LeafCatalog.kubeletClient(nodeName), clientCa, clientKey);
        X509Certificate serving = issuer.issue(LeafCatalog.kubeletServing(nodeName, hostnames, addresses),
                authority(ClusterCa.SERVER), servingKey);
        return new NodeCertificates(PemFiles.encode(client), PemFiles.encode(serving),
                PemFiles.encode(clientCa.certificate()), serverCaBundle());
    }

    @Override
    public String issueClientCertificate(String user, List<String> groups, PublicKey key, Duration validity) {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("a client certificate needs a user name");
        }
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("the validity of a client certificate must be positive");
        }
        checkNodeKey("client", key);
        LeafSpec spec = LeafSpec.client(LeafCatalog.USER_CLIENT, ClusterCa.CLIENT, user, groups.toArray(String[]::new));
        return PemFiles.encode(issuer.issue(spec, authority(ClusterCa.CLIENT), key, validity));
    }

    // What the PKI signs for others: the algorithms Kubernetes' TLS stacks accept, at no less than today's strength.
    private static void checkNodeKey(String which, PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            if (ec.getParams().getCurve().getField().getFieldSize() < 256) {
                throw new IllegalArgumentException("the " + which + " key is an EC key on a curve smaller than P-256");
            }
        } else if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException("the " + which + " key is an RSA key shorter than 2048 bits");
            }
        } else {
            throw new IllegalArgumentException("the " + which + " key is "
                    + (key == null ? "missing" : "a " + key.getAlgorithm() + " key") + "; EC or RSA keys are signed");
        }
    }

    @Override
    public KeyPair serviceAccountKey() {
        return serviceAccountKey;
    }

    @Override
    public String serverCaBundle() {
        return new String(serverCaFile, StandardCharsets.US_ASCII);
    }

    /** The exact bytes of {@code server-ca.crt}, which join tokens hash. */
    public byte[] serverCaBundleBytes() {
        return serverCaFile.clone();
    }

    @Override
    public List<CertificateStatus> certificates() {
        List<CertificateStatus> all = new ArrayList<>();
        for (ClusterCa ca : ClusterCa.values()) {
            all.add(status(ca.service(), authority(ca).certificate(), true));
        }
        leaves.forEach((service, leaf) -> all.add(status(service, leaf.certificate(), false)));
        return all;
    }

    @Override
    public synchronized List<CertificateStatus> rotate(Set<String> services) {
        for (String service : services) {
            if (!specs.containsKey(service)) {
                throw new IllegalArgumentException(unknownServiceMessage(service));
            }
        }
        Map<String, IssuedCertificate> next = new LinkedHashMap<>(leaves);
        List<CertificateStatus> renewed = new ArrayList<>();
        for (LeafSpec spec : specs.values()) {
            if (services.isEmpty() || services.contains(spec.service())) {
                IssuedCertificate leaf = issueAndWrite(layout, issuer, spec, authority(spec.issuer()));
                next.put(spec.service(), leaf);
                renewed.add(status(spec.service(), leaf.certificate(), false));
            }
        }
        leaves = Collections.unmodifiableMap(next);
        if (services.isEmpty() || services.contains(LeafCatalog.ADMIN)) {
            writeKubeconfig();
        }
        return renewed;
    }

    /** The named authority's certificate and key. */
    public IssuedCertificate authority(ClusterCa ca) {
        return authorities.get(ca);
    }

    /** The current certificate and key of a leaf, by service name. */
    public IssuedCertificate leaf(String service) {
        IssuedCertificate leaf = leaves.get(service);
        if (leaf == null) {
            throw new IllegalArgumentException(unknownServiceMessage(service));
        }
        return leaf;
    }

    private void writeKubeconfig() {
        kubeconfig.ifPresent(writer -> writer.write(serverCaBundle(), leaves.get(LeafCatalog.ADMIN)));
    }

    private String unknownServiceMessage(String service) {
        boolean authority = false;
        for (ClusterCa ca : ClusterCa.values()) {
            authority |= ca.service().equals(service);
        }
        String problem = authority ? service + " is a certificate authority and is never renewed by rotate"
                : "unknown certificate service '" + service + "'";
        return problem + "; valid names: " + String.join(", ", new TreeSet<>(specs.keySet()));
    }

    private CertificateStatus status(String service, X509Certificate certificate, boolean authority) {
        return new CertificateStatus(service, layout.certificate(service).toString(),
                certificate.getSubjectX500Principal().getName(X500Principal.RFC2253), authority,
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }

    private static IssuedCertificate loadOrCreateAuthority(PkiLayout layout, CertificateIssuer issuer, ClusterCa ca) {
        Path certificateFile = layout.certificate(ca.service());
        Path keyFile = layout.key(ca.service());
        if (Files.exists(certificateFile)) {
            X509Certificate certificate = PemFiles.readCertificate(certificateFile);
            if (!Files.exists(keyFile)) {
                throw new IllegalStateException(keyFile + ": missing; the authority " + certificateFile
                        + " cannot sign without its key (restore it from a backup)");
            }
            PrivateKey key = PemFiles.readPrivateKey(keyFile);
            if (!KeyPairs.matches(key, certificate.getPublicKey())) {
                throw new IllegalStateException(keyFile + ": is not the key of " + certificateFile);
            }
            return new IssuedCertificate(certificate, key);
        }
        // No certificate means nobody can trust this authority yet; a key left alone by a crash is replaced.
        IssuedCertificate created = issuer.selfSignedCa(ca);
        write(layout, ca.service(), created);
        return created;
    }

    private static IssuedCertificate loadOrIssueLeaf(PkiLayout layout, CertificateIssuer issuer, LeafSpec spec,
            IssuedCertificate ca, Instant now) {
        Path certificateFile = layout.certificate(spec.service());
        Path keyFile = layout.key(spec.service());
        if (Files.exists(certificateFile) && Files.exists(keyFile)) {
            IssuedCertificate existing = new IssuedCertificate(PemFiles.readCertificate(certificateFile),
                    PemFiles.readPrivateKey(keyFile));
            if (stillValid(spec, existing, ca, now)) {
                return existing;
            }
        }
        return issueAndWrite(layout, issuer, spec, ca);
    }

    /**
     * Whether a leaf on disk can be kept: it belongs with its key (a crash between writing the two breaks that),
     * was signed by the current authority, says what the spec says, and is outside the renewal window.
     */
    private static boolean stillValid(LeafSpec spec, IssuedCertificate leaf, IssuedCertificate ca, Instant now) {
        X509Certificate certificate = leaf.certificate();
        if (!KeyPairs.matches(leaf.key(), certificate.getPublicKey())) {
            return false;
        }
        try {
            certificate.verify(ca.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            return false;
        }
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        if (!subject.equals(spec.subject())) {
            return false;
        }
        if (!SubjectAltNames.of(certificate).covers(spec.names())) {
            return false;
        }
        return now.plus(RENEWAL_WINDOW).isBefore(certificate.getNotAfter().toInstant());
    }

    private static IssuedCertificate issueAndWrite(PkiLayout layout, CertificateIssuer issuer, LeafSpec spec,
            IssuedCertificate ca) {
        IssuedCertificate leaf = issuer.issue(spec, ca);
        write(layout, spec.service(), leaf);
        return leaf;
    }

    // The key goes first: a certificate on disk whose key is missing or stale is noticed and re-issued.
    private static void write(PkiLayout layout, String service, IssuedCertificate issued) {
        String key = PemFiles.encode(issued.key(), issued.certificate().getPublicKey());
        AtomicFiles.write(layout.key(service), key.getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_ONLY);
        AtomicFiles.write(layout.certificate(service),
                PemFiles.encode(issued.certificate()).getBytes(StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE);
    }

    /**
     * The service-account signing pair: {@code service.key} (RSA, PKCS#8) is created once and kept for ever,
     * because every issued service-account token is signed with it; {@code service.pub} is derived from it.
     */
    private static KeyPair ensureServiceAccountKey(PkiLayout layout, SecureRandom random) {
        Path keyFile = layout.serviceAccountKey();
        Path publicFile = layout.serviceAccountPublicKey();
        KeyPair pair;
        if (Files.exists(keyFile)) {
            PrivateKey key = PemFiles.readPrivateKey(keyFile);
            if (!(key instanceof RSAPrivateCrtKey rsa)) {
                throw new IllegalStateException(keyFile + ": is not an RSA private key");
            }
            pair = new KeyPair(rsaPublicKey(keyFile, rsa.getModulus(), rsa.getPublicExponent()), key);
            if (Files.exists(publicFile) && PemFiles.readPublicKey(publicFile).equals(pair.getPublic())) {
                return pair;
            }
        } else {
            pair = KeyPairs.rsa2048(random);
            AtomicFiles.write(keyFile, PemFiles.encodePkcs8(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII),
                    AtomicFiles.OWNER_ONLY);
        }
        AtomicFiles.write(publicFile, PemFiles.encode(pair.getPublic()).getBytes(StandardCharsets.US_ASCII),
                AtomicFiles.WORLD_READABLE);
        return pair;
    }

    private static PublicKey rsaPublicKey(Path keyFile, BigInteger modulus, BigInteger exponent) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(keyFile + ": its public key cannot be derived: " + e.getMessage(), e);
        }
    }
}
