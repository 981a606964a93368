package io.karst.apiserver.selection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code continue} token of a paginated list, in upstream's format so that clients (which treat it as opaque)
 * and anyone comparing with kube-apiserver see the same thing: unpadded URL-safe base64 of
 * {@code {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key after the prefix>"}}.
 *
 * <p>The start key is relative to the listed resource's key prefix; decoding refuses keys that would climb out of
 * it. Whether the revision is still available (else 410 Gone, see {@link #expired()}) is the store's call.
 *
 * @param resourceVersion the revision the list is pinned to; {@link #LATEST} after an expired token was renewed
 * @param startKey        the first key of the next page, relative to the resource's key prefix
 */
public record ContinueToken(long resourceVersion, String startKey) {
    /** A revision of -1 asks to continue at the newest revision, as upstream's renewed tokens do. */
    public static final long LATEST = -1;

    private static final String VERSION = "meta.k8s.io/v1";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String INVALID = "continue key is not valid";

    /**
     * The token for the page after {@code lastKey} (relative to the prefix): the next page starts right after it,
     * which upstream expresses by appending a NUL to the key.
     */
    public static ContinueToken after(String lastKey, long resourceVersion) {
        return new ContinueToken(resourceVersion, lastKey + '\0');
    }

    /** True when the list continues at the newest revision rather than a pinned one. */
    public boolean atLatest() {
        return resourceVersion < 0;
    }

    /** The full store key to resume from. */
    public String startKeyUnder(String keyPrefix) {
        return keyPrefix + startKey;
    }

    /** The token text, byte for byte what Go's {@code json.Marshal} and {@code base64.RawURLEncoding} produce. */
    public String encode() {
        String json = "{\"v\":\"" + VERSION + "\",\"rv\":" + resourceVersion + ",\"start\":" + goJsonString(startKey)
                + "}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Upstream's {@code DecodeContinue}, with its checks: base64 and JSON well-formed, version
     * {@code meta.k8s.io/v1}, a non-zero revision, a non-empty start key already in clean path form.
     *
     * @throws RequestOptionsException 400 BadRequest {@code invalid continue token: <reason>}
     */
    public static ContinueToken decode(String token) {
        byte[] data = decodeRawUrlBase64(token);
        JsonNode node;
        try {
            node = data.length == 0 ? null : JSON.readTree(data);
        } catch (JsonProcessingException e) {
            throw invalid(INVALID + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw invalid(INVALID + ": " + e.getMessage());
        }
        if (node == null) {
            throw invalid(INVALID + ": unexpected end of JSON input");
        }
        String version = "";
        long rv = 0;
        String start = "";
        if (!node.isNull()) {
            if (!node.isObject()) {
                throw invalid(INVALID + ": json: cannot unmarshal " + goJsonKind(node)
                        + " into Go value of type storage.continueToken");
            }
            // Go's encoding/json matches keys case-insensitively and keeps the last duplicate.
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            String typeError = null;
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                JsonNode v = e.getValue();
                String key = e.getKey();
                if (key.equalsIgnoreCase("v")) {
                    if (v.isTextual()) {
                        version = v.asText();
                    } else if (!v.isNull() && typeError == null) {
                        typeError = typeError(v, "v", "string");
                    }
                } else if (key.equalsIgnoreCase("rv")) {
                    if (v.isIntegralNumber() && v.canConvertToLong()) {
                        rv = v.asLong();
                    } else if (!v.isNull() && typeError == null) {
                        typeError = typeError(v, "rv", "int64");
                    }
                } else if (key.equalsIgnoreCase("start")) {
                    if (v.isTextual()) {
                        start = v.asText();
                    } else if (!v.isNull() && typeError == null) {
                        typeError = typeError(v, "start", "string");
                    }
                }
            }
            if (typeError != null) {
                throw invalid(INVALID + ": " + typeError);
            }
        }
        if (!VERSION.equals(version)) {
            throw invalid(INVALID + ": server does not recognize this encoded version " + version);
        }
        if (rv == 0) {
            throw invalid(INVALID + ": incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
        if (start.isEmpty()) {
            throw invalid(INVALID + ": encoded start key empty (version meta.k8s.io/v1)");
        }
        // A start key such as "../secrets/x" would otherwise let a client page through another resource.
        String rooted = start.startsWith("/") ? start : "/" + start;
        if (!cleanPath(rooted).equals(rooted)) {
            throw invalid(INVALID + ": " + start);
        }
        return new ContinueToken(rv, rooted.substring(1));
    }

    /**
     * The 410 Gone for this token when its revision has been compacted away: upstream's message, and a renewed
     * token ({@link #LATEST}) from the same key so the client may finish the list, inconsistently, if it wants.
     */
    public RequestOptionsException expired() {
        return RequestOptionsException.expired("The provided continue parameter is too old to display a consistent "
                + "list result. You can start a new list without the continue parameter, or use the continue token "
                + "in this response to retrieve the remainder of the results. Continuing with the provided token "
                + "results in an inconsistent list - objects that were created, modified, or deleted between the "
                + "time the first chunk was returned and now may show up in the list.",
                new ContinueToken(LATEST, startKey).encode());
    }

    private static RequestOptionsException invalid(String reason) {
        return RequestOptionsException.badRequest("invalid continue token: " + reason);
    }

    private static String typeError(JsonNode value, String field, String goType) {
        String kind = goJsonKind(value);
        if (value.isNumber() && goType.equals("int64")) { // Go shows the literal only for integer targets
            kind = "number " + value.asText();
        }
        return "json: cannot unmarshal " + kind + " into Go struct field continueToken." + field + " of type "
                + goType;
    }

    private static String goJsonKind(JsonNode n) {
        if (n.isTextual()) {
            return "string";
        }
        if (n.isNumber()) {
            return "number";
        }
        if (n.isBoolean()) {
            return "bool";
        }
        return n.isArray() ? "array" : "object";
    }

    /**
     * Go's {@code base64.RawURLEncoding.DecodeString}: URL alphabet, no padding, CR and LF skipped, a lone final
     * character refused, each error naming the offending input byte.
     */
    private static byte[] decodeRawUrlBase64(String s) {
        List<Integer> sextets = new ArrayList<>(s.length());
        List<Integer> positions = new ArrayList<>(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            int v;
            if (c >= 'A' && c <= 'Z') {
                v = c - 'A';
            } else if (c >= 'a' && c <= 'z') {
                v = c - 'a' + 26;
            } else if (c >= '0' && c <= '9') {
                v = c - '0' + 52;
            } else if (c == '-') {
                v = 62;
            } else if (c == '_') {
                v = 63;
            } else {
                throw invalid(INVALID + ": illegal base64 data at input byte " + i);
            }
            sextets.add(v);
            positions.add(i);
        }
        if (sextets.size() % 4 == 1) {
            throw invalid(INVALID + ": illegal base64 data at input byte " + positions.get(sextets.size() - 1));
        }
        byte[] out = new byte[sextets.size() * 3 / 4];
        int bits = 0;
        int count = 0;
        int o = 0;
        for (int v : sextets) {
            bits = bits << 6 | v;
            count += 6;
            if (count >= 8) {
                count -= 8;
                out[o++] = (byte) (bits >> count);
                bits &= (1 << count) - 1;
            }
        }
        return out;
    }

    /** Go's JSON string encoding: HTML-safe escapes for {@code < > &}, {@code \u2028}/{@code \u2029} escaped too. */
    private static String goJsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Go's {@code path.Clean} for a rooted path: collapse slashes, drop "." and resolve ".." lexically. */
    static String cleanPath(String rooted) {
        List<String> parts = new ArrayList<>();
        for (String element : rooted.split("/", -1)) {
            if (element.isEmpty() || element.equals(".")) {
                continue;
            }
            if (element.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
                continue;
            }
            parts.add(element);
        }
        return "/" + String.join("/", parts);
    }
}
