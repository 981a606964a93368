package io.karst.apiserver;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.UserInfo;
import io.karst.apiserver.authorization.AccessReviews;
import io.karst.apiserver.authorization.RequestUser;
import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.codec.protobuf.ProtobufObjects;
import io.karst.apiserver.discovery.DiscoveryDocuments;
import io.karst.apiserver.endpoint.ApiResponse;
import io.karst.apiserver.endpoint.PodStreamSubresource;
import io.karst.apiserver.endpoint.RequestPath;
import io.karst.apiserver.endpoint.ResourceEndpoint;
import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.serviceaccount.TokenReviews;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.status.StatusObject;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The Kubernetes resource API behind {@code /api} and {@code /apis}: discovery answered on the event loop (it is
 * in memory), everything that touches the datastore on a bounded worker pool so a slow datastore or client never
 * stalls the event loop; a full pool answers 429 with Retry-After as kube-apiserver's max-in-flight limit does.
 */
final class ResourceApi {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceApi.class);

    private final ResourceRegistry registry;
    private final DiscoveryDocuments discovery;
    private final ResourceEndpoint endpoint;
    private final ObjectCodec codec;
    private final ExecutorService workers;
    private final ResponseWriter responses;

    /** kube-apiserver's --request-timeout: a request that takes longer is answered 504 (watches excepted). */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final ScheduledExecutorService timers;
    /** The reviews, once authorization has started (null before). */
    private final Supplier<AccessReviews> accessReviews;

    /** TokenReviews; empty when the server issues no service-account tokens. */
    private final Optional<TokenReviews> tokenReviews;

    /** Without TokenReviews (tests of other parts). */
    ResourceApi(ResourceRegistry registry, ResourceEndpoint endpoint, ObjectCodec codec, ExecutorService workers,
            ScheduledExecutorService timers, Supplier<AccessReviews> accessReviews) {
        this(registry, endpoint, codec, workers, timers, accessReviews, Optional.empty());
    }

    ResourceApi(ResourceRegistry registry, ResourceEndpoint endpoint, ObjectCodec codec, ExecutorService workers,
            ScheduledExecutorService timers, Supplier<AccessReviews> accessReviews,
            Optional<TokenReviews> tokenReviews) {
        this.accessReviews = accessReviews;
        this.tokenReviews = tokenReviews;
        this.timers = timers;
        this.registry = registry;
        this.discovery = new DiscoveryDocuments(registry);
        this.endpoint = endpoint;
        this.codec = codec;
        this.workers = workers;
        this.responses = new ResponseWriter(codec);
    }

    static boolean handles(String path) {
        return path.equals("/api") || path.startsWith("/api/") || path.equals("/apis") || path.startsWith("/apis/");
    }

    /** Answers the request; the response is written asynchronously. */
    void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path, Map<String, List<String>> query,
            UserInfo user) {
        String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        boolean keepAlive = io.netty.handler.codec.http.HttpUtil.isKeepAlive(request);
        boolean head = request.method().name().equals("HEAD");
        try {
            Optional<JsonNode> discoveryDoc = discoveryDocument(path, accept, request);
            if (discoveryDoc.isPresent()) {
                Representation r = Representation.negotiate(accept, isAggregatable(path));
                responses.send(ctx, keepAlive, head, 200, discoveryDoc.get(), r);
                return;
            }
            RequestPath parsed = RequestPath.parse(path).orElseThrow(ApiException::notFoundPath);
            ResourceType type = registry.find(parsed.group(), parsed.version(), parsed.resource())
                    .orElseThrow(ApiException::notFoundPath);
            ResponseConversion conversion = ResponseConversion.negotiate(accept, java.time.Clock.systemUTC());
            byte[] body = new byte[request.content().readableBytes()];
            request.content().readBytes(body);
            if (AccessReviews.handles(type.group(), type.plural()) && request.method().name().equals("POST")
                    && parsed.name() == null) {
                JsonNode answer = review(type, parsed, user, body, request.headers().get(HttpHeaderNames.CONTENT_TYPE));
                responses.send(ctx, keepAlive, head, 201, answer,
                        ProtobufFallback.forBody(conversion.representation(), answer, type));
                return;
            }
            if (TokenReviews.handles(type.group(), type.plural()) && tokenReviews.isPresent()
                    && request.method().name().equals("POST") && parsed.name() == null) {
                // a token check reads the datastore (the service account and what the token is bound to)
                byte[] review = body;
                String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
                workers.execute(() -> answerTokenReview(ctx, keepAlive, head, type, review, contentType, conversion));
                return;
            }
            ResourceRequest resourceRequest = new ResourceRequest(parsed, type, request.method().name(), query,
                    body, request.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    request.headers().get(HttpHeaderNames.USER_AGENT));
            if (isStreamingConnect(resourceRequest)) {
                StreamUpgrade upgrade = new StreamUpgrade(ctx, request, codec);
                workers.execute(() -> handleConnect(ctx, keepAlive, resourceRequest, upgrade));
                return;
            }
            if (WebSocketWatch.requested(request)) {
                WebSocketWatch upgrade = new WebSocketWatch(request, codec);
                workers.execute(() -> handleUpgrade(ctx, keepAlive, resourceRequest, upgrade));
                return;
            }
            Duration timeout = RequestTimeout.of(query.get("timeout"), DEFAULT_TIMEOUT);
            AtomicBoolean answered = new AtomicBoolean();
            ScheduledFuture<?> timer = timers.schedule(() -> {
                if (answered.compareAndSet(false, true)) {
                    responses.fail(ctx, keepAlive, ApiException.timeout("the server was unable to return a "
                            + "response in the time allotted, but may still be processing the request"));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            workers.execute(() -> {
                try {
                    handle(ctx, keepAlive, head, resourceRequest, conversion, answered, user);
                } finally {
                    timer.cancel(false);
                }
            });
        } catch (RejectedExecutionException e) {
            responses.fail(ctx, keepAlive, ApiException.tooManyRequests(1));
        } catch (ApiException e) {
            responses.fail(ctx, keepAlive, e);
        }
    }

    /**
     * Runs the verb as {@code user}; {@code answered} guards against answering twice when the timeout has answered
     * first.
     */
    private void handle(ChannelHandlerContext ctx, boolean keepAlive, boolean head, ResourceRequest request,
            ResponseConversion conversion, AtomicBoolean answered, UserInfo user) {
        try {
            // the write path's RBAC escalation checks need to know who asks
            ApiResponse response = RequestUser.actingAs(user, () -> endpoint.handle(request));
            if (response instanceof ApiResponse.Body b) {
                boolean read = request.method().equals("GET") || request.method().equals("HEAD");
                JsonNode body = read && b.code() == 200 ? conversion.body(request, b.object()) : b.object();
                Representation representation = ProtobufFallback.forBody(conversion.representation(), body,
                        request.type());
                if (answered.compareAndSet(false, true)) {
                    responses.send(ctx, keepAlive, head, b.code(), body, representation, b.warnings());
                }
            } else if (response instanceof ApiResponse.Stream s) {
                var events = conversion.watchEvents(request);
                Representation representation = ProtobufFallback.forWatch(conversion.representation(),
                        request.type(), conversion.watchedApiVersion(request), conversion.watchedKind(request));
                if (answered.compareAndSet(false, true)) {
                    responses.stream(ctx, s.session(), representation, events);
                }
            } else if (response instanceof ApiResponse.Proxied p) {
                if (answered.compareAndSet(false, true)) {
                    responses.sendRaw(ctx, keepAlive, head, p.code(), p.contentType(), p.body());
                }
            } else if (response instanceof ApiResponse.Log log) {
                if (answered.compareAndSet(false, true)) {
                    LogResponse.start(ctx, keepAlive, log, codec);
                }
            }
        } catch (ApiException e) {
            if (answered.compareAndSet(false, true)) {
                responses.fail(ctx, keepAlive, e, conversion.representation());
            }
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", request.method(), request.path(), e);
            if (answered.compareAndSet(false, true)) {
                responses.fail(ctx, keepAlive, ApiException.internal(e.toString()), conversion.representation());
            }
        }
    }

    /** A watch asked for over a WebSocket: the stream goes out as one message per event after the handshake. */
    private void handleUpgrade(ChannelHandlerContext ctx, boolean keepAlive, ResourceRequest request,
            WebSocketWatch upgrade) {
        try {
            ApiResponse response = endpoint.handle(request);
            if (response instanceof ApiResponse.Stream s) {
                upgrade.start(ctx, s.session());
            } else {
                throw ApiException.badRequest("only watches can be upgraded to a WebSocket");
            }
        } catch (ApiException e) {
            upgrade.release();
            responses.fail(ctx, keepAlive, e);
        } catch (RuntimeException e) {
            upgrade.release();
            LOG.error("{} {} failed", request.method(), request.path(), e);
            responses.fail(ctx, keepAlive, ApiException.internal(e.toString()));
        }
    }

    /** {@code pods/exec}, {@code attach}, {@code portforward}: upgraded connections, no request timeout. */
    private static boolean isStreamingConnect(ResourceRequest request) {
        return request.subresource() != null && request.type().group().isEmpty()
                && request.type().plural().equals("pods")
                && PodStreamSubresource.SUBRESOURCES.contains(request.subresource());
    }

    /**
     * A connect subresource: the client's upgrade is checked, the node asked for the runtime's streaming URL, and
     * the connection switched and relayed there (the pool's thread is free once the runtime is dialled).
     */
    private void handleConnect(ChannelHandlerContext ctx, boolean keepAlive, ResourceRequest request,
            StreamUpgrade upgrade) {
        try {
            upgrade.check(request.subresource());
            ApiResponse response = endpoint.handle(request);
            if (response instanceof ApiResponse.Connect connect) {
                upgrade.start(connect);
            } else {
                throw ApiException.internal("no streaming location for " + request.subresource());
            }
        } catch (ApiException e) {
            upgrade.release();
            responses.fail(ctx, false, e);
        } catch (RuntimeException e) {
            upgrade.release();
            LOG.error("{} {} failed", request.method(), request.path(), e);
            responses.fail(ctx, false, ApiException.internal(e.toString()));
        }
    }

    /** Reviews read only the authorizers' caches, so they are answered here on the event loop. */
    private JsonNode review(ResourceType type, RequestPath path, UserInfo user, byte[] body, String contentType) {
        AccessReviews reviews = accessReviews.get();
        if (reviews == null) {
            throw ApiException.serviceUnavailable("authorization is not started yet");
        }
        // kubectl sends reviews as protobuf; the codec reads that as JSON, YAML or protobuf by Content-Type
        return reviews.answer(type.plural(), path.namespace(), user, codec.decodeObject(body, contentType));
    }

    private void answerTokenReview(ChannelHandlerContext ctx, boolean keepAlive, boolean head, ResourceType type,
            byte[] body, String contentType, ResponseConversion conversion) {
        try {
            JsonNode answer = tokenReviews.orElseThrow().answer(codec.decodeObject(body, contentType));
            responses.send(ctx, keepAlive, head, 201, answer,
                    ProtobufFallback.forBody(conversion.representation(), answer, type));
        } catch (ApiException e) {
            responses.fail(ctx, keepAlive, e);
        } catch (RuntimeException e) {
            LOG.error("TokenReview failed", e);
            responses.fail(ctx, keepAlive, ApiException.internal(e.toString()));
        }
    }

    private static boolean isAggregatable(String path) {
        return path.equals("/api") || path.equals("/apis") || path.equals("/api/") || path.equals("/apis/");
    }

    private Optional<JsonNode> discoveryDocument(String path, String accept, FullHttpRequest request) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        String[] parts = p.substring(1).split("/");
        if (p.equals("/api") || p.equals("/apis")) {
            Representation r = Representation.negotiate(accept, true);
            if (r.kind() == Representation.Kind.DISCOVERY) {
                return Optional.of(discovery.aggregated(p.equals("/api"), r.groupVersion()));
            }
            if (p.equals("/api")) {
                String host = request.headers().get(HttpHeaderNames.HOST, "");
                return Optional.of(discovery.apiVersions(host));
            }
            return Optional.of(discovery.groupList());
        }
        if (parts[0].equals("api") && parts.length == 2) {
            return Optional.of(discovery.resourceList("", parts[1]).orElseThrow(ApiException::notFoundPath));
        }
        if (parts[0].equals("apis") && parts.length == 2) {
            return Optional.of(discovery.group(parts[1]).orElseThrow(ApiException::notFoundPath));
        }
        if (parts[0].equals("apis") && parts.length == 3) {
            return Optional.of(discovery.resourceList(parts[1], parts[2]).orElseThrow(ApiException::notFoundPath));
        }
        return Optional.empty();
    }

    static FullHttpResponse failure(ObjectCodec codec, ApiException e) {
        return failure(codec, e, Representation.JSON_OBJECT);
    }

    /** The Status of a failure, in protobuf when the request's Accept chose it (YAML clients read JSON Status). */
    static FullHttpResponse failure(ObjectCodec codec, ApiException e, Representation representation) {
        ObjectNode status = StatusObject.failure(e);
        FullHttpResponse response = representation.kind() == Representation.Kind.PROTOBUF
                ? StatusResponses.bytes(HttpResponseStatus.valueOf(e.code()), ProtobufObjects.MEDIA_TYPE,
                        ProtobufObjects.encode(status).orElseThrow().bytes())
                : StatusResponses.bytes(HttpResponseStatus.valueOf(e.code()), "application/json",
                        codec.encodeJson(status));
        if (e.details() != null && e.details().retryAfterSeconds() > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, e.details().retryAfterSeconds());
        }
        return response;
    }
}
