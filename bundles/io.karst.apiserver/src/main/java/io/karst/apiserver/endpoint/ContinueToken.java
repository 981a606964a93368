package io.karst.apiserver.endpoint;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.status.ApiException;

/**
 * The opaque {@code continue} token of a paginated list, in kube-apiserver's shape: base64 of
 * {@code {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key after the collection prefix>"}}.
 */
public record ContinueToken(long revision, String start) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public String encode() {
        ObjectNode node = JSON.createObjectNode();
        node.put("v", "meta.k8s.io/v1");
        node.put("rv", revision);
        node.put("start", start);
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(node));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ContinueToken decode(String token) {
        try {
            byte[] raw = token.contains("+") || token.contains("/") ? Base64.getDecoder().decode(token)
                    : Base64.getUrlDecoder().decode(token);
            JsonNode node = JSON.readTree(new String(raw, StandardCharsets.UTF_8));
            if (!"meta.k8s.io/v1".equals(node.path("v").asText()) || !node.path("rv").canConvertToLong()
                    || node.path("rv").asLong() <= 0 || !node.path("start").isTextual()) {
                throw new IllegalArgumentException("unknown token version");
            }
            String start = node.get("start").asText();
            if (start.contains("..") || start.startsWith("/")) {
                throw new IllegalArgumentException("invalid start key");
            }
            return new ContinueToken(node.get("rv").asLong(), start);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw ApiException.badRequest("invalid continue token: the continue parameter is malformed; "
                    + "list again without it");
        }
    }
}
