package io.karst.datastore.pooled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Client certificates and keys in the forms openssl and K3s users write, turned into the key store the drivers
 * read; and the mistakes a user can make, each refused with a message naming the file. The keys are made by
 * openssl, as users make theirs.
 */
class ClientKeyStoreTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void opensslIsThere() throws Exception {
        assumeTrue(run(List.of("openssl", "version")), "no openssl to make keys with");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out KEY",
        "openssl genrsa -traditional -out KEY 2048",
        "openssl ecparam -name prime256v1 -genkey -out KEY",
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out KEY",
        "openssl genpkey -algorithm ED25519 -out KEY"})
    void aPemKeyInAnyUsualFormBecomesAKeyStoreOnlyTheOwnerReads(String generate) throws Exception {
        Path key = dir.resolve(Integer.toHexString(generate.hashCode()) + ".key");
        Path cert = certificateFor(key, generate);
        ClientKeyStore converted = ClientKeyStore.fromPem(cert.toString(), key.toString());
        try {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(converted.file())));
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(converted.file())) {
                store.load(in, converted.password().toCharArray());
            }
            String alias = store.aliases().nextElement();
            PrivateKey read = (PrivateKey) store.getKey(alias, converted.password().toCharArray());
            Certificate[] chain = store.getCertificateChain(alias);
            assertEquals(1, chain.length);
            assertArrayEquals(Files.readAllBytes(dir.resolve(cert.getFileName() + ".der")), chain[0].getEncoded());
            assertEquals(chain[0].getPublicKey().getAlgorithm(), read.getAlgorithm());
        } finally {
            converted.close();
        }
        assertFalse(Files.exists(converted.file()), "closing deletes the key store");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Path key = dir.resolve("mine.key");
        certificateFor(key, "openssl genrsa -traditional -out KEY 2048");
        Path other = dir.resolve("other.key");
        Path otherCert = certificateFor(other, "openssl genrsa -traditional -out KEY 2048");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ClientKeyStore.fromPem(otherCert.toString(), key.toString()));
        assertEquals("--datastore-keyfile " + key + " is not the key of the certificate in --datastore-certfile "
                + otherCert, refused.getMessage());
    }

    @Test
    void anEncryptedKeyIsRefusedSayingHowToDecryptIt() throws Exception {
        Path key = dir.resolve("encrypted.key");
        Path cert = certificateFor(dir.resolve("plain.key"), "openssl genrsa -traditional -out KEY 2048");
        assertTrue(run(List.of("openssl", "pkey", "-in", dir.resolve("plain.key").toString(), "-aes256", "-passout",
                "pass:secret", "-out", key.toString())));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ClientKeyStore.fromPem(cert.toString(), key.toString()));
        assertTrue(refused.getMessage().contains(key + " is encrypted; decrypt it with `openssl pkey"),
                refused.getMessage());
    }

    @Test
    void filesThatAreMissingOrHoldNoKeyOrCertificateAreNamed() throws Exception {
        Path key = dir.resolve("named.key");
        Path cert = certificateFor(key, "openssl genrsa -traditional -out KEY 2048");
        Path missing = dir.resolve("missing.pem");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ClientKeyStore.fromPem(missing.toString(), key.toString())).getMessage()
                .startsWith("cannot read --datastore-certfile " + missing));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ClientKeyStore.fromPem(cert.toString(), missing.toString())).getMessage()
                .startsWith("cannot read --datastore-keyfile " + missing));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ClientKeyStore.fromPem(cert.toString(), cert.toString())).getMessage()
                .startsWith("--datastore-keyfile " + cert + " holds no private key"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ClientKeyStore.fromPem(key.toString(), key.toString())).getMessage()
                .startsWith("--datastore-certfile " + key + " is not a PEM or DER certificate"));
    }

    @Test
    void aCertificateNeedsAKeyAndAPemKeyACertificateButAKeyStoreStandsAlone() {
        assertEquals(Optional.empty(), TlsFiles.none().clientKeyStore());
        assertEquals(Optional.empty(), new TlsFiles("ca.crt", "", "").clientKeyStore());
        assertEquals(Optional.empty(), new TlsFiles("", "", "client.p12").clientKeyStore());
        assertEquals("--datastore-certfile client.crt needs --datastore-keyfile", assertThrows(
                IllegalArgumentException.class, () -> new TlsFiles("", "client.crt", "").clientKeyStore())
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TlsFiles("", "", "client.key").clientKeyStore()).getMessage()
                .startsWith("--datastore-keyfile client.key needs --datastore-certfile"));
    }

    /** Makes the key with the command (KEY standing for its file), and a self-signed certificate for it. */
    private static Path certificateFor(Path key, String generate) throws Exception {
        List<String> command = List.of(generate.replace("KEY", key.toString()).split(" "));
        assertTrue(run(command), "openssl failed: " + command);
        Path cert = dir.resolve(key.getFileName() + ".crt");
        assertTrue(run(List.of("openssl", "req", "-x509", "-key", key.toString(), "-subj", "/CN=karst_cert", "-days",
                "1", "-out", cert.toString())));
        assertTrue(run(List.of("openssl", "x509", "-in", cert.toString(), "-outform", "DER", "-out",
                dir.resolve(cert.getFileName() + ".der").toString())));
        return cert;
    }

    private static boolean run(List<String> command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
