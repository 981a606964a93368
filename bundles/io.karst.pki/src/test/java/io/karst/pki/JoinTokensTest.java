package io.karst.pki;

import static io.karst.pki.TestSettings.NOW;
import static io.karst.pki.TestSettings.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.security.JoinToken;
import io.karst.api.security.TokenService;

class JoinTokensTest {
    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(NOW);

    private ClusterPki open() {
        return ClusterPki.open(settings(dataDir), clock);
    }

    private String caHash(ClusterPki pki) throws Exception {
        byte[] bundle = pki.certificateAuthority().serverCaBundle().getBytes(StandardCharsets.US_ASCII);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bundle));
    }

    private String secretOf(String token) {
        return token.substring(token.indexOf("::server:") + "::server:".length());
    }

    @Test
    void serverTokenHashesTheExactServerCaBundleAndIsWrittenTwice() throws Exception {
        ClusterPki pki = open();
        String token = pki.tokenService().serverToken();

        assertTrue(token.matches("K10[0-9a-f]{64}::server:[0-9a-f]{32}"), token);
        assertEquals("K10" + caHash(pki), token.substring(0, token.indexOf("::")));
        assertEquals(pki.certificateAuthority().serverCaBundle(),
                Files.readString(dataDir.resolve("server/tls/server-ca.crt")));
        assertEquals(token + "\n", Files.readString(dataDir.resolve("server/token")));
        assertEquals(token + "\n", Files.readString(dataDir.resolve("server/node-token")));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("server/token"))));
    }

    @Test
    void serverTokenSurvivesReopen() {
        String first = open().tokenService().serverToken();
        assertEquals(first, open().tokenService().serverToken());
    }

    @Test
    void configuredBareSecretOrFullTokenIsUsed() throws Exception {
        ClusterPki pki = ClusterPki.open(TestSettings.withToken(settings(dataDir), "my-secret"), clock);
        assertEquals("K10" + caHash(pki) + "::server:my-secret", pki.tokenService().serverToken());

        String full = pki.tokenService().serverToken();
        assertEquals(full, ClusterPki.open(TestSettings.withToken(settings(dataDir), full), clock).tokenService()
                .serverToken());
    }

    @Test
    void aConfiguredTokenDifferentFromTheStoredOneIsRefused() {
        String stored = open().tokenService().serverToken();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ClusterPki.open(TestSettings.withToken(settings(dataDir), "another-secret"), clock));

        assertTrue(e.getMessage().contains("the server token in " + dataDir.resolve("server/token")
                + " differs from the configured --token"), e.getMessage());
        assertEquals(stored, open().tokenService().serverToken());
    }

    @Test
    void aConfiguredTokenForAnotherCaIsRefused() {
        String foreign = "K10" + "ab".repeat(32) + "::server:my-secret";

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ClusterPki.open(TestSettings.withToken(settings(dataDir), foreign), clock));

        assertTrue(e.getMessage().contains("CA hash " + "ab".repeat(32)), e.getMessage());
        assertTrue(e.getMessage().contains("server-ca.crt hashes to"), e.getMessage());
    }

    @Test
    void verifyAcceptsEveryServerTokenFormAndNothingElse() throws Exception {
        ClusterPki pki = open();
        TokenService tokens = pki.tokenService();
        String full = tokens.serverToken();
        String secret = secretOf(full);

        assertEquals(Optional.of("server"), tokens.verify(full));
        assertEquals(Optional.of("server"), tokens.verify(secret));
        assertEquals(Optional.of("server"), tokens.verify("server:" + secret));
        assertEquals(Optional.empty(), tokens.verify("K10" + "00".repeat(32) + "::server:" + secret));
        assertEquals(Optional.empty(), tokens.verify(secret + "x"));
        assertEquals(Optional.empty(), tokens.verify("node:" + secret));
        assertEquals(Optional.empty(), tokens.verify(""));
    }

    @Test
    void legacyBootstrapTokensAreHandedOverWithTheirSecureFormThenForgotten() throws Exception {
        ClusterPki pki = open();
        TokenService tokens = pki.tokenService();
        Path file = dataDir.resolve("server/cred/bootstrap-tokens");
        // The file as the earlier `karst token create` wrote it: one live, one expired, one forever.
        Files.writeString(file, "# Karst bootstrap tokens: id\tsecret\texpires\tusages\tgroups\tdescription\n"
                + "abcdef\t0123456789abcdef\t" + NOW.plus(Duration.ofHours(1)) + "\tauthentication,signing\t"
                + "system:bootstrappers:karst:default-node-token\tfor+node-2\n"
                + "oldone\t0123456789abcdef\t" + NOW.minus(Duration.ofHours(1)) + "\tauthentication\t\t\n"
                + "always\tfedcba9876543210\t\tsigning\t\t\n");
        Files.writeString(dataDir.resolve("server/cred/bootstrap-tokens.lock"), "");

        List<JoinToken> legacy = tokens.legacyBootstrapTokens();

        assertEquals(List.of("abcdef", "always"), legacy.stream().map(JoinToken::id).toList());
        JoinToken first = legacy.get(0);
        assertEquals("K10" + caHash(pki) + "::abcdef.0123456789abcdef", first.token());
        assertEquals(NOW.plus(Duration.ofHours(1)), first.expires());
        assertEquals(Set.of("authentication", "signing"), first.usages());
        assertEquals(List.of("system:bootstrappers:karst:default-node-token"), first.groups());
        assertEquals("for node-2", first.description());
        assertNull(legacy.get(1).expires());
        // bootstrap tokens are no server token
        assertEquals(Optional.empty(), tokens.verify(first.token()));

        tokens.forgetLegacyBootstrapTokens();

        assertFalse(Files.exists(file));
        assertFalse(Files.exists(dataDir.resolve("server/cred/bootstrap-tokens.lock")));
        assertEquals(List.of(), tokens.legacyBootstrapTokens());
    }

    @Test
    void aCorruptLegacyFileIsReportedWithItsLine() throws Exception {
        TokenService tokens = open().tokenService();
        Files.writeString(dataDir.resolve("server/cred/bootstrap-tokens"), "not a token line\n");

        IllegalStateException e = assertThrows(IllegalStateException.class, tokens::legacyBootstrapTokens);
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void rotateServerTokenNeedsTheCurrentTokenAndAUsableSecret() throws IOException {
        TokenService tokens = open().tokenService();
        String old = tokens.serverToken();

        assertThrows(IllegalArgumentException.class, () -> tokens.rotateServerToken("wrong", "fresh"));
        assertThrows(IllegalArgumentException.class, () -> tokens.rotateServerToken(old, "has:colon"));
        assertThrows(IllegalArgumentException.class, () -> tokens.rotateServerToken(old, "  "));
        assertEquals(old, tokens.serverToken());

        String rotated = tokens.rotateServerToken(secretOf(old), "fresh-secret");

        assertEquals(old.substring(0, old.indexOf("::")) + "::server:fresh-secret", rotated);
        assertEquals(rotated + "\n", Files.readString(dataDir.resolve("server/token")));
        assertEquals(rotated + "\n", Files.readString(dataDir.resolve("server/node-token")));
        assertEquals(Optional.of("server"), tokens.verify(rotated));
        assertEquals(Optional.empty(), tokens.verify(old));
        assertEquals(rotated, open().tokenService().serverToken());
    }

    @Test
    void aRotationByAnotherProcessIsSeenByTheRunningServer() {
        TokenService server = open().tokenService();
        TokenService cli = open().tokenService();

        String rotated = cli.rotateServerToken(server.serverToken(), "rotated-by-cli");

        assertEquals(rotated, server.serverToken());
        assertEquals(Optional.of("server"), server.verify("rotated-by-cli"));
    }
}
