package io.karst.pki;

import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * What one leaf certificate must be.
 *
 * @param service the file base name, also the name {@code rotate} and {@code certificates} use
 * @param issuer the authority that signs it
 * @param commonName its subject CN, the Kubernetes user name for client certificates
 * @param organizations its subject O values, the Kubernetes groups for client certificates
 * @param purpose server or client authentication
 * @param names the subject alternative names (serving certificates only)
 */
public record LeafSpec(String service, ClusterCa issuer, String commonName, List<String> organizations,
        KeyPurpose purpose, SubjectAltNames names) {
    public LeafSpec {
        Objects.requireNonNull(service);
        Objects.requireNonNull(issuer);
        Objects.requireNonNull(commonName);
        organizations = List.copyOf(organizations);
        Objects.requireNonNull(purpose);
        Objects.requireNonNull(names);
    }

    /** A client certificate for user {@code commonName} in {@code organizations}. */
    public static LeafSpec client(String service, ClusterCa issuer, String commonName, String... organizations) {
        return new LeafSpec(service, issuer, commonName, List.of(organizations), KeyPurpose.CLIENT_AUTH,
                SubjectAltNames.none());
    }

    /** The subject, O before CN as Go's crypto/x509 encodes it, so tools print {@code CN=...,O=...}. */
    public X500Name subject() {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        organizations.forEach(o -> builder.addRDN(BCStyle.O, o));
        builder.addRDN(BCStyle.CN, commonName);
        return builder.build();
    }
}
