package io.karst.apiserver.serviceaccount;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JWS in compact serialization signed with RS256 (RFC 7515/7518), the only form Kubernetes' service-account
 * tokens take here. Member names are written sorted, as go-jose writes the claims upstream's tokens carry.
 *
 * @param header the protected header ({@code alg}, {@code kid})
 * @param claims the payload
 * @param signingInput {@code base64url(header) "." base64url(payload)} exactly as presented
 * @param signature the decoded signature
 */
record JsonWebToken(ObjectNode header, ObjectNode claims, String signingInput, byte[] signature) {
    static final String RS256 = "RS256";
    private static final String SIGNATURE_ALGORITHM = "SHA256withRSA";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** Signs {@code claims} with RS256 under key id {@code kid}; the compact form. */
    static String sign(ObjectNode claims, String kid, PrivateKey key) {
        ObjectNode header = JSON.createObjectNode();
        header.put("alg", RS256);
        header.put("kid", kid);
        String input = ENCODER.encodeToString(sorted(header)) + "." + ENCODER.encodeToString(sorted(claims));
        try {
            Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
            signer.initSign(key);
            signer.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + ENCODER.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a service-account token: " + e.getMessage(), e);
        }
    }

    /**
     * Takes a compact JWS apart without checking anything but its shape.
     *
     * @return empty when {@code token} is not a JWS with JSON header and payload objects
     */
    static Optional<JsonWebToken> parse(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode header = JSON.readTree(DECODER.decode(parts[0]));
            JsonNode claims = JSON.readTree(DECODER.decode(parts[1]));
            byte[] signature = DECODER.decode(parts[2]);
            if (!(header instanceof ObjectNode h) || !(claims instanceof ObjectNode c)) {
                return Optional.empty();
            }
            return Optional.of(new JsonWebToken(h, c, parts[0] + "." + parts[1], signature));
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** Whether the header names RS256 and the signature verifies with {@code key}. */
    boolean verifiedBy(PublicKey key) {
        if (!RS256.equals(header.path("alg").asText())) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
            verifier.initVerify(key);
            verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] sorted(ObjectNode node) {
        try {
            // through a Map so ORDER_MAP_ENTRIES_BY_KEYS applies at every level
            return JSON.writeValueAsBytes(JSON.convertValue(node, java.util.Map.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
