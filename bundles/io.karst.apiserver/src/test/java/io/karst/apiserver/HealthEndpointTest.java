package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.karst.api.health.HealthCheck;
import io.netty.handler.codec.http.FullHttpResponse;

class HealthEndpointTest {
    private final HealthRegistry registry = new HealthRegistry();
    private final HealthEndpoint endpoint = new HealthEndpoint(registry);

    HealthEndpointTest() {
        registry.add(new HealthRegistry.Entry("ping", Set.of("livez", "readyz"), HealthCheck.Result::ok));
    }

    @Test
    void healthyEndpointAnswersPlainOk() {
        FullHttpResponse r = endpoint.answer("/readyz", Map.of());
        assertEquals(200, r.status().code());
        assertEquals("ok", body(r));
    }

    @Test
    void failingCheckGives500ListingWithTheReasonWithheld() {
        registry.add(new HealthRegistry.Entry("etcd", Set.of("readyz"), () -> HealthCheck.Result.failed("db down")));
        FullHttpResponse r = endpoint.answer("/readyz", Map.of());
        assertEquals(500, r.status().code());
        assertEquals("[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n", body(r));
        assertFalse(body(r).contains("db down"), "the reason is for the log, not for anonymous callers");
    }

    @Test
    void readyzOnlyCheckDoesNotAffectLivez() {
        registry.add(new HealthRegistry.Entry("etcd", Set.of("readyz"), () -> HealthCheck.Result.failed("db down")));
        assertEquals(200, endpoint.answer("/livez", Map.of()).status().code());
        assertEquals(500, endpoint.answer("/healthz", Map.of()).status().code(), "healthz includes every check");
    }

    @Test
    void verboseListsEveryCheck() {
        FullHttpResponse r = endpoint.answer("/livez", Map.of("verbose", List.of("")));
        assertEquals("[+]ping ok\nlivez check passed\n", body(r));
    }

    @Test
    void excludedCheckIsReportedAndUnknownExclusionsWarned() {
        registry.add(new HealthRegistry.Entry("etcd", Set.of("readyz"), () -> HealthCheck.Result.failed("db down")));
        FullHttpResponse r = endpoint.answer("/readyz", Map.of("verbose", List.of(""), "exclude", List.of("etcd,nope")));
        assertEquals(200, r.status().code());
        assertTrue(body(r).contains("[+]etcd excluded: ok\n"), body(r));
        assertTrue(body(r).contains("warn: some health checks cannot be excluded: no matches for nope"), body(r));
    }

    @Test
    void singleCheckPathAnswersThatCheckOr404() {
        assertEquals("ok", body(endpoint.answer("/livez/ping", Map.of())));
        assertEquals(404, endpoint.answer("/livez/nope", Map.of()).status().code());
    }

    @Test
    void throwingCheckCountsAsFailed() {
        registry.add(new HealthRegistry.Entry("bad", Set.of("livez"), () -> {
            throw new IllegalStateException("boom");
        }));
        assertEquals(500, endpoint.answer("/livez", Map.of()).status().code());
    }

    private static String body(FullHttpResponse r) {
        return r.content().toString(StandardCharsets.UTF_8);
    }
}
