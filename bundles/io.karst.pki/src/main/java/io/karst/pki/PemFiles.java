package io.karst.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.interfaces.ECKey;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM encoding of certificates and keys, in the forms Kubernetes tools write: {@code CERTIFICATE},
 * {@code EC PRIVATE KEY} for leaf and CA keys, {@code PRIVATE KEY} (PKCS#8) and {@code PUBLIC KEY} for the
 * service-account signing pair. Reading accepts either private key form. Failures name the file.
 */
public final class PemFiles {
    // No provider is named: the JDK's own providers do the crypto, so nothing is registered globally.
    private static final JcaX509CertificateConverter CERTIFICATES = new JcaX509CertificateConverter();
    private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();

    private PemFiles() {
    }

    /** The certificate in PEM. */
    public static String encode(X509Certificate certificate) {
        return pem(certificate);
    }

    /**
     * The private key in PEM: {@code EC PRIVATE KEY} (SEC 1, with the curve and public key, as Go's
     * {@code x509.MarshalECPrivateKey} writes it) for ECDSA keys, PKCS#8 for any other algorithm.
     */
    public static String encode(PrivateKey key, PublicKey publicKey) {
        if (!"EC".equals(key.getAlgorithm()) && !"ECDSA".equals(key.getAlgorithm())) {
            return encodePkcs8(key);
        }
        try {
            // The JDK's PKCS#8 form keeps the curve only in the outer algorithm identifier; SEC 1 needs it inside.
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
            SubjectPublicKeyInfo publicInfo = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
            int orderBits = ((ECKey) key).getParams().getOrder().bitLength();
            ECPrivateKey sec1 = new ECPrivateKey(orderBits, inner.getKey(), publicInfo.getPublicKeyData(),
                    info.getPrivateKeyAlgorithm().getParameters());
            return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode the EC private key", e);
        }
    }

    /** The private key in PEM as PKCS#8 ({@code PRIVATE KEY}). */
    public static String encodePkcs8(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode the private key as PKCS#8", e);
        }
    }

    /** The public key in PEM ({@code PUBLIC KEY}). */
    public static String encode(PublicKey key) {
        return pem(key);
    }

    /** Reads the first certificate of a PEM file. */
    public static X509Certificate readCertificate(Path file) {
        return parseCertificate(file, AtomicFiles.read(file));
    }

    /** Parses the first certificate of PEM text; {@code source} names where it came from in errors. */
    public static X509Certificate parseCertificate(Object source, byte[] pem) {
        Object object = parse(source, pem);
        if (!(object instanceof X509CertificateHolder holder)) {
            throw new IllegalStateException(source + ": does not hold a PEM certificate");
        }
        try {
            return CERTIFICATES.getCertificate(holder);
        } catch (CertificateException e) {
            throw new IllegalStateException(source + ": holds an unusable certificate: " + e.getMessage(), e);
        }
    }

    /** Reads a private key in traditional or PKCS#8 PEM form. */
    public static PrivateKey readPrivateKey(Path file) {
        Object object = parse(file, AtomicFiles.read(file));
        try {
            if (object instanceof PEMKeyPair pair) {
                return KEYS.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return KEYS.getPrivateKey(info);
            }
        } catch (IOException e) {
            throw new IllegalStateException(file + ": holds an unusable private key: " + e.getMessage(), e);
        }
        throw new IllegalStateException(file + ": does not hold an unencrypted PEM private key");
    }

    /** Reads a {@code PUBLIC KEY} PEM file. */
    public static PublicKey readPublicKey(Path file) {
        Object object = parse(file, AtomicFiles.read(file));
        if (!(object instanceof SubjectPublicKeyInfo info)) {
            throw new IllegalStateException(file + ": does not hold a PEM public key");
        }
        try {
            return KEYS.getPublicKey(info);
        } catch (IOException e) {
            throw new IllegalStateException(file + ": holds an unusable public key: " + e.getMessage(), e);
        }
    }

    private static Object parse(Object source, byte[] pem) {
        Object object;
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            object = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(source + ": is not valid PEM: " + e.getMessage(), e);
        }
        if (object == null) {
            throw new IllegalStateException(source + ": holds no PEM block");
        }
        return object;
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + object.getClass().getSimpleName() + " as PEM", e);
        }
        return out.toString();
    }
}
