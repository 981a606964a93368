package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code karst server --secrets-encryption} as K3s's: a Secret created with kubectl 1.33 never reaches the SQLite
 * files in plaintext, survives a restart, a Secret from before encryption stays readable and is encrypted by
 * {@code karst secrets-encrypt reencrypt}, {@code rotate-keys} moves every Secret to a new key, a Secret of an
 * unknown key is a 500 naming it while the rest is served, and a bad key file stops the server at start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretsEncryptionEndToEndTest {
    private static final Path KUBECTL = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin")).resolve("kubectl.1.33");
    private static final String BEFORE = "plaintext-before-enabling-7f3a";
    private static final String AFTER = "never-on-disk-in-clear-91c2";
    private static final List<String> ENCRYPTED = List.of("--disable-controller-manager", "--secrets-encryption");

    @TempDir
    static Path tmp;

    private KarstServer server;

    private Path dataDir() {
        return tmp.resolve("data");
    }

    private Path keyFile() {
        return dataDir().resolve("server/cred/encryption-config.json");
    }

    private Path database() {
        return dataDir().resolve("server/db/state.db");
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private void start(List<String> flags) throws Exception {
        server = new KarstServer(dataDir(), flags).start();
        server.awaitReady(Duration.ofSeconds(90));
    }

    private Commands.Result kubectl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(60));
    }

    private String secretValue(String name) throws Exception {
        Commands.Result r = kubectl("get", "secret", name, "-o", "jsonpath={.data.password}");
        assertEquals(0, r.exit(), r::toString);
        return new String(Base64.getDecoder().decode(r.stdout().strip()), StandardCharsets.UTF_8);
    }

    private Commands.Result secretsEncrypt(String command) throws Exception {
        return server.karst("secrets-encrypt", command, "--data-dir", dataDir().toString());
    }

    /** The latest stored value of a key, read from the SQLite file. */
    private String storedValue(String key) throws Exception {
        Commands.Result r = Commands.run(List.of("sqlite3", database().toString(),
                "SELECT hex(substr(value, 1, 64)) FROM kv_log WHERE name = '" + key
                        + "' ORDER BY id DESC LIMIT 1;"), Map.of(), Duration.ofSeconds(30));
        assertEquals(0, r.exit(), r::toString);
        // hex, as the value is binary after its prefix; ISO-8859-1 keeps every byte as one char
        return new String(HexFormat.of().parseHex(r.stdout().strip()), StandardCharsets.ISO_8859_1);
    }

    /** Whether the SQLite database or its write-ahead log holds these bytes anywhere. */
    private boolean onDisk(String text) throws Exception {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        for (Path file : List.of(database(), database().resolveSibling("state.db-wal"))) {
            if (Files.exists(file) && indexOf(Files.readAllBytes(file), needle) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void aSecretCreatedBeforeEncryptionIsStoredInPlaintext() throws Exception {
        start(List.of("--disable-controller-manager"));
        Commands.Result created = kubectl("create", "secret", "generic", "before", "--from-literal=password=" + BEFORE);
        assertEquals(0, created.exit(), created::toString);
        assertTrue(storedValue("/registry/secrets/default/before").startsWith("{"), "plaintext JSON before enabling");
        assertTrue(onDisk(b64(BEFORE)), "the check below can see a value on disk");
        assertEquals(0, server.stop());
        assertFalse(Files.exists(keyFile()));
    }

    @Test
    @Order(2)
    void withTheFlagANewSecretNeverReachesTheDiskInPlaintext() throws Exception {
        start(ENCRYPTED);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())));
        String config = Files.readString(keyFile());
        assertTrue(config.contains("\"kind\" : \"EncryptionConfiguration\"") && config.contains("\"aescbckey\"")
                && config.contains("\"identity\""), config);

        Commands.Result created = kubectl("create", "secret", "generic", "after", "--from-literal=password=" + AFTER);
        assertEquals(0, created.exit(), created::toString);
        assertEquals(AFTER, secretValue("after"));
        assertTrue(storedValue("/registry/secrets/default/after").startsWith("k8s:enc:aescbc:v1:aescbckey:"),
                storedValue("/registry/secrets/default/after"));
        assertFalse(onDisk(AFTER), "plaintext in state.db or state.db-wal");
        assertFalse(onDisk(b64(AFTER)), "base64 of the value in state.db or state.db-wal");
        assertEquals(BEFORE, secretValue("before"), "a Secret from before stays readable");
    }

    @Test
    @Order(3)
    void statusCountsThePlaintextSecretAndReencryptEncryptsIt() throws Exception {
        Commands.Result status = secretsEncrypt("status");
        assertEquals(0, status.exit(), status::toString);
        assertTrue(status.stdout().contains("Encryption Status: Enabled"), status::toString);
        assertTrue(status.stdout().contains("1 not encrypted"), status::toString);
        assertTrue(status.stdout().lines().anyMatch(l -> l.matches("\\s*\\*\\s*\\|\\s*AES-CBC\\s*\\|\\s*aescbckey\\s*")),
                status::toString);

        Commands.Result reencrypt = secretsEncrypt("reencrypt");
        assertEquals(0, reencrypt.exit(), reencrypt::toString);
        assertTrue(reencrypt.stdout().contains("1 Secrets rewritten"), reencrypt::toString);
        assertTrue(storedValue("/registry/secrets/default/before").startsWith("k8s:enc:aescbc:v1:aescbckey:"));
        assertEquals(BEFORE, secretValue("before"));
        Commands.Result after = secretsEncrypt("status");
        assertTrue(after.stdout().contains("all encrypted with the active key"), after::toString);
    }

    @Test
    @Order(4)
    void aRestartedServerReadsItsSecretsBack() throws Exception {
        assertEquals(0, server.stop());
        start(ENCRYPTED);
        assertEquals(AFTER, secretValue("after"));
        assertEquals(BEFORE, secretValue("before"));
    }

    @Test
    @Order(5)
    void rotateKeysMovesEverySecretToANewKeyAndDropsTheOld() throws Exception {
        String oldConfig = Files.readString(keyFile());
        Commands.Result rotated = secretsEncrypt("rotate-keys");
        assertEquals(0, rotated.exit(), rotated::toString);
        assertTrue(rotated.stdout().contains("keys rotated"), rotated::toString);
        String config = Files.readString(keyFile());
        assertNotEquals(oldConfig, config);
        assertFalse(config.contains("\"aescbckey\""), "the old key is gone: " + config);
        assertTrue(storedValue("/registry/secrets/default/after").startsWith("k8s:enc:aescbc:v1:aescbckey-"));
        assertTrue(storedValue("/registry/secrets/default/before").startsWith("k8s:enc:aescbc:v1:aescbckey-"));
        assertEquals(AFTER, secretValue("after"));
        assertEquals(BEFORE, secretValue("before"));
        Commands.Result status = secretsEncrypt("status");
        assertTrue(status.stdout().contains("Current Rotation Stage: reencrypt_finished"), status::toString);
        assertTrue(status.stdout().contains("all encrypted with the active key"), status::toString);
        assertEquals(0, server.stop());
        start(ENCRYPTED);
        assertEquals(AFTER, secretValue("after"), "after a restart on the rotated key file");
    }

    @Test
    @Order(6)
    void withoutTheFlagTheLauncherWarnsAndEncryptedSecretsAreA500NamingTheirKey() throws Exception {
        assertEquals(0, server.stop());
        start(List.of("--disable-controller-manager"));
        assertTrue(server.logText().contains("exists but --secrets-encryption is not set"), server.logText());
        Commands.Result unreadable = kubectl("get", "secret", "after");
        assertEquals(1, unreadable.exit(), unreadable::toString);
        assertTrue(unreadable.stderr().contains("aescbc v1 key"), unreadable::toString);
        assertEquals(0, kubectl("get", "namespaces").exit());
    }

    @Test
    @Order(7)
    void aSecretOfAnUnknownKeyIsA500NamingItAndTheServerKeepsServing() throws Exception {
        assertEquals(0, server.stop());
        Commands.Result inserted = Commands.run(List.of("sqlite3", database().toString(),
                "INSERT INTO kv_log(id, name, created, deleted, create_revision, prev_revision, lease, version, value,"
                        + " old_value) SELECT max(id) + 1, '/registry/secrets/default/lost', 1, 0, max(id) + 1, 0, 0, 1,"
                        + " CAST('k8s:enc:aescbc:v1:retired:0123456789abcdef0123456789abcdef' AS BLOB), NULL"
                        + " FROM kv_log;"), Map.of(), Duration.ofSeconds(30));
        assertEquals(0, inserted.exit(), inserted::toString);
        start(ENCRYPTED);
        Commands.Result lost = kubectl("get", "secret", "lost");
        assertEquals(1, lost.exit(), lost::toString);
        assertTrue(lost.stderr().contains("InternalError") || lost.stderr().contains("Internal error"), lost::toString);
        assertTrue(lost.stderr().contains("key \\\"retired\\\"") || lost.stderr().contains("key \"retired\""),
                lost::toString);
        assertEquals(AFTER, secretValue("after"));
        Commands.Result namespaces = kubectl("get", "namespaces");
        assertEquals(0, namespaces.exit(), namespaces::toString);
    }

    @Test
    @Order(8)
    void aBadKeyFileStopsTheServerAtStartWithNothingWritten() throws Exception {
        assertEquals(0, server.stop());
        Files.writeString(keyFile(), Files.readString(keyFile()).replaceAll("\"secret\" : \"[^\"]+\"",
                "\"secret\" : \"c2hvcnQ=\""));
        long walBefore = Files.size(database()) + size(database().resolveSibling("state.db-wal"));
        Commands.Result refused = Commands.run(List.of(Distribution.karst().toString(), "server",
                "--data-dir", dataDir().toString(), "--secrets-encryption", "--disable-controller-manager"),
                Map.of("KARST_CONFIG_FILE", writeEmptyConfig().toString()), Duration.ofSeconds(60));
        assertEquals(1, refused.exit(), refused::toString);
        assertTrue(refused.stderr().contains("encryption configuration " + keyFile()), refused::toString);
        assertTrue(refused.stderr().contains("an AES key is 16, 24 or 32 bytes, not 5"), refused::toString);
        assertEquals(walBefore, Files.size(database()) + size(database().resolveSibling("state.db-wal")));
    }

    private static long size(Path file) throws Exception {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    private Path writeEmptyConfig() throws Exception {
        Path file = tmp.resolve("empty-config.yaml");
        Files.writeString(file, "{}\n");
        return file;
    }
}
