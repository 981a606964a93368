package io.karst.client.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.karst.api.client.ResourceException;

class HttpErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aStatusBodyIsTheExceptionWithItsReasonAndDetails() {
        ResourceException e = HttpErrors.of(422, bytes("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
                + "\"Failure\",\"message\":\"bad\",\"reason\":\"Invalid\",\"details\":{\"name\":\"x\",\"kind\":"
                + "\"configmaps\",\"causes\":[{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\","
                + "\"field\":\"data\"}]},\"code\":422}"), JSON);
        assertEquals(422, e.code());
        assertTrue(e.isInvalid());
        assertEquals("bad", e.getMessage());
        assertEquals("x", e.details().name());
        assertEquals("data", e.details().causes().get(0).field());
    }

    @Test
    void aStatusWithoutACodeTakesTheHttpCode() {
        ResourceException e = HttpErrors.of(409, bytes("{\"kind\":\"Status\",\"reason\":\"Conflict\"}"), JSON);
        assertEquals(409, e.code());
        assertTrue(e.isConflict());
    }

    @Test
    void anotherBodyGetsTheReasonOfItsCode() {
        ResourceException e = HttpErrors.of(404, bytes("404 page not found\n"), JSON);
        assertEquals(404, e.code());
        assertEquals("NotFound", e.reason());
        assertEquals("404 page not found", e.getMessage());
        assertEquals("InternalError", HttpErrors.of(502, new byte[0], JSON).reason());
        assertEquals("Forbidden", HttpErrors.of(403, bytes("{\"kind\":\"Pod\"}"), JSON).reason());
    }

    @Test
    void anUnreachableServerIsA503NamingIt() {
        ResourceException e = HttpErrors.unreachable(URI.create("https://192.0.2.10:6443"),
                new ConnectException("Connection refused"));
        assertEquals(503, e.code());
        assertEquals("ServiceUnavailable", e.reason());
        assertEquals("cannot reach the API server https://192.0.2.10:6443: Connection refused", e.getMessage());

        ConnectException bare = new ConnectException();
        bare.initCause(new ConnectException("Connection timed out"));
        assertEquals("cannot reach the API server https://192.0.2.10:6443: Connection timed out",
                HttpErrors.unreachable(URI.create("https://192.0.2.10:6443"), bare).getMessage());
        assertEquals("cannot reach the API server https://192.0.2.10:6443: no connection (ConnectException)",
                HttpErrors.unreachable(URI.create("https://192.0.2.10:6443"), new ConnectException()).getMessage());
    }
}
