package io.karst.apiserver.bootstraptoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceOperations;
import io.karst.api.security.AuthenticationException;
import io.karst.api.security.Credentials;
import io.karst.api.security.JoinToken;
import io.karst.api.security.TokenService;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.testing.InProcessApi;

class BootstrapTokenAuthenticatorTest {
    private static final String SECRET = "0123456789abcdef";

    @TempDir
    Path dir;

    private InProcessApi api;
    private ResourceOperations secrets;
    private BootstrapTokenAuthenticator authenticator;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        secrets = api.client().resource("", "v1", "secrets").inNamespace("kube-system");
        authenticator = api.bootstrapTokens();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static Credentials bearer(String token) {
        return new Credentials(List.of(), Optional.of(token));
    }

    private static Instant inAnHour() {
        return Instant.now().plus(Duration.ofHours(1));
    }

    @Test
    void aValidTokenIsTheBootstrapUserInItsGroups() throws Exception {
        ObjectNode secret = BootstrapTokenSecrets.secret("abcdef", SECRET, inAnHour(), true);
        BootstrapTokenSecrets.put((ObjectNode) secret.get("data"), "auth-extra-groups",
                "system:bootstrappers:karst:default-node-token, system:bootstrappers:worker");
        secrets.create(secret);

        UserInfo user = authenticator.authenticate(bearer("abcdef." + SECRET)).orElseThrow();

        assertEquals("system:bootstrap:abcdef", user.name());
        assertEquals(List.of("system:bootstrappers", "system:bootstrappers:karst:default-node-token",
                "system:bootstrappers:worker", "system:authenticated"), user.groups());
    }

    @Test
    void aTokenWithoutExpirationWorksForever() throws Exception {
        secrets.create(BootstrapTokenSecrets.secret("abcdef", SECRET, null, true));

        assertTrue(authenticator.authenticate("abcdef." + SECRET).isPresent());
    }

    @Test
    void otherCredentialsAreNotItsKind() throws Exception {
        assertEquals(Optional.empty(), authenticator.authenticate(bearer("eyJhbGciOi.eyJpc3Mi.c2ln")));
        assertEquals(Optional.empty(), authenticator.authenticate("ABCDEF." + SECRET));
        assertEquals(Optional.empty(), authenticator.authenticate("abcdef." + SECRET + "0"));
        assertEquals(Optional.empty(), authenticator.authenticate("abcdef:" + SECRET));
    }

    @Test
    void aWrongSecretAMissingSecretAndAnotherTypeAreRefused() {
        secrets.create(BootstrapTokenSecrets.secret("abcdef", SECRET, inAnHour(), true));
        ObjectNode opaque = BootstrapTokenSecrets.secret("opaque", SECRET, inAnHour(), true);
        opaque.put("type", "Opaque");
        secrets.create(opaque);
        ObjectNode otherId = BootstrapTokenSecrets.secret("mixed0", SECRET, inAnHour(), true);
        BootstrapTokenSecrets.put((ObjectNode) otherId.get("data"), "token-id", "abcdef");
        secrets.create(otherId);

        for (String token : List.of("abcdef.0123456789abcdee", "nosuch." + SECRET, "opaque." + SECRET,
                "mixed0." + SECRET)) {
            assertThrows(AuthenticationException.class, () -> authenticator.authenticate(token), token);
        }
    }

    @Test
    void expiredUnreadableExpirationSigningOnlyAndBadGroupsAreRefused() {
        secrets.create(BootstrapTokenSecrets.secret("expire", SECRET, Instant.now().minusSeconds(1), true));
        ObjectNode unreadable = BootstrapTokenSecrets.secret("unread", SECRET, null, true);
        BootstrapTokenSecrets.put((ObjectNode) unreadable.get("data"), "expiration", "tomorrow");
        secrets.create(unreadable);
        secrets.create(BootstrapTokenSecrets.secret("signin", SECRET, inAnHour(), false));
        ObjectNode masters = BootstrapTokenSecrets.secret("master", SECRET, inAnHour(), true);
        BootstrapTokenSecrets.put((ObjectNode) masters.get("data"), "auth-extra-groups", "system:masters");
        secrets.create(masters);

        for (String id : List.of("expire", "unread", "signin", "master")) {
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> authenticator.authenticate(id + "." + SECRET), id);
            assertTrue(e.getMessage().contains(id), e.getMessage());
        }
    }

    @Test
    void aDeletedTokenStopsWorkingAtOnce() throws Exception {
        secrets.create(BootstrapTokenSecrets.secret("abcdef", SECRET, inAnHour(), true));
        assertTrue(authenticator.authenticate("abcdef." + SECRET).isPresent());

        secrets.delete("bootstrap-token-abcdef");

        assertThrows(AuthenticationException.class, () -> authenticator.authenticate("abcdef." + SECRET));
    }

    @Test
    void tokensOfTheLegacyFileAreMovedToSecretsThatAuthenticateAndTheFileIsForgotten() throws Exception {
        JoinToken old = new JoinToken("abcdef", "K10" + "ab".repeat(32) + "::abcdef." + SECRET, inAnHour(),
                Set.of("authentication", "signing"), "from before", List.of("system:bootstrappers:old"));
        LegacyFile file = new LegacyFile(List.of(old));

        LegacyBootstrapTokens.move(file, api.client());
        // a second start finds the Secret there already: still moved, nothing refused
        LegacyBootstrapTokens.move(new LegacyFile(List.of(old)), api.client());

        assertEquals(1, file.forgotten);
        UserInfo user = authenticator.authenticate("abcdef." + SECRET).orElseThrow();
        assertEquals(List.of("system:bootstrappers", "system:bootstrappers:old", "system:authenticated"),
                user.groups());
        assertEquals("from before", new String(java.util.Base64.getDecoder().decode(secrets
                .get("bootstrap-token-abcdef").path("data").path("description").asText())));
    }

    /** The PKI's hand-over of the file, as a test double. */
    private static final class LegacyFile implements TokenService {
        private final List<JoinToken> tokens;
        int forgotten;

        LegacyFile(List<JoinToken> tokens) {
            this.tokens = tokens;
        }

        @Override
        public String serverToken() {
            return "K10" + "ab".repeat(32) + "::server:secret";
        }

        @Override
        public List<JoinToken> legacyBootstrapTokens() {
            return forgotten > 0 ? List.of() : tokens;
        }

        @Override
        public void forgetLegacyBootstrapTokens() {
            forgotten++;
        }

        @Override
        public String rotateServerToken(String currentToken, String newSecret) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> verify(String presented) {
            return Optional.empty();
        }
    }
}
