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
    void bootstrapTokensAreCreatedListedVerifiedAndDeleted() throws Exception {
        ClusterPki pki = open();
        TokenService tokens = pki.tokenService();

        JoinToken created = tokens.create(Duration.ofHours(24), "for node-2", Set.of(),
                List.of("system:bootstrappers:karst:default-node-token"));

        assertTrue(created.id().matches("[a-z0-9]{6}"), created.id());
        assertTrue(created.token().matches("K10" + caHash(pki) + "::" + created.id() + "\\.[a-z0-9]{16}"),
                created.token());
        assertEquals(NOW.plus(Duration.ofHours(24)), created.expires());
        assertEquals(Set.of("signing", "authentication"), created.usages());

        List<JoinToken> listed = tokens.list();
        assertEquals(1, listed.size());
        assertEquals(created.id(), listed.get(0).id());
        assertEquals("", listed.get(0).token());
        assertEquals("for node-2", listed.get(0).description());
        assertEquals(List.of("system:bootstrappers:karst:default-node-token"), listed.get(0).groups());

        String shortForm = created.token().substring(created.token().indexOf("::") + 2);
        assertEquals(Optional.of(created.id()), tokens.verify(created.token()));
        assertEquals(Optional.of(created.id()), tokens.verify(shortForm));
        assertEquals(Optional.empty(), tokens.verify(created.id() + ".0000000000000000"));

        Path file = dataDir.resolve("server/cred/bootstrap-tokens");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        assertTrue(tokens.delete(created.id()));
        assertFalse(tokens.delete(created.id()));
        assertEquals(List.of(), tokens.list());
        assertEquals(Optional.empty(), tokens.verify(shortForm));
    }

    @Test
    void bootstrapTokensExpireAndAreDroppedOnTheNextWrite() throws IOException {
        TokenService tokens = open().tokenService();
        JoinToken shortLived = tokens.create(Duration.ofHours(1), "", Set.of(), List.of());
        JoinToken forever = tokens.create(Duration.ZERO, "", Set.of(), List.of());
        assertNull(forever.expires());

        clock.advance(Duration.ofHours(2));

        assertEquals(Optional.empty(), tokens.verify(shortLived.token()));
        assertEquals(List.of(forever.id()), tokens.list().stream().map(JoinToken::id).toList());
        Path file = dataDir.resolve("server/cred/bootstrap-tokens");
        assertTrue(Files.readString(file).contains(shortLived.id()));

        tokens.create(Duration.ofHours(1), "", Set.of(), List.of());

        assertFalse(Files.readString(file).contains(shortLived.id()));
        assertTrue(Files.readString(file).contains(forever.id()));
    }

    @Test
    void anotherProcessSeesTokensCreatedAndDeletedThroughTheFile() {
        TokenService server = open().tokenService();
        // The offline CLI opens its own PKI over the same directory.
        TokenService cli = open().tokenService();

        JoinToken created = cli.create(Duration.ofHours(1), "made by the CLI", Set.of("authentication"), List.of());
        assertEquals(Optional.of(created.id()), server.verify(created.token()));

        cli.delete(created.id());
        assertEquals(Optional.empty(), server.verify(created.token()));
    }

    @Test
    void aTokenWithoutTheAuthenticationUsageDoesNotVerify() {
        TokenService tokens = open().tokenService();
        JoinToken signingOnly = tokens.create(Duration.ofHours(1), "", Set.of("signing"), List.of());

        assertEquals(Optional.empty(), tokens.verify(signingOnly.token()));
    }

    @Test
    void createRejectsUnknownUsagesGroupsAndNegativeLifetimes() {
        TokenService tokens = open().tokenService();
        assertThrows(IllegalArgumentException.class,
                () -> tokens.create(Duration.ofHours(1), "", Set.of("everything"), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> tokens.create(Duration.ofHours(1), "", Set.of(), List.of("system:masters")));
        assertThrows(IllegalArgumentException.class,
                () -> tokens.create(Duration.ofHours(-1), "", Set.of(), List.of()));
        assertEquals(List.of(), tokens.list());
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
