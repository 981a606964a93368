package io.karst.tls.pem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemClientTlsTest {
    @TempDir
    Path dir;

    private Path pkcs8(String name, PrivateKey key) throws Exception {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return Files.writeString(dir.resolve(name), pem);
    }

    @Test
    void readsPkcs8KeysOfBothAlgorithms() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ecPair = ec.generateKeyPair();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaPair = rsa.generateKeyPair();

        PrivateKey readEc = PemClientTls.privateKey(pkcs8("ec.key", ecPair.getPrivate()));
        assertEquals("EC", readEc.getAlgorithm());
        assertEquals(ecPair.getPrivate(), readEc);
        PrivateKey readRsa = PemClientTls.privateKey(pkcs8("rsa.key", rsaPair.getPrivate()));
        assertEquals("RSA", readRsa.getAlgorithm());
        assertEquals(rsaPair.getPrivate(), readRsa);
    }

    @Test
    void aSec1KeyIsRefusedWithTheConversionToUse() throws Exception {
        Path sec1 = Files.writeString(dir.resolve("sec1.key"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n"
                + "-----END EC PRIVATE KEY-----\n");
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> PemClientTls.privateKey(sec1));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
    }

    @Test
    void aFileWithoutACertificateIsRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.crt"), "");
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> PemClientTls.certificates(empty));
        assertTrue(e.getMessage().contains("no certificate"), e.getMessage());
    }
}
