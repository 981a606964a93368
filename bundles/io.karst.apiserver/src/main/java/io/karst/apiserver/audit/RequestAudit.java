package io.karst.apiserver.audit;

import java.time.Instant;
import java.util.Optional;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.AuthorizationDecision;
import io.karst.api.security.UserInfo;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * What the audit event of one request records, filled in as the request passes authentication, impersonation and
 * authorization; found through the channel the request arrived on while its handler runs.
 */
public final class RequestAudit {
    private static final AttributeKey<RequestAudit> CURRENT = AttributeKey.valueOf("karst.audit");

    final String auditId;
    final Instant received;
    final String method;
    final String uri;
    final String userAgent;
    final String sourceIp;
    volatile UserInfo user;
    volatile UserInfo impersonated;
    volatile AuthorizationAttributes attributes;
    volatile AuthorizationDecision decision;

    RequestAudit(String auditId, Instant received, String method, String uri, String userAgent, String sourceIp) {
        this.auditId = auditId;
        this.received = received;
        this.method = method;
        this.uri = uri;
        this.userAgent = userAgent;
        this.sourceIp = sourceIp;
    }

    void attach(Channel channel) {
        channel.attr(CURRENT).set(this);
    }

    /** The audit of the request being handled on {@code channel}; empty when the server keeps no audit log. */
    public static Optional<RequestAudit> of(Channel channel) {
        return Optional.ofNullable(channel.attr(CURRENT).get());
    }

    public void authenticated(UserInfo who) {
        this.user = who;
    }

    public void impersonating(UserInfo who) {
        this.impersonated = who;
    }

    public void authorized(AuthorizationAttributes what, AuthorizationDecision how) {
        this.attributes = what;
        this.decision = how;
    }
}
