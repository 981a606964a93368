package io.karst.controllers.deployment;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The {@code pod-template-hash} of a pod template: FNV-1a (32 bit) over the template and the Deployment's
 * collision count, spelled with upstream's alphabet of consonants and digits that cannot form words. Upstream
 * hashes Go's printed struct, which a JVM cannot reproduce; what matters to users is that the value is stable for
 * a template and differs between templates, and both hold: the template is hashed in canonical JSON (keys sorted).
 */
final class TemplateHash {
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private TemplateHash() {
    }

    static String of(JsonNode template, long collisionCount) {
        byte[] bytes;
        try {
            // trees keep insertion order: convert to a sorted map first
            Object value = CANONICAL.treeToValue(template, Object.class);
            bytes = CANONICAL.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        int hash = 0x811c9dc5;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        if (collisionCount > 0) {
            for (byte b : Long.toString(collisionCount).getBytes(StandardCharsets.UTF_8)) {
                hash ^= b & 0xff;
                hash *= 0x01000193;
            }
        }
        return safeEncode(Integer.toUnsignedString(hash));
    }

    /** Upstream's SafeEncodeString: each character of the decimal number mapped into the alphabet. */
    private static String safeEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(ALPHABET.charAt(c % ALPHABET.length()));
        }
        return out.toString();
    }
}
