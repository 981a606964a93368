package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.karst.apiserver.status.ApiException;

class RequestTimeoutTest {
    private static final Duration FALLBACK = Duration.ofSeconds(60);

    @Test
    void goDurationsAreRead() {
        assertEquals(Duration.ofSeconds(30), RequestTimeout.of(List.of("30s"), FALLBACK));
        assertEquals(Duration.ofSeconds(90), RequestTimeout.of(List.of("1m30s"), FALLBACK));
        assertEquals(Duration.ofMillis(500), RequestTimeout.of(List.of("500ms"), FALLBACK));
        assertEquals(FALLBACK, RequestTimeout.of(null, FALLBACK));
        assertEquals(FALLBACK, RequestTimeout.of(List.of("0s"), FALLBACK));
    }

    @Test
    void garbageIsBadRequest() {
        assertEquals(400, assertThrows(ApiException.class, () -> RequestTimeout.of(List.of("soon"), FALLBACK)).code());
        assertThrows(ApiException.class, () -> RequestTimeout.of(List.of("30"), FALLBACK));
        assertThrows(ApiException.class, () -> RequestTimeout.of(List.of("30s junk"), FALLBACK));
    }
}
