package io.karst.datastore.pooled;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client certificate and its key as the JDBC drivers read them. K3s users pass PEM files, but pgjdbc reads a
 * PEM key only in the unencrypted PKCS#8 form and only from a file nobody else may read, and MariaDB Connector/J
 * reads client keys only from a key store. So the pair is read, checked to belong together, and written to a
 * PKCS#12 key store under a random password that only this process's user may read, deleted on {@link #close()}.
 * <p>
 * The key may be PEM in the forms openssl and K3s write, PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA ({@code RSA
 * PRIVATE KEY}) or SEC1 EC ({@code EC PRIVATE KEY}), or PKCS#8 DER; an encrypted key is refused, saying how to
 * decrypt it. The certificate file may hold the chain after the client certificate.
 */
public final class ClientKeyStore implements AutoCloseable {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** pgjdbc looks the key up under this alias, libpq's for {@code .p12} files; Connector/J takes any key entry. */
    private static final String ALIAS = "user";

    private final Path file;
    private final String password;

    private ClientKeyStore(Path file, String password) {
        this.file = file;
        this.password = password;
    }

    /**
     * Reads the pair and writes the key store.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static ClientKeyStore fromPem(String certFile, String keyFile) {
        X509Certificate[] chain = readCertificates(certFile);
        PrivateKey key = readKey(keyFile, chain[0].getPublicKey());
        if (!belongTogether(key, chain[0].getPublicKey())) {
            throw new IllegalArgumentException("--datastore-keyfile " + keyFile + " is not the key of the "
                    + "certificate in --datastore-certfile " + certFile);
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path file = null;
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password.toCharArray(), chain);
            file = Files.createTempFile("karst-datastore-client-", ".p12",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
            file.toFile().deleteOnExit();
            return new ClientKeyStore(file, password);
        } catch (IOException | GeneralSecurityException e) {
            deleteQuietly(file);
            throw new IllegalArgumentException("cannot turn --datastore-certfile " + certFile
                    + " and --datastore-keyfile " + keyFile + " into a key store: " + e.getMessage(), e);
        }
    }

    /** The PKCS#12 file: the client key and certificate chain under one alias. */
    public Path file() {
        return file;
    }

    /** Protects both the file and the key in it. */
    public String password() {
        return password;
    }

    /** Deletes the file. Idempotent. */
    @Override
    public void close() {
        deleteQuietly(file);
    }

    private static X509Certificate[] readCertificates(String certFile) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of(certFile));
            var certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("--datastore-certfile " + certFile + " holds no certificate");
            }
            return certificates.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --datastore-certfile " + certFile + ": " + e, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--datastore-certfile " + certFile + " is not a PEM or DER "
                    + "certificate: " + e.getMessage(), e);
        }
    }

    /** The key, in PKCS#8; a traditional PEM key is wrapped using the certificate's algorithm identifier. */
    private static PrivateKey readKey(String keyFile, PublicKey certified) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(keyFile));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --datastore-keyfile " + keyFile + ": " + e, e);
        }
        byte[] pkcs8 = null;
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN ")) {
            pkcs8 = bytes;
        }
        Matcher block = PEM.matcher(text);
        while (pkcs8 == null && block.find()) {
            String label = block.group(1);
            String body = block.group(2);
            if (label.equals("ENCRYPTED PRIVATE KEY") || body.contains("Proc-Type:")) {
                throw new IllegalArgumentException("--datastore-keyfile " + keyFile + " is encrypted; decrypt it "
                        + "with `openssl pkey -in " + keyFile + " -out <new file>`");
            }
            if (label.equals("PRIVATE KEY")) {
                pkcs8 = base64(body, keyFile);
            } else if (label.equals("RSA PRIVATE KEY") || label.equals("EC PRIVATE KEY")) {
                pkcs8 = Der.sequence(Der.INTEGER_ZERO, Der.firstElement(certified.getEncoded()),
                        Der.octetString(base64(body, keyFile)));
            }
        }
        if (pkcs8 == null) {
            throw new IllegalArgumentException("--datastore-keyfile " + keyFile + " holds no private key (PEM "
                    + "PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY, or PKCS#8 DER)");
        }
        try {
            return KeyFactory.getInstance(certified.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--datastore-keyfile " + keyFile + " is not a readable "
                    + certified.getAlgorithm() + " key (the certificate's algorithm): " + e.getMessage(), e);
        }
    }

    /** A signature the key makes that the certificate's public key verifies. */
    private static boolean belongTogether(PrivateKey key, PublicKey certified) {
        String algorithm = switch (certified.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> certified.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true; // an unusual algorithm: the TLS handshake will tell
        }
        try {
            byte[] probe = "karst".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] base64(String body, String keyFile) {
        try {
            return Base64.getMimeDecoder().decode(body.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--datastore-keyfile " + keyFile + " is not valid PEM: "
                    + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    /** The little DER this needs: wrapping a traditional key into PKCS#8. */
    private static final class Der {
        static final byte[] INTEGER_ZERO = {0x02, 0x01, 0x00};

        static byte[] sequence(byte[]... parts) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                content.writeBytes(part);
            }
            return element(0x30, content.toByteArray());
        }

        static byte[] octetString(byte[] content) {
            return element(0x04, content);
        }

        /** The first element inside a SEQUENCE: of a SubjectPublicKeyInfo, its AlgorithmIdentifier. */
        static byte[] firstElement(byte[] sequence) {
            int inner = headerLength(sequence, 0);
            int length = headerLength(sequence, inner) + contentLength(sequence, inner);
            byte[] first = new byte[length];
            System.arraycopy(sequence, inner, first, 0, length);
            return first;
        }

        private static byte[] element(int tag, byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int length = content.length;
            if (length < 0x80) {
                out.write(length);
            } else {
                int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
                out.write(0x80 | bytes);
                for (int i = bytes - 1; i >= 0; i--) {
                    out.write(length >>> (8 * i));
                }
            }
            out.writeBytes(content);
            return out.toByteArray();
        }

        private static int headerLength(byte[] der, int at) {
            int first = der[at + 1] & 0xff;
            return first < 0x80 ? 2 : 2 + (first & 0x7f);
        }

        private static int contentLength(byte[] der, int at) {
            int first = der[at + 1] & 0xff;
            if (first < 0x80) {
                return first;
            }
            int length = 0;
            for (int i = 0; i < (first & 0x7f); i++) {
                length = (length << 8) | (der[at + 2 + i] & 0xff);
            }
            return length;
        }
    }
}
