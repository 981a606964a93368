package io.karst.apiserver.audit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.AuthorizationDecision;
import io.karst.api.security.UserInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Writes the audit Event of each request at upstream's Metadata level when its response head goes out: who asked
 * (and whom they impersonated), the verb and object, the response code, the authorization decision. A response
 * sent whole is stage {@code ResponseComplete}; a stream (watch, log, exec) is logged as {@code ResponseStarted}.
 * One handler per connection or HTTP/2 stream, sitting just before the API handler; HTTP/1.1 answers requests in
 * order, so they are matched first in, first out. Responses also carry upstream's {@code Audit-Id} header.
 */
public final class AuditHandler extends ChannelDuplexHandler {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Go's metav1.MicroTime in RFC 3339 with microseconds. */
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
            .withZone(ZoneOffset.UTC);

    private final AuditLog log;
    private final Clock clock;
    private final Function<Channel, SocketAddress> remote;
    private final Deque<RequestAudit> pending = new ArrayDeque<>();

    /** @param remote the client's address for a channel (an HTTP/2 stream's is its connection's) */
    public AuditHandler(AuditLog log, Clock clock, Function<Channel, SocketAddress> remote) {
        this.log = log;
        this.clock = clock;
        this.remote = remote;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest request) {
            RequestAudit audit = new RequestAudit(UUID.randomUUID().toString(), clock.instant(),
                    request.method().name(), request.uri(), request.headers().get(HttpHeaderNames.USER_AGENT),
                    sourceIp(remote.apply(ctx.channel())));
            pending.addLast(audit);
            audit.attach(ctx.channel());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && response.status().code() >= 200) {
            RequestAudit audit = pending.pollFirst();
            if (audit != null) {
                response.headers().set("Audit-Id", audit.auditId);
                ObjectNode event = event(audit, response.status().code(), msg instanceof FullHttpResponse);
                if (response instanceof FullHttpResponse full && response.status().code() >= 300) {
                    copyStatus(full, (ObjectNode) event.get("responseStatus"));
                }
                log.write(event);
            }
        }
        super.write(ctx, msg, promise);
    }

    ObjectNode event(RequestAudit audit, int code, boolean complete) {
        ObjectNode event = NODES.objectNode();
        event.put("kind", "Event");
        event.put("apiVersion", "audit.k8s.io/v1");
        event.put("level", "Metadata");
        event.put("auditID", audit.auditId);
        event.put("stage", complete ? "ResponseComplete" : "ResponseStarted");
        event.put("requestURI", audit.uri);
        AuthorizationAttributes attributes = audit.attributes;
        event.put("verb", attributes != null ? attributes.verb() : audit.method.toLowerCase(java.util.Locale.ROOT));
        event.set("user", user(audit.user));
        if (audit.impersonated != null) {
            event.set("impersonatedUser", user(audit.impersonated));
        }
        if (audit.sourceIp != null) {
            event.putArray("sourceIPs").add(audit.sourceIp);
        }
        if (audit.userAgent != null) {
            event.put("userAgent", audit.userAgent);
        }
        if (attributes != null && attributes.resourceRequest()) {
            ObjectNode ref = event.putObject("objectRef");
            putIfSet(ref, "resource", attributes.resource());
            putIfSet(ref, "namespace", attributes.namespace());
            putIfSet(ref, "name", attributes.name());
            putIfSet(ref, "apiGroup", attributes.apiGroup());
            putIfSet(ref, "apiVersion", attributes.apiVersion());
            putIfSet(ref, "subresource", attributes.subresource());
        }
        ObjectNode status = event.putObject("responseStatus");
        status.putObject("metadata");
        status.put("code", code);
        event.put("requestReceivedTimestamp", MICRO_TIME.format(audit.received));
        event.put("stageTimestamp", MICRO_TIME.format(clock.instant()));
        AuthorizationDecision decision = audit.decision;
        if (decision != null) {
            ObjectNode annotations = event.putObject("annotations");
            annotations.put("authorization.k8s.io/decision", decision.allowed() ? "allow" : "forbid");
            annotations.put("authorization.k8s.io/reason", decision.reason());
        }
        return event;
    }

    /**
     * A refusal answered with a JSON Status is recorded with its bounded fields (status, message, reason, details),
     * as upstream's audit copies them at level Metadata; other bodies are not read.
     */
    private static void copyStatus(FullHttpResponse response, ObjectNode into) {
        String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!type.startsWith("application/json") || response.content().readableBytes() == 0) {
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return;
        }
        if (!body.path("kind").asText().equals("Status")) {
            return;
        }
        JsonNode code = into.remove("code");
        for (String field : List.of("status", "message", "reason", "details")) {
            if (body.has(field)) {
                into.set(field, body.get(field));
            }
        }
        into.set("code", code);
    }

    private static ObjectNode user(UserInfo user) {
        ObjectNode node = NODES.objectNode();
        if (user == null) {
            return node;
        }
        node.put("username", user.name());
        putIfSet(node, "uid", user.uid());
        if (!user.groups().isEmpty()) {
            user.groups().forEach(node.putArray("groups")::add);
        }
        if (!user.extra().isEmpty()) {
            ObjectNode extra = node.putObject("extra");
            user.extra().forEach((k, values) -> values.forEach(extra.withArray(k)::add));
        }
        return node;
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }

    private static String sourceIp(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : null;
    }

    static Instant parse(String microTime) {
        return Instant.from(MICRO_TIME.parse(microTime));
    }
}
