package io.karst.pki;

import org.bouncycastle.asn1.x509.KeyPurposeId;

/** The extended key usage of a leaf certificate: TLS server or TLS client. */
public enum KeyPurpose {
    SERVER_AUTH(KeyPurposeId.id_kp_serverAuth),
    CLIENT_AUTH(KeyPurposeId.id_kp_clientAuth);

    private final KeyPurposeId id;

    KeyPurpose(KeyPurposeId id) {
        this.id = id;
    }

    KeyPurposeId id() {
        return id;
    }

    /** The dotted object identifier, as {@link java.security.cert.X509Certificate#getExtendedKeyUsage()} lists it. */
    public String oid() {
        return id.getId();
    }
}
