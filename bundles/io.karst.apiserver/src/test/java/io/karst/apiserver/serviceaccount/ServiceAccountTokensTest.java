package io.karst.apiserver.serviceaccount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.AuthenticationException;

class ServiceAccountTokensTest {
    private static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final KeyPair KEY = rsa();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceAccountTokens tokens = at(NOW, KEY);

    @Test
    void theTokenCarriesUpstreamsClaimsSortedAsGoJoseWritesThem() throws Exception {
        String token = podBoundToken(tokens, 3600);

        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);
        JsonNode header = decode(parts[0]);
        assertEquals("{\"alg\":\"RS256\",\"kid\":\"" + tokens.keyId() + "\"}", header.toString());
        JsonNode claims = decode(parts[1]);
        assertEquals(List.of("aud", "exp", "iat", "iss", "jti", "kubernetes.io", "nbf", "sub"),
                fieldNames(claims));
        assertEquals(ISSUER, claims.path("iss").asText());
        assertEquals("system:serviceaccount:default:runner", claims.path("sub").asText());
        assertEquals("[\"" + ISSUER + "\"]", claims.path("aud").toString());
        assertEquals(NOW.getEpochSecond(), claims.path("iat").asLong());
        assertEquals(NOW.getEpochSecond(), claims.path("nbf").asLong());
        assertEquals(NOW.getEpochSecond() + 3600, claims.path("exp").asLong());
        assertEquals(36, claims.path("jti").asText().length());
        assertEquals("{\"namespace\":\"default\",\"node\":{\"name\":\"node-1\",\"uid\":\"node-uid\"},"
                + "\"pod\":{\"name\":\"web\",\"uid\":\"pod-uid\"},"
                + "\"serviceaccount\":{\"name\":\"runner\",\"uid\":\"sa-uid\"}}",
                claims.path("kubernetes.io").toString());
    }

    @Test
    void theSignatureVerifiesWithThePublicKeyAndTheKeyIdIsTheDigestOfItsDerForm() throws Exception {
        String token = podBoundToken(tokens, 3600);
        int lastDot = token.lastIndexOf('.');

        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(KEY.getPublic());
        verifier.update(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
        assertTrue(verifier.verify(Base64.getUrlDecoder().decode(token.substring(lastDot + 1))));
        String expectedKid = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(KEY.getPublic().getEncoded()));
        assertEquals(expectedKid, tokens.keyId());
        assertFalse(expectedKid.contains("="));
    }

    @Test
    void aValidTokenVerifiesToItsClaims() throws Exception {
        ServiceAccountTokens.Claims claims = tokens.verify(podBoundToken(tokens, 3600)).orElseThrow();

        assertEquals("default", claims.namespace());
        assertEquals(new ServiceAccountTokens.Ref("runner", "sa-uid"), claims.serviceAccount());
        assertEquals(new ServiceAccountTokens.Ref("web", "pod-uid"), claims.pod());
        assertEquals(new ServiceAccountTokens.Ref("node-1", "node-uid"), claims.node());
        assertEquals(null, claims.secret());
    }

    @Test
    void aTamperedPayloadOrAnotherKeysSignatureIsRefused() {
        String token = podBoundToken(tokens, 3600);
        String[] parts = token.split("\\.");
        ObjectNode claims = (ObjectNode) decode(parts[1]);
        ((ObjectNode) claims.path("kubernetes.io").path("serviceaccount")).put("name", "admin");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        assertEquals("invalid signature", assertThrows(AuthenticationException.class, () -> tokens.verify(forged))
                .getMessage());
        String otherKeys = podBoundToken(at(NOW, rsa()), 3600);
        assertThrows(AuthenticationException.class, () -> tokens.verify(otherKeys));
    }

    @Test
    void anExpiredTokenIsRefusedOnlyAfterTheMinuteOfLeeway() throws Exception {
        String token = podBoundToken(tokens, 600);

        assertTrue(at(NOW.plusSeconds(600 + 60), KEY).verify(token).isPresent());
        assertEquals("service account token has expired", assertThrows(AuthenticationException.class,
                () -> at(NOW.plusSeconds(600 + 61), KEY).verify(token)).getMessage());
        assertEquals("service account token is not valid yet", assertThrows(AuthenticationException.class,
                () -> at(NOW.minusSeconds(61), KEY).verify(token)).getMessage());
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        ObjectNode claims = tokens.claims("default", new ServiceAccountTokens.Ref("runner", "sa-uid"), null, null,
                null, List.of("vault"), NOW, 3600, 0);
        String token = tokens.sign(claims);

        AuthenticationException refused = assertThrows(AuthenticationException.class, () -> tokens.verify(token));
        assertEquals("token audiences [vault] is invalid for the target audiences [" + ISSUER + "]",
                refused.getMessage());
    }

    @Test
    void tokensOfAnotherIssuerOrNoJwtAtAllAreLeftToOtherAuthenticators() throws Exception {
        ServiceAccountTokens other = new ServiceAccountTokens("https://elsewhere", List.of(ISSUER), KEY,
                Clock.fixed(NOW, ZoneOffset.UTC));
        String foreign = podBoundToken(other, 3600);

        assertEquals(Optional.empty(), tokens.verify(foreign));
        assertEquals(Optional.empty(), tokens.verify("abcdef.0123456789abcdef"));
        assertEquals(Optional.empty(), tokens.verify("a.b.c"));
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String[] parts = podBoundToken(tokens, 3600).split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.US_ASCII));

        assertThrows(AuthenticationException.class, () -> tokens.verify(none + "." + parts[1] + "."));
    }

    @Test
    void theKeySetPublishesTheVerificationKey() {
        ObjectNode keys = new IssuerDiscovery(tokens).keySet();

        JsonNode key = keys.path("keys").get(0);
        assertEquals(tokens.keyId(), key.path("kid").asText());
        assertEquals("RSA", key.path("kty").asText());
        assertEquals("AQAB", key.path("e").asText());
        assertEquals(256, Base64.getUrlDecoder().decode(key.path("n").asText()).length);
        ObjectNode configuration = new IssuerDiscovery(tokens).configuration("10.0.0.1:6443");
        assertEquals(ISSUER, configuration.path("issuer").asText());
        assertEquals("https://10.0.0.1:6443/openid/v1/jwks", configuration.path("jwks_uri").asText());
    }

    private static String podBoundToken(ServiceAccountTokens issuer, long seconds) {
        return issuer.sign(issuer.claims("default", new ServiceAccountTokens.Ref("runner", "sa-uid"),
                new ServiceAccountTokens.Ref("web", "pod-uid"), null, new ServiceAccountTokens.Ref("node-1", "node-uid"),
                List.of(ISSUER), NOW, seconds, 0));
    }

    private static ServiceAccountTokens at(Instant now, KeyPair key) {
        return new ServiceAccountTokens(ISSUER, List.of(ISSUER), key, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static JsonNode decode(String part) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(part));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
