package io.karst.apiserver.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ValueTransformers;
import io.karst.apiserver.storage.encryption.EncryptionConfiguration;
import io.karst.apiserver.storage.encryption.SecretsEncryption;

/** Secrets encrypted at rest through the resource endpoint, checked against the raw values in the SQLite store. */
class SecretEncryptionTest {
    private static final String SECRETS = "/api/v1/namespaces/default/secrets";
    private static final String PLAINTEXT = "correct-horse-battery-staple";
    private static final String B64 = "Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5LXN0YXBsZQ==";

    @TempDir
    Path dir;
    private ApiFixture api;

    @BeforeEach
    void open() {
        api = new ApiFixture(dir);
    }

    @AfterEach
    void close() {
        api.close();
    }

    private void encrypt() {
        String file = EncryptionConfiguration.aescbcSecrets(List.of(
                EncryptionConfiguration.NamedKey.random("aescbckey", new SecureRandom())));
        api.store.transformers(ValueTransformers.of(EncryptionConfiguration.parseText(file), api.registry));
    }

    private static String secret(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"" + name
                + "\"},\"data\":{\"password\":\"" + B64 + "\"}}";
    }

    private String raw(String key) {
        return new String(api.kv.get(key).orElseThrow().value(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aSecretIsStoredEncryptedAndReadBackWhileOtherResourcesStayPlain() {
        encrypt();
        api.call("POST", SECRETS, secret("db"));
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("c", "{\"k\":\"visible\"}"));

        String stored = raw("/registry/secrets/default/db");
        assertTrue(stored.startsWith("k8s:enc:aescbc:v1:aescbckey:"), stored);
        assertFalse(stored.contains(PLAINTEXT), "plaintext in the datastore");
        assertFalse(stored.contains("Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5LXN0YXBsZQ"), "base64 of the value in the datastore");
        assertFalse(stored.contains("\"db\""), "even the metadata is encrypted");
        assertTrue(raw("/registry/configmaps/default/c").contains("visible"));

        JsonNode read = api.object("GET", SECRETS + "/db", null);
        assertEquals("Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5LXN0YXBsZQ==", read.at("/data/password").asText());
        // the watch cache (resourceVersion=0) and the datastore (a page with a limit) decrypt alike
        assertEquals(1, api.object("GET", SECRETS + "?resourceVersion=0", null).get("items").size());
        assertEquals("db", api.object("GET", SECRETS + "?limit=1", null).at("/items/0/metadata/name").asText());
        String updated = api.object("PUT", SECRETS + "/db", read.toString().replace(
                "Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5LXN0YXBsZQ==", "bmV3")).at("/metadata/resourceVersion").asText();
        assertTrue(raw("/registry/secrets/default/db").startsWith("k8s:enc:aescbc:v1:aescbckey:"));
        // NotOlderThan the update: served by the cache once it has applied it (resourceVersion=0 may be older)
        assertEquals("bmV3", api.object("GET", SECRETS + "?resourceVersionMatch=NotOlderThan&resourceVersion="
                + updated, null).at("/items/0/data/password").asText(), "the cache saw the update decrypted");
    }

    @Test
    void aSecretWrittenBeforeEncryptionStaysReadableAndIsEncryptedByItsNextWrite() {
        api.call("POST", SECRETS, secret("old"));
        assertTrue(raw("/registry/secrets/default/old").contains(B64));
        encrypt();
        JsonNode read = api.object("GET", SECRETS + "/old", null);
        assertEquals("old", read.at("/metadata/name").asText());
        api.call("PUT", SECRETS + "/old", read.toString());
        assertTrue(raw("/registry/secrets/default/old").startsWith("k8s:enc:aescbc:v1:aescbckey:"));
        assertEquals("Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5LXN0YXBsZQ==",
                api.object("GET", SECRETS + "/old", null).at("/data/password").asText());
    }

    @Test
    void aSecretOfAnUnknownKeyIsA500NamingTheKeyAndTheRestIsServed() {
        encrypt();
        api.call("POST", SECRETS, secret("fine"));
        api.kv.create("/registry/secrets/default/lost",
                "k8s:enc:aescbc:v1:retired:0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), 0);

        ApiException e = api.failure("GET", SECRETS + "/lost", null);
        assertEquals(500, e.code());
        assertTrue(e.getMessage().contains("key \"retired\""), e.getMessage());
        assertEquals(500, api.failure("GET", SECRETS, null).code());
        assertEquals(500, api.failure("GET", SECRETS + "?resourceVersion=0", null).code());
        assertEquals("fine", api.object("GET", SECRETS + "/fine", null).at("/metadata/name").asText());
        assertEquals(2, api.object("GET", "/api/v1/namespaces", null).get("items").size());
    }

    private SecretsEncryption managed() {
        return new SecretsEncryption(dir.resolve("cred/encryption-config.json"), api.store, () -> api.kv,
                api.registry, new SecureRandom(), Clock.fixed(Instant.parse("2026-11-23T06:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void theGeneratedFileIsK3sShapeWithMode0600AndNewSecretsUseIt() throws Exception {
        SecretsEncryption encryption = managed();
        encryption.generateIfMissing();
        Path file = dir.resolve("cred/encryption-config.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String text = Files.readString(file);
        assertTrue(text.contains("\"aescbckey\"") && text.contains("\"identity\""), text);
        encryption.load();
        api.call("POST", SECRETS, secret("new"));
        assertTrue(raw("/registry/secrets/default/new").startsWith("k8s:enc:aescbc:v1:aescbckey:"));
        SecretsEncryption.Status status = encryption.status();
        assertTrue(status.enabled());
        assertEquals(List.of("aescbckey"), status.keys().stream().map(k -> k.keyName()).toList());
        encryption.generateIfMissing();
        assertEquals(text, Files.readString(file), "an existing file is kept");
    }

    @Test
    void reencryptEncryptsSecretsWrittenBeforeAndRotateKeysMovesEverySecretToANewKey() throws Exception {
        api.call("POST", SECRETS, secret("before"));
        SecretsEncryption encryption = managed();
        encryption.generateIfMissing();
        encryption.load();
        api.call("POST", SECRETS, secret("after"));
        SecretsEncryption.Status before = encryption.status();
        assertEquals(2, before.secrets());
        assertEquals(1, before.plaintext());
        assertEquals(1, encryption.reencrypt());
        assertTrue(raw("/registry/secrets/default/before").startsWith("k8s:enc:aescbc:v1:aescbckey:"));
        assertEquals(2, encryption.status().activeKey());

        SecretsEncryption.Rotation rotation = encryption.rotateKeys();
        assertEquals("aescbckey-20261123T060000Z", rotation.newKey());
        assertEquals(List.of("aescbckey"), rotation.removedKeys());
        assertEquals(2, rotation.reencrypted());
        for (String name : List.of("before", "after")) {
            assertTrue(raw("/registry/secrets/default/" + name).startsWith(
                    "k8s:enc:aescbc:v1:aescbckey-20261123T060000Z:"));
            assertEquals(B64, api.object("GET", SECRETS + "/" + name, null).at("/data/password").asText());
        }
        SecretsEncryption.Status after = encryption.status();
        assertEquals(List.of("aescbckey-20261123T060000Z"), after.keys().stream().map(k -> k.keyName()).toList());
        assertEquals("reencrypt_finished", after.stage());
        assertFalse(Files.readString(dir.resolve("cred/encryption-config.json")).contains("\"aescbckey\""));
    }

    @Test
    void aMissingFileIsNotRegeneratedOverEncryptedSecrets() throws Exception {
        SecretsEncryption encryption = managed();
        encryption.generateIfMissing();
        encryption.load();
        api.call("POST", SECRETS, secret("s"));
        Files.delete(dir.resolve("cred/encryption-config.json"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, encryption::generateIfMissing);
        assertTrue(e.getMessage().contains("aescbc v1 key \"aescbckey\""), e.getMessage());
        assertFalse(Files.exists(dir.resolve("cred/encryption-config.json")), "nothing written");
    }

    @Test
    void anUndecodableChangeStopsOnlyTheSecretsCacheWhichStartsAgainOnceTheValueIsGone() throws Exception {
        encrypt();
        api.call("POST", SECRETS, secret("fine"));
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("c", "{}"));
        // both caches loaded
        assertEquals(1, api.object("GET", SECRETS + "?resourceVersion=0", null).get("items").size());
        assertEquals(1, api.object("GET", "/api/v1/namespaces/default/configmaps?resourceVersion=0", null)
                .get("items").size());
        // a value of a key this server lacks arrives through the datastore watch
        api.kv.create("/registry/secrets/default/lost",
                "k8s:enc:aescbc:v1:retired:0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), 0);
        api.call("POST", "/api/v1/namespaces/default/configmaps", ApiFixture.configMap("d", "{}"));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (api.object("GET", "/api/v1/namespaces/default/configmaps?resourceVersion=0", null).get("items")
                .size() != 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(2, api.object("GET", "/api/v1/namespaces/default/configmaps?resourceVersion=0", null)
                .get("items").size(), "the configmaps cache goes on");
        ApiException e = api.failure("GET", SECRETS + "?resourceVersion=0", null);
        assertEquals(500, e.code());
        assertTrue(e.getMessage().contains("key \"retired\""), e.getMessage());
        api.kv.delete("/registry/secrets/default/lost", 0);
        assertEquals(1, api.object("GET", SECRETS + "?resourceVersion=0", null).get("items").size());
        assertEquals("fine", api.object("GET", SECRETS + "/fine", null).at("/metadata/name").asText());
    }

    @Test
    void withoutEncryptionAnEncryptedValueIsA500NamingItsKeyNotAParseError() {
        encrypt();
        api.call("POST", SECRETS, secret("s"));
        api.store.transformers(ValueTransformers.NONE);
        ApiException e = api.failure("GET", SECRETS + "/s", null);
        assertEquals(500, e.code());
        assertTrue(e.getMessage().contains("aescbc v1 key \"aescbckey\"") && e.getMessage().contains("--secrets-encryption"),
                e.getMessage());
    }
}
