package io.karst.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes certificates: self-signed authorities valid for ten years and leaves valid for a year, all ECDSA P-256,
 * with the extensions Go's crypto/x509 and kube-apiserver expect. Time comes from the injected clock.
 */
public final class CertificateIssuer {
    /** K3s's CA lifetime. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** K3s's leaf lifetime. */
    public static final Duration LEAF_VALIDITY = Duration.ofDays(365);

    private final Clock clock;
    private final SecureRandom random;

    public CertificateIssuer(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /** A new self-signed certificate authority with a new key. */
    public IssuedCertificate selfSignedCa(ClusterCa ca) {
        // X.509 times have whole seconds; truncating keeps notBefore equal to what the certificate says.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        KeyPair keys = KeyPairs.ecdsaP256(random);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, ca.commonName(now)).build();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now),
                    Date.from(now.plus(CA_VALIDITY)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new IssuedCertificate(sign(builder, keys.getPrivate()), keys.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create the " + ca.service() + " certificate", e);
        }
    }

    /** A new leaf with a new key, signed by {@code ca}. */
    public IssuedCertificate issue(LeafSpec spec, IssuedCertificate ca) {
        KeyPair keys = KeyPairs.ecdsaP256(random);
        return new IssuedCertificate(issue(spec, ca, keys.getPublic()), keys.getPrivate());
    }

    /**
     * A leaf for a public key someone else holds the private half of (a joining node's kubelet), signed by
     * {@code ca}.
     */
    public X509Certificate issue(LeafSpec spec, IssuedCertificate ca, PublicKey subjectKey) {
        return issue(spec, ca, subjectKey, LEAF_VALIDITY);
    }

    /** As {@link #issue(LeafSpec, IssuedCertificate, PublicKey)}, valid for {@code validity} (never past the CA). */
    public X509Certificate issue(LeafSpec spec, IssuedCertificate ca, PublicKey subjectKey, Duration validity) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = now.plus(validity);
        Instant caNotAfter = ca.certificate().getNotAfter().toInstant();
        // A certificate cannot outlive its issuer in any verifier, so it should not claim to.
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(now),
                    Date.from(notAfter), spec.subject(), subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    // Not critical, as Go writes it: Java's PKIX validator rejects unknown critical extensions.
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(spec.purpose().id()))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(ca.certificate().getPublicKey()));
            if (!spec.names().isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, generalNames(spec.names()));
            }
            return sign(builder, ca.key());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue the " + spec.service() + " certificate", e);
        }
    }

    private static GeneralNames generalNames(SubjectAltNames names) {
        List<GeneralName> entries = new ArrayList<>();
        names.dnsNames().forEach(dns -> entries.add(new GeneralName(GeneralName.dNSName, dns)));
        names.addresses().forEach(
                ip -> entries.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress()))));
        return new GeneralNames(entries.toArray(GeneralName[]::new));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(issuerKey)).build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with a " + issuerKey.getAlgorithm() + " key", e);
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
    }

    // Random 127-bit positive serials, as Go and client-go pick them: unique without any shared counter.
    private BigInteger serial() {
        return new BigInteger(127, random).setBit(126);
    }
}
