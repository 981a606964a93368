package io.karst.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContinueTokenTest {
    private static String token(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String rejection(String token) {
        RequestOptionsException e = assertThrows(RequestOptionsException.class, () -> ContinueToken.decode(token));
        assertEquals(400, e.code());
        assertEquals("BadRequest", e.reason());
        return e.getMessage();
    }

    @Test
    void encodingIsByteForByteUpstreams() {
        // {"v":"meta.k8s.io/v1","rv":123,"start":"default/foo\u0000"} as Go's json.Marshal and RawURLEncoding write it
        assertEquals("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzLCJzdGFydCI6ImRlZmF1bHQvZm9vXHUwMDAwIn0",
                ContinueToken.after("default/foo", 123).encode());
    }

    @Test
    void goHtmlSafeEscapesAreReproduced() {
        assertEquals("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTEsInN0YXJ0IjoiYVx1MDAzY2JcdTAwMjZjIn0",
                new ContinueToken(ContinueToken.LATEST, "a<b&c").encode());
    }

    @Test
    void roundTripKeepsRevisionAndStartKey() {
        ContinueToken original = ContinueToken.after("kube-system/coredns-\"x\"\\y", 987654321L);
        ContinueToken decoded = ContinueToken.decode(original.encode());
        assertEquals(original, decoded);
        assertEquals("/registry/pods/kube-system/coredns-\"x\"\\y\0", decoded.startKeyUnder("/registry/pods/"));
    }

    @Test
    void aRootedStartKeyIsAccepted() {
        assertEquals("", ContinueToken.decode(token("{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"/\"}"))
                .startKey());
        assertEquals("key", ContinueToken.decode(token("{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"/key\"}"))
                .startKey());
    }

    @Test
    void goDecodingLeniencyIsKept() {
        ContinueToken t = ContinueToken.decode(token("{\"V\":\"meta.k8s.io/v1\",\"RV\":7,\"Start\":\"k\",\"x\":1}"));
        assertEquals(new ContinueToken(7, "k"), t);
        String wrapped = token("{\"v\":\"meta.k8s.io/v1\",\"rv\":7,\"start\":\"k\"}");
        assertEquals(t, ContinueToken.decode(wrapped.substring(0, 10) + "\n" + wrapped.substring(10)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
        "{\"v\":\"\",\"rv\":1,\"start\":\"key\"}|continue key is not valid: server does not recognize this encoded version ",
        "{\"v\":\"v1\",\"rv\":1,\"start\":\"key\"}|continue key is not valid: server does not recognize this encoded version v1",
        "{\"v\":\"meta.k8s.io/v1\",\"rv\":0,\"start\":\"key\"}|continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"\"}|continue key is not valid: encoded start key empty (version meta.k8s.io/v1)",
        "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"../key\"}|continue key is not valid: ../key",
        "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"./key\"}|continue key is not valid: ./key",
        "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"key/../..\"}|continue key is not valid: key/../..",
        "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"a//b\"}|continue key is not valid: a//b",
        "{\"v\":\"meta.k8s.io/v1\",\"rv\":\"1\",\"start\":\"k\"}|continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64",
        "{\"v\":\"meta.k8s.io/v1\",\"rv\":1.5,\"start\":\"k\"}|continue key is not valid: json: cannot unmarshal number 1.5 into Go struct field continueToken.rv of type int64",
        "{\"v\":1,\"rv\":1,\"start\":\"k\"}|continue key is not valid: json: cannot unmarshal number into Go struct field continueToken.v of type string",
        "[1]|continue key is not valid: json: cannot unmarshal array into Go value of type storage.continueToken",
        "null|continue key is not valid: server does not recognize this encoded version ",
    })
    void invalidTokensAreRejectedWithUpstreamsReasons(String json, String reason) {
        assertEquals("invalid continue token: " + reason, rejection(token(json)));
    }

    @Test
    void garbageIsRejectedAsBadBase64OrBadJson() {
        assertEquals("invalid continue token: continue key is not valid: illegal base64 data at input byte 4",
                rejection("abcd=efg"));
        assertEquals("invalid continue token: continue key is not valid: illegal base64 data at input byte 4",
                rejection("abcde"));
        assertEquals("invalid continue token: continue key is not valid: unexpected end of JSON input",
                rejection(""));
        assertTrue(rejection(token("{\"v\":")).startsWith("invalid continue token: continue key is not valid: "));
        assertTrue(rejection(token("{} trailing")).startsWith("invalid continue token: continue key is not valid: "));
    }

    @Test
    void anExpiredTokenIsGoneWithARenewedTokenAtTheLatestRevision() {
        RequestOptionsException e = ContinueToken.after("default/b", 40).expired();
        assertEquals(410, e.code());
        assertEquals("Expired", e.reason());
        assertTrue(e.getMessage().startsWith("The provided continue parameter is too old to display a consistent "
                + "list result."));
        ContinueToken renewed = ContinueToken.decode(e.continueToken().orElseThrow());
        assertEquals(ContinueToken.LATEST, renewed.resourceVersion());
        assertTrue(renewed.atLatest());
        assertEquals("default/b\0", renewed.startKey());
    }
}
