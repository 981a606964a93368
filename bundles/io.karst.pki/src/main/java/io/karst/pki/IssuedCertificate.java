package io.karst.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A certificate with its private key. */
public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {
}
