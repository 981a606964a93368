package io.karst.pki;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.karst.api.datastore.KeyValueStore;
import io.karst.api.security.Authenticator;
import io.karst.api.security.CertificateAuthority;
import io.karst.api.security.PkiProvider;
import io.karst.api.security.PkiSettings;
import io.karst.api.security.TokenService;

/**
 * One server's PKI, opened from its data directory: certificates, join tokens and the x509 authenticator over
 * the same files. Plain Java, so the {@code karst} command uses it without a framework and the DS component
 * wraps it inside one.
 */
public final class ClusterPki implements PkiProvider.Pki {
    /** K3s's defaults for settings left empty. */
    static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";
    static final String DEFAULT_SERVICE_CIDR = "10.43.0.0/16";
    static final String DEFAULT_KUBECONFIG_MODE = "0600";

    private final ClusterCertificates certificates;
    private final JoinTokens tokens;
    private final X509ClientAuthenticator authenticator;

    private ClusterPki(ClusterCertificates certificates, JoinTokens tokens, X509ClientAuthenticator authenticator) {
        this.certificates = certificates;
        this.tokens = tokens;
        this.authenticator = authenticator;
    }

    /** Opens the PKI with the system clock; see {@link #open(PkiSettings, Clock)}. */
    public static ClusterPki open(PkiSettings settings) {
        return open(settings, Clock.systemUTC());
    }

    /**
     * Loads the PKI under {@code settings.dataDir()}, creating what is missing and renewing leaves inside the
     * renewal window, then writes the server token and the admin kubeconfig.
     *
     * @param clock what "now" is for validity and expiry; tests move it
     * @throws IllegalStateException when existing files cannot be used (the message names the file) or the
     *         configured token conflicts with this server's
     * @throws IllegalArgumentException when the settings themselves are invalid
     */
    public static ClusterPki open(PkiSettings settings, Clock clock) {
        return open(settings, clock, null);
    }

    /**
     * As {@link #open(PkiSettings, Clock)}, for a server sharing {@code sharedStore} with other servers: the
     * cluster's CAs and service-account key come from the datastore ({@link SharedBootstrap}) when another server
     * published them, and are published there when this is the first server.
     *
     * @param sharedStore the external datastore the servers share; null for a server of its own
     */
    public static ClusterPki open(PkiSettings settings, Clock clock, KeyValueStore sharedStore) {
        PkiSettings effective = withDefaults(settings);
        SecureRandom random = new SecureRandom();
        PkiLayout layout = new PkiLayout(effective.dataDir());
        Optional<String> token = effective.token();
        SharedBootstrap shared = null;
        if (sharedStore != null) {
            shared = SharedBootstrap.forServer(sharedStore, layout, token, random);
            token = Optional.of(token.orElse(shared.secret()));
            if (!shared.restore()) {
                // the first server: make the PKI, then publish it, unless another server did so meanwhile
                openCertificates(effective, clock, random);
                if (!shared.publish(random)) {
                    try {
                        shared.discardOwnPki();
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("cannot replace this server's PKI with the cluster's: "
                                + e.getMessage(), e);
                    }
                    shared.restore();
                }
            }
        }
        ClusterCertificates certificates = openCertificates(effective, clock, random);
        String caHash = TokenFormat.caHash(certificates.serverCaBundleBytes());
        ServerTokenStore server = ServerTokenStore.open(layout, caHash, token, random);
        AtomicFiles.privateDirectory(layout.credDir());
        LegacyBootstrapTokenFile bootstrap = new LegacyBootstrapTokenFile(layout.bootstrapTokens(), clock);
        return new ClusterPki(certificates, new JoinTokens(caHash, server, bootstrap),
                new X509ClientAuthenticator(certificates.authority(ClusterCa.CLIENT).certificate(), clock));
    }

    private static ClusterCertificates openCertificates(PkiSettings effective, Clock clock, SecureRandom random) {
        // Parsed before anything is written, so a bad mode fails without side effects.
        Optional<KubeconfigWriter> kubeconfig = effective.kubeconfig().map(file -> new KubeconfigWriter(file,
                AtomicFiles.permissions(effective.kubeconfigMode()), effective.httpsPort()));
        return ClusterCertificates.open(effective, clock, random, kubeconfig);
    }

    @Override
    public CertificateAuthority certificateAuthority() {
        return certificates;
    }

    @Override
    public TokenService tokenService() {
        return tokens;
    }

    /** The x509 client certificate authenticator trusting this PKI's client CA. */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** The concrete certificate store, for callers inside this bundle and tests. */
    public ClusterCertificates certificates() {
        return certificates;
    }

    private static PkiSettings withDefaults(PkiSettings s) {
        Objects.requireNonNull(s, "settings");
        Objects.requireNonNull(s.dataDir(), "settings.dataDir");
        if (s.httpsPort() < 1 || s.httpsPort() > 65_535) {
            throw new IllegalArgumentException("https port " + s.httpsPort() + " is not between 1 and 65535");
        }
        return new PkiSettings(s.dataDir(), s.nodeName() == null ? "" : s.nodeName().strip(),
                s.nodeIps() == null ? List.of() : s.nodeIps(),
                s.tlsSans() == null ? List.of() : s.tlsSans(),
                orDefault(s.clusterDomain(), DEFAULT_CLUSTER_DOMAIN),
                orDefault(s.serviceCidr(), DEFAULT_SERVICE_CIDR), s.httpsPort(),
                s.token() == null ? Optional.empty() : s.token().filter(t -> !t.isBlank()),
                s.kubeconfig() == null ? Optional.empty() : s.kubeconfig(),
                orDefault(s.kubeconfigMode(), DEFAULT_KUBECONFIG_MODE));
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
