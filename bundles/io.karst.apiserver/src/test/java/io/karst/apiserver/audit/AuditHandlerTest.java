package io.karst.apiserver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.AuthorizationDecision;
import io.karst.api.security.UserInfo;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

class AuditHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-23T16:00:00.123456Z");
    private static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters"), Map.of());
    private static final UserInfo BOB = new UserInfo("bob", "7", List.of("system:authenticated"),
            Map.of("scopes", List.of("view")));

    @TempDir
    Path dir;

    private List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            events.add(JSON.readTree(line));
        }
        return events;
    }

    private static DefaultFullHttpRequest get(String uri) {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        request.headers().set("User-Agent", "kubectl/v1.33.0");
        return request;
    }

    private static EmbeddedChannel channel(AuditLog log) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new AuditHandler(log, Clock.fixed(NOW, ZoneOffset.UTC),
                c -> new InetSocketAddress("10.1.2.3", 5555)));
        return channel;
    }

    @Test
    void eachRequestIsOneMetadataEventLineWithWhoWhatAndTheCode() throws Exception {
        Path file = dir.resolve("audit/audit.log");
        try (AuditLog log = AuditLog.open(file)) {
            EmbeddedChannel channel = channel(log);
            channel.writeInbound(get("/api/v1/namespaces/team/pods?limit=500"));
            RequestAudit audit = RequestAudit.of(channel).orElseThrow();
            audit.authenticated(ADMIN);
            audit.impersonating(BOB);
            AuthorizationAttributes list = AuthorizationAttributes.resource(BOB, "list", "", "v1", "pods", "", "team",
                    "");
            audit.authorized(list, AuthorizationDecision.noOpinion(""));
            DefaultFullHttpResponse refusal = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.FORBIDDEN, Unpooled.copiedBuffer("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                            + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"pods is forbidden\",\"reason\":"
                            + "\"Forbidden\",\"details\":{\"kind\":\"pods\"},\"code\":403}", StandardCharsets.UTF_8));
            refusal.headers().set("Content-Type", "application/json");
            channel.writeOutbound(refusal);
            HttpResponse sent = channel.readOutbound();
            JsonNode event = lines(file).get(0);
            assertEquals(event.path("auditID").asText(), sent.headers().get("Audit-Id"));
            assertEquals("audit.k8s.io/v1", event.path("apiVersion").asText());
            assertEquals("Event", event.path("kind").asText());
            assertEquals("Metadata", event.path("level").asText());
            assertEquals("ResponseComplete", event.path("stage").asText());
            assertEquals("/api/v1/namespaces/team/pods?limit=500", event.path("requestURI").asText());
            assertEquals("list", event.path("verb").asText());
            assertEquals("{\"username\":\"admin\",\"groups\":[\"system:masters\"]}", event.path("user").toString());
            assertEquals("{\"username\":\"bob\",\"uid\":\"7\",\"groups\":[\"system:authenticated\"],\"extra\":"
                    + "{\"scopes\":[\"view\"]}}", event.path("impersonatedUser").toString());
            assertEquals("[\"10.1.2.3\"]", event.path("sourceIPs").toString());
            assertEquals("kubectl/v1.33.0", event.path("userAgent").asText());
            assertEquals("{\"resource\":\"pods\",\"namespace\":\"team\",\"apiVersion\":\"v1\"}",
                    event.path("objectRef").toString());
            assertEquals("{\"metadata\":{},\"status\":\"Failure\",\"message\":\"pods is forbidden\",\"reason\":"
                    + "\"Forbidden\",\"details\":{\"kind\":\"pods\"},\"code\":403}",
                    event.path("responseStatus").toString());
            assertEquals("2026-11-23T16:00:00.123456Z", event.path("requestReceivedTimestamp").asText());
            assertEquals("forbid", event.path("annotations").path("authorization.k8s.io/decision").asText());
        }
    }

    @Test
    void aStreamIsLoggedWhenItStartsAndPipelinedRequestsAreMatchedInOrder() throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = AuditLog.open(file)) {
            EmbeddedChannel channel = channel(log);
            channel.writeInbound(get("/api/v1/pods?watch=true"));
            channel.writeInbound(get("/version"));
            channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
            channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
            List<JsonNode> events = lines(file);
            assertEquals(2, events.size(), "a 100 Continue is no answer");
            assertEquals("/api/v1/pods?watch=true", events.get(0).path("requestURI").asText());
            assertEquals("ResponseStarted", events.get(0).path("stage").asText());
            assertEquals("/version", events.get(1).path("requestURI").asText());
            assertEquals("ResponseComplete", events.get(1).path("stage").asText());
            assertEquals("get", events.get(1).path("verb").asText(), "unauthorized: the lower-case method");
            assertEquals("{}", events.get(1).path("user").toString());
            assertFalse(events.get(1).has("objectRef"));
            assertTrue(!events.get(0).path("auditID").asText().equals(events.get(1).path("auditID").asText()));
        }
    }

    @Test
    void theLogIsAppendedToAcrossRestarts() throws Exception {
        Path file = dir.resolve("audit.log");
        for (int i = 0; i < 2; i++) {
            try (AuditLog log = AuditLog.open(file)) {
                EmbeddedChannel channel = channel(log);
                channel.writeInbound(get("/healthz"));
                channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
            }
        }
        assertEquals(2, lines(file).size());
    }
}
