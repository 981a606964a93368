package io.karst.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.KeyPurposeId;

import io.karst.api.security.AuthenticationException;
import io.karst.api.security.Authenticator;
import io.karst.api.security.Credentials;
import io.karst.api.security.UserInfo;

/**
 * kube-apiserver's x509 authenticator: a client certificate that chains to the client CA names a user (its CN)
 * and groups (its O values). Messages follow Go's crypto/x509, which is what kubectl users search for.
 */
public final class X509ClientAuthenticator implements Authenticator {
    /** The group every authenticated user is in. */
    public static final String AUTHENTICATED = "system:authenticated";
    private static final String ANY_EXTENDED_KEY_USAGE = KeyPurposeId.anyExtendedKeyUsage.getId();

    /** Bounds the cache of verified chains; one entry per distinct client certificate, so rarely reached. */
    private static final int MAX_VERIFIED = 1024;

    private final X509Certificate clientCa;
    private final Clock clock;
    // A chain that verified once verifies again until it expires (checked on every request): caching skips the
    // signature check and DN parsing that otherwise cost more than serving a GET. Keyed by the certificates'
    // encodings (X509Certificate equality), so a different certificate never hits another's entry.
    private final Map<List<X509Certificate>, Optional<UserInfo>> verified = new ConcurrentHashMap<>();

    public X509ClientAuthenticator(X509Certificate clientCa, Clock clock) {
        this.clientCa = clientCa;
        this.clock = clock;
    }

    @Override
    public Optional<UserInfo> authenticate(Credentials credentials) throws AuthenticationException {
        List<X509Certificate> presented = credentials.clientCertificates();
        if (presented.isEmpty()) {
            return Optional.empty();
        }
        X509Certificate leaf = presented.get(0);
        Date now = Date.from(clock.instant());
        try {
            leaf.checkValidity(now);
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new AuthenticationException("x509: certificate has expired or is not yet valid: current time "
                    + clock.instant() + " is outside " + leaf.getNotBefore().toInstant() + " to "
                    + leaf.getNotAfter().toInstant());
        }
        Optional<UserInfo> known = verified.get(presented);
        if (known != null && allValid(presented, now)) {
            return known;
        }
        verifyChain(presented, now);
        requireClientAuthUsage(leaf);
        Optional<UserInfo> user = userOf(leaf);
        if (verified.size() >= MAX_VERIFIED) {
            verified.clear();
        }
        verified.put(List.copyOf(presented), user);
        return user;
    }

    private static boolean allValid(List<X509Certificate> chain, Date now) {
        for (X509Certificate certificate : chain) {
            try {
                certificate.checkValidity(now);
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                return false;
            }
        }
        return true;
    }

    private static Optional<UserInfo> userOf(X509Certificate leaf) {
        X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
        List<String> names = values(subject, BCStyle.CN);
        // Upstream treats a certificate without a common name as carrying no user, not as an error.
        if (names.isEmpty() || names.get(0).isEmpty()) {
            return Optional.empty();
        }
        List<String> groups = new ArrayList<>(values(subject, BCStyle.O));
        groups.add(AUTHENTICATED);
        return Optional.of(new UserInfo(names.get(0), "", groups, Map.of()));
    }

    private void verifyChain(List<X509Certificate> presented, Date now) throws AuthenticationException {
        // The client may send the CA itself along; the path handed to PKIX must stop below the trust anchor.
        List<X509Certificate> path = presented.stream().filter(c -> !c.equals(clientCa)).toList();
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(clientCa, null)));
            // Kubernetes has no revocation for client certificates; short lifetimes stand in for it.
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (GeneralSecurityException e) {
            throw new AuthenticationException("x509: certificate signed by unknown authority");
        }
    }

    private static void requireClientAuthUsage(X509Certificate leaf) throws AuthenticationException {
        List<String> usages;
        try {
            usages = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new AuthenticationException("x509: certificate has an unreadable extended key usage");
        }
        // As in Go: a certificate without the extension may be used for any purpose.
        if (usages != null && !usages.contains(KeyPurpose.CLIENT_AUTH.oid())
                && !usages.contains(ANY_EXTENDED_KEY_USAGE)) {
            throw new AuthenticationException("x509: certificate specifies an incompatible key usage");
        }
    }

    private static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
        List<String> values = new ArrayList<>();
        for (RDN rdn : name.getRDNs(type)) {
            for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                if (attribute.getType().equals(type)) {
                    ASN1Encodable value = attribute.getValue();
                    // The raw string, not the escaped DN form: a group named "a,b" is "a,b", not "a\\,b".
                    values.add(value instanceof ASN1String text ? text.getString() : IETFUtils.valueToString(value));
                }
            }
        }
        return values;
    }
}
