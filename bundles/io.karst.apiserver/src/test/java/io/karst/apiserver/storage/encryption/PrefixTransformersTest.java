package io.karst.apiserver.storage.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrefixTransformersTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY = "/registry/secrets/default/s";
    private static final byte[] PLAIN = "{\"kind\":\"Secret\",\"data\":{\"p\":\"aHVudGVyMg==\"}}"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private static PrefixTransformers.Provider cbc(String name) {
        return new PrefixTransformers.Provider("aescbc", name, new AesCbcTransformer(key(), RANDOM));
    }

    private static PrefixTransformers.Provider gcm(String name) {
        return new PrefixTransformers.Provider("aesgcm", name, new AesGcmTransformer(key(), RANDOM));
    }

    private static byte[] key() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aescbcRoundTripsBehindItsPrefixWithAFreshIvEachTime() {
        PrefixTransformers t = new PrefixTransformers(List.of(cbc("key1"), PrefixTransformers.Provider.identityProvider()));
        byte[] stored = t.toStorage(PLAIN, KEY);
        assertTrue(text(stored).startsWith("k8s:enc:aescbc:v1:key1:"), text(stored));
        assertFalse(text(stored).contains("aHVudGVyMg"));
        assertArrayEquals(PLAIN, t.fromStorage(stored, KEY));
        assertNotEquals(text(stored), text(t.toStorage(PLAIN, KEY)), "random IV");
    }

    @Test
    void aesgcmRoundTripsAndIsBoundToItsDatastoreKey() {
        PrefixTransformers t = new PrefixTransformers(List.of(gcm("g1")));
        byte[] stored = t.toStorage(PLAIN, KEY);
        assertTrue(text(stored).startsWith("k8s:enc:aesgcm:v1:g1:"));
        assertArrayEquals(PLAIN, t.fromStorage(stored, KEY));
        TransformException moved = assertThrows(TransformException.class,
                () -> t.fromStorage(stored, "/registry/secrets/default/other"));
        assertTrue(moved.getMessage().contains("authentication failed"), moved.getMessage());
    }

    @Test
    void aesgcmRefusesATamperedValue() {
        PrefixTransformers t = new PrefixTransformers(List.of(gcm("g1")));
        byte[] stored = t.toStorage(PLAIN, KEY);
        stored[stored.length - 20] ^= 1;
        TransformException e = assertThrows(TransformException.class, () -> t.fromStorage(stored, KEY));
        assertTrue(e.getMessage().contains("aesgcm key \"g1\""), e.getMessage());
    }

    @Test
    void aescbcRefusesAValueWhosePaddingComesOutWrong() {
        PrefixTransformers.Provider right = cbc("key1");
        byte[] stored = new PrefixTransformers(List.of(right)).toStorage(PLAIN, KEY);
        // same name, other key material: the last block decrypts to garbage padding (1 in 256 is valid padding)
        int refused = 0;
        for (int i = 0; i < 8; i++) {
            PrefixTransformers wrong = new PrefixTransformers(List.of(cbc("key1")));
            try {
                wrong.fromStorage(stored, KEY);
            } catch (TransformException e) {
                assertTrue(e.getMessage().contains("invalid PKCS7 data"), e.getMessage());
                refused++;
            }
        }
        assertTrue(refused >= 6, "refused " + refused + " of 8");
        byte[] truncated = java.util.Arrays.copyOf(stored, stored.length - 3);
        assertThrows(TransformException.class,
                () -> new PrefixTransformers(List.of(right)).fromStorage(truncated, KEY));
    }

    @Test
    void readsPickTheKeyTheStoredPrefixNamesWhileWritesUseTheFirst() {
        PrefixTransformers.Provider old = cbc("old");
        PrefixTransformers.Provider next = cbc("new");
        byte[] writtenWithOld = new PrefixTransformers(List.of(old)).toStorage(PLAIN, KEY);
        PrefixTransformers rotated = new PrefixTransformers(List.of(next, old));
        assertArrayEquals(PLAIN, rotated.fromStorage(writtenWithOld, KEY));
        assertTrue(text(rotated.toStorage(PLAIN, KEY)).startsWith("k8s:enc:aescbc:v1:new:"));
    }

    @Test
    void plaintextIsReadThroughIdentityOnlyWhenListed() {
        PrefixTransformers withIdentity = new PrefixTransformers(List.of(cbc("k"),
                PrefixTransformers.Provider.identityProvider()));
        assertArrayEquals(PLAIN, withIdentity.fromStorage(PLAIN, KEY));
        PrefixTransformers without = new PrefixTransformers(List.of(cbc("k")));
        assertThrows(TransformException.class, () -> without.fromStorage(PLAIN, KEY));
        PrefixTransformers identityFirst = new PrefixTransformers(List.of(PrefixTransformers.Provider.identityProvider(),
                cbc("k")));
        assertArrayEquals(PLAIN, identityFirst.toStorage(PLAIN, KEY), "identity first writes plaintext");
    }

    @Test
    void aValueOfAnUnknownKeyIsRefusedNamingTheKey() {
        byte[] stored = new PrefixTransformers(List.of(cbc("gone"))).toStorage(PLAIN, KEY);
        PrefixTransformers t = new PrefixTransformers(List.of(cbc("other"), PrefixTransformers.Provider.identityProvider()));
        TransformException e = assertThrows(TransformException.class, () -> t.fromStorage(stored, KEY));
        assertTrue(e.getMessage().contains("aescbc v1 key \"gone\""), e.getMessage());
        assertTrue(e.getMessage().contains(KEY), e.getMessage());
        assertEquals("aescbc v1 key \"gone\"", PrefixTransformers.prefixOf(stored));
    }

    @Test
    void theConfigurationFileIsReadInUpstreamsFormatAndBadFilesAreRefused() throws Exception {
        Path file = tmp.resolve("encryption-config.json");
        Files.writeString(file, EncryptionConfiguration.aescbcSecrets(List.of(
                EncryptionConfiguration.NamedKey.random("aescbckey", RANDOM))));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        EncryptionConfiguration config = EncryptionConfiguration.read(file, RANDOM);
        PrefixTransformers secrets = config.resources().get("secrets");
        assertEquals("k8s:enc:aescbc:v1:aescbckey:", secrets.writer().prefix());
        assertEquals(2, secrets.providers().size());

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EncryptionConfiguration.read(file, RANDOM))
                .getMessage().contains("0600"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> EncryptionConfiguration.read(tmp.resolve("missing.json"), RANDOM)).getMessage()
                .contains("does not exist"));
        String shortKey = "{\"kind\":\"EncryptionConfiguration\",\"apiVersion\":\"apiserver.config.k8s.io/v1\","
                + "\"resources\":[{\"resources\":[\"secrets\"],\"providers\":[{\"aescbc\":{\"keys\":"
                + "[{\"name\":\"k\",\"secret\":\"c2hvcnQ=\"}]}}]}]}";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EncryptionConfiguration.parse(shortKey, RANDOM))
                .getMessage().contains("16, 24 or 32 bytes"));
        String kms = shortKey.replace("aescbc", "kms");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EncryptionConfiguration.parse(kms, RANDOM))
                .getMessage().contains("\"kms\" is not supported"));
        String yaml = """
                kind: EncryptionConfiguration
                apiVersion: apiserver.config.k8s.io/v1
                resources:
                - resources: [secrets, configmaps]
                  providers:
                  - aesgcm:
                      keys:
                      - name: g
                        secret: MDEyMzQ1Njc4OWFiY2RlZg==
                  - identity: {}
                """;
        EncryptionConfiguration fromYaml = EncryptionConfiguration.parse(yaml, RANDOM);
        assertEquals("k8s:enc:aesgcm:v1:g:", fromYaml.resources().get("configmaps").writer().prefix());
    }
}
