package io.karst.apiserver;

import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.security.CertificateAuthority;
import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.AuthorizationDecision;
import io.karst.api.security.Credentials;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.audit.RequestAudit;
import io.karst.apiserver.authorization.AuthorizationChain;
import io.karst.apiserver.authorization.ForbiddenStatus;
import io.karst.apiserver.authorization.Impersonation;
import io.karst.apiserver.authorization.RequestAttributes;
import io.karst.apiserver.join.JoinAnswer;
import io.karst.apiserver.join.NodeJoinEndpoint;
import io.karst.apiserver.serviceaccount.IssuerDiscovery;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;

/**
 * Routes one HTTP request: the node join (which carries its own token), then authentication: the resource API
 * under {@code /api} and {@code /apis}, OpenAPI, {@code /version}, health, and a 404 for any other path as upstream
 * answers an unknown path. Credentials that do not prove a user are refused 401; a request without any is
 * {@code system:anonymous}. Every request but the join, the tunnel, {@code /cacerts} and {@code /ping} is then
 * authorized before anything is read or written: anonymous ones get what RBAC grants them (by default
 * {@code /version} and health, through system:public-info-viewer), else 403, as upstream.
 */
@ChannelHandler.Sharable
final class ApiRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRequestHandler.class);

    private final AuthenticationChain authentication;
    private final AuthorizationChain authorization;
    private final Impersonation impersonation;
    private final HealthEndpoint health;
    private final VersionInfo version;
    private final CertificateAuthority authority;
    private final ResourceApi resources;
    private final OpenApiEndpoint openApi;
    /** Service-account issuer discovery; null when the server issues no service-account tokens. */
    private final IssuerDiscovery issuerDiscovery;
    /** {@code host:port} the discovery document's jwks_uri names; null: the request's Host. */
    private final String externalAddress;
    /** Agents joining with a token; null when this server takes no joins. */
    private final NodeJoinEndpoint join;
    /** Where joins run: they hash a password and write a Secret, which the event loop must not wait for. */
    private final Executor joinWorkers;
    private final TunnelEndpoint tunnel;

    ApiRequestHandler(AuthenticationChain authentication, AuthorizationChain authorization, HealthEndpoint health,
            VersionInfo version, CertificateAuthority authority, ResourceApi resources, OpenApiEndpoint openApi,
            IssuerDiscovery issuerDiscovery, String externalAddress) {
        this(authentication, authorization, health, version, authority, resources, openApi, issuerDiscovery,
                externalAddress, null, null, new TunnelEndpoint(() -> null));
    }

    ApiRequestHandler(AuthenticationChain authentication, AuthorizationChain authorization, HealthEndpoint health,
            VersionInfo version, CertificateAuthority authority, ResourceApi resources, OpenApiEndpoint openApi,
            IssuerDiscovery issuerDiscovery, String externalAddress, NodeJoinEndpoint join, Executor joinWorkers,
            TunnelEndpoint tunnel) {
        this.authorization = authorization;
        this.impersonation = new Impersonation(authorization);
        this.join = join;
        this.joinWorkers = joinWorkers;
        this.openApi = openApi;
        this.tunnel = tunnel;
        this.issuerDiscovery = issuerDiscovery;
        this.externalAddress = externalAddress;
        this.authentication = authentication;
        this.health = health;
        this.version = version;
        this.authority = authority;
        this.resources = resources;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isFailure()) {
            try {
                QueryStringDecoder uri = new QueryStringDecoder(request.uri());
                if (join != null && uri.path().equals(NodeJoinEndpoint.PATH)) {
                    // public like /cacerts: the join token in the request is the credential
                    serveJoin(ctx, request);
                    return;
                }
                if (ResourceApi.handles(uri.path())) {
                    AuthenticationChain.Outcome who = authentication.authenticate(credentials(ctx, request));
                    if (who.rejected()) {
                        send(ctx, request, StatusResponses.unauthorized());
                        return;
                    }
                    // an anonymous request gets what RBAC grants system:anonymous (by default nothing here: 403)
                    ActingUser acting = actingUser(ctx, who.user().orElse(AuthenticationChain.ANONYMOUS), request);
                    if (acting.refusal() != null) {
                        send(ctx, request, acting.refusal());
                        return;
                    }
                    FullHttpResponse forbidden = forbidden(ctx, acting.user(), request, uri);
                    if (forbidden != null) {
                        send(ctx, request, forbidden);
                        return;
                    }
                    resources.serve(ctx, request, uri.path(), uri.parameters(), acting.user());
                    return;
                }
                if (TunnelEndpoint.handles(uri.path())) {
                    AuthenticationChain.Outcome who = authentication.authenticate(credentials(ctx, request));
                    if (who.rejected() || who.anonymous()) {
                        send(ctx, request, StatusResponses.unauthorized());
                        return;
                    }
                    FullHttpResponse refusal = tunnel.serve(ctx, request, who.user().orElseThrow());
                    if (refusal != null) {
                        send(ctx, request, refusal);
                    }
                    return;
                }
                if (OpenApiEndpoint.handles(uri.path())) {
                    AuthenticationChain.Outcome who = authentication.authenticate(credentials(ctx, request));
                    if (who.rejected()) {
                        send(ctx, request, StatusResponses.unauthorized());
                        return;
                    }
                    ActingUser acting = actingUser(ctx, who.user().orElse(AuthenticationChain.ANONYMOUS), request);
                    if (acting.refusal() != null) {
                        send(ctx, request, acting.refusal());
                        return;
                    }
                    FullHttpResponse forbidden = forbidden(ctx, acting.user(), request, uri);
                    if (forbidden != null) {
                        send(ctx, request, forbidden);
                        return;
                    }
                    FullHttpResponse answer;
                    try {
                        answer = openApi.answer(uri.path(), uri.parameters(),
                                request.headers().get(HttpHeaderNames.ACCEPT),
                                request.headers().get(HttpHeaderNames.IF_NONE_MATCH));
                    } catch (io.karst.apiserver.status.ApiException e) {
                        answer = StatusResponses.status(HttpResponseStatus.valueOf(e.code()), e.reason(),
                                e.getMessage());
                    }
                    send(ctx, request, answer);
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", request.method(), request.uri(), e);
                send(ctx, request, StatusResponses.internalError("the server could not handle the request"));
                return;
            }
        }
        FullHttpResponse response;
        if (request.decoderResult().isFailure()) {
            response = StatusResponses.badRequest("malformed HTTP request: " + request.decoderResult().cause());
        } else {
            try {
                response = route(ctx, request);
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", request.method(), request.uri(), e);
                response = StatusResponses.internalError("the server could not handle the request");
            }
        }
        send(ctx, request, response);
    }

    private FullHttpResponse route(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        AuthenticationChain.Outcome who = authentication.authenticate(credentials(ctx, request));
        if (who.rejected()) {
            LOG.debug("unauthorized {} {}: {}", request.method(), path, who.failures());
            return StatusResponses.unauthorized();
        }
        if (!isSupervisorPath(path)) {
            ActingUser acting = actingUser(ctx, who.user().orElse(AuthenticationChain.ANONYMOUS), request);
            if (acting.refusal() != null) {
                return acting.refusal();
            }
            // health and /version are authorized like any path; system:public-info-viewer lets anyone read them
            FullHttpResponse forbidden = forbidden(ctx, acting.user(), request, uri);
            if (forbidden != null) {
                return forbidden;
            }
        }
        if (isPublic(path)) {
            if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                return StatusResponses.methodNotAllowed(request.method().name());
            }
            return publicEndpoint(path, uri.parameters());
        }
        if (issuerDiscovery != null && IssuerDiscovery.handles(path)) {
            return issuerDiscovery(request, path);
        }
        return StatusResponses.text(HttpResponseStatus.NOT_FOUND, "404 page not found\n");
    }

    private void serveJoin(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String method = request.method().name();
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        int length = request.content().readableBytes();
        // copied now: the request is released when channelRead0 returns
        byte[] body = new byte[Math.min(length, NodeJoinEndpoint.MAX_BODY_BYTES + 1)];
        request.content().readBytes(body);
        try {
            joinWorkers.execute(() -> {
                FullHttpResponse response;
                try {
                    JoinAnswer answer = join.answer(method, authorization, body);
                    response = answer.succeeded() ? StatusResponses.json(HttpResponseStatus.OK, answer.body())
                            : StatusResponses.status(HttpResponseStatus.valueOf(answer.code()), answer.reason(),
                                    answer.message());
                } catch (RuntimeException e) {
                    LOG.error("{} {} failed", method, NodeJoinEndpoint.PATH, e);
                    response = StatusResponses.internalError("the server could not handle the request");
                }
                send(ctx, keepAlive, response);
            });
        } catch (RejectedExecutionException e) {
            FullHttpResponse busy = StatusResponses.status(HttpResponseStatus.TOO_MANY_REQUESTS, "TooManyRequests",
                    "too many requests, please try again later");
            busy.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
            send(ctx, keepAlive, busy);
        }
    }

    /** Upstream serves these to authenticated users (system:service-account-issuer-discovery) with an hour's caching. */
    private FullHttpResponse issuerDiscovery(FullHttpRequest request, String path) {
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            return StatusResponses.methodNotAllowed(request.method().name());
        }
        FullHttpResponse response;
        if (path.equals(IssuerDiscovery.KEYS_PATH)) {
            response = StatusResponses.bytes(HttpResponseStatus.OK, IssuerDiscovery.KEY_SET_TYPE,
                    issuerDiscovery.keySet().toString().getBytes(StandardCharsets.UTF_8));
        } else {
            String address = externalAddress != null ? externalAddress
                    : request.headers().get(HttpHeaderNames.HOST, "localhost");
            response = StatusResponses.json(HttpResponseStatus.OK, issuerDiscovery.configuration(address));
        }
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=3600");
        return response;
    }

    /** Whom a request is served as, or the refusal of the impersonation it asked for. */
    private record ActingUser(UserInfo user, FullHttpResponse refusal) {
    }

    /**
     * Upstream's impersonation filter, between authentication and authorization: with no Impersonate-* header the
     * authenticated user acts; otherwise the identity the headers name, once each part of it is authorized.
     */
    private ActingUser actingUser(ChannelHandlerContext ctx, UserInfo authenticated, FullHttpRequest request) {
        Optional<RequestAudit> audit = RequestAudit.of(ctx.channel());
        audit.ifPresent(a -> a.authenticated(authenticated));
        List<Map.Entry<String, String>> headers = request.headers().entries();
        if (!Impersonation.requested(headers)) {
            return new ActingUser(authenticated, null);
        }
        Impersonation.Outcome outcome = impersonation.actAs(authenticated, headers);
        if (outcome.refused() != null) {
            audit.ifPresent(a -> a.authorized(outcome.refused(), AuthorizationDecision.noOpinion(outcome.reason())));
        }
        if (outcome.allowed()) {
            audit.ifPresent(a -> a.impersonating(outcome.user()));
            LOG.debug("{} is impersonating {}", authenticated.name(), outcome.user().name());
            return new ActingUser(outcome.user(), null);
        }
        if (outcome.malformed() != null) {
            // upstream answers malformed impersonation with a plain-text internal error naming the request URI
            return new ActingUser(null, StatusResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    htmlEscape("Internal Server Error: \"" + request.uri() + "\": " + outcome.malformed()) + "\n"));
        }
        LOG.debug("{} may not impersonate: {}", authenticated.name(), outcome.reason());
        return new ActingUser(null, StatusResponses.json(HttpResponseStatus.FORBIDDEN,
                ForbiddenStatus.body(outcome.refused(), outcome.reason())));
    }

    /** The escaping upstream's internal-error writer applies to what it echoes back. */
    private static String htmlEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * Authorizes the request (after authentication, before anything is read or written) as upstream's
     * authorization filter: the 403 Status when no authorizer allows it, null when it may go on.
     */
    private FullHttpResponse forbidden(ChannelHandlerContext ctx, UserInfo user, FullHttpRequest request,
            QueryStringDecoder uri) {
        AuthorizationAttributes attributes = RequestAttributes.of(user, request.method().name(), uri.path(),
                uri.parameters());
        AuthorizationDecision decision = authorization.authorize(attributes);
        RequestAudit.of(ctx.channel()).ifPresent(a -> a.authorized(attributes, decision));
        if (decision.allowed()) {
            return null;
        }
        LOG.debug("forbidden {} {} for {}: {}", request.method(), uri.path(), user.name(), decision.reason());
        return StatusResponses.json(HttpResponseStatus.FORBIDDEN, ForbiddenStatus.body(attributes, decision.reason()));
    }

    /** K3s's supervisor paths, outside Kubernetes authorization: the CA bundle agents fetch and the liveness ping. */
    private static boolean isSupervisorPath(String path) {
        return path.equals("/cacerts") || path.equals("/ping");
    }

    /** What system:public-info-viewer (and K3s for /cacerts and /ping) lets anyone read. */
    private static boolean isPublic(String path) {
        return path.equals("/version") || path.equals("/version/") || path.equals("/cacerts")
                || path.equals("/ping") || HealthEndpoint.handles(path);
    }

    private FullHttpResponse publicEndpoint(String path, Map<String, List<String>> query) {
        if (HealthEndpoint.handles(path)) {
            return health.answer(path, query);
        }
        return switch (path) {
            case "/version", "/version/" -> StatusResponses.json(HttpResponseStatus.OK, version.fields());
            case "/cacerts" -> StatusResponses.bytes(HttpResponseStatus.OK, "text/plain",
                    authority.serverCaBundle().getBytes(StandardCharsets.UTF_8));
            case "/ping" -> StatusResponses.text(HttpResponseStatus.OK, "pong");
            default -> StatusResponses.text(HttpResponseStatus.NOT_FOUND, "404 page not found\n");
        };
    }

    private static Credentials credentials(ChannelHandlerContext ctx, FullHttpRequest request) {
        List<X509Certificate> chain = new ArrayList<>();
        SslHandler ssl = HttpsServerInitializer.connection(ctx.channel()).pipeline().get(SslHandler.class);
        if (ssl != null) {
            try {
                for (Certificate c : ssl.engine().getSession().getPeerCertificates()) {
                    if (c instanceof X509Certificate x) {
                        chain.add(x);
                    }
                }
            } catch (SSLPeerUnverifiedException e) {
                // No client certificate: the request may still carry a token, or be anonymous.
            }
        }
        return new Credentials(chain, bearerToken(request.headers().get(HttpHeaderNames.AUTHORIZATION)));
    }

    private static Optional<String> bearerToken(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.trim();
        // Like kube-apiserver, only the Bearer scheme carries a credential; other schemes leave the request anonymous.
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = value.substring(7).trim();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }
        return Optional.empty();
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !request.decoderResult().isFailure();
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        send(ctx, keepAlive, response);
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            ctx.writeAndFlush(StatusResponses.badRequest(cause.getMessage())).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        LOG.debug("connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
