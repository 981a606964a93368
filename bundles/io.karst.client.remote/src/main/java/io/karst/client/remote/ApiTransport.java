package io.karst.client.remote;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Sends the API requests to the {@link ServerPool}'s current server, each on an HTTP/2 stream of that server's
 * connection ({@link ServerConnections}). A server that cannot be reached (no connection, no answer in time, a
 * stream reset or lost: not an HTTP error) is left for the next one; reads are sent again once to that one, writes
 * are not (the first one may have applied them), and the caller gets a 503.
 */
final class ApiTransport {
    static final String JSON_TYPE = "application/json";
    /** Who the requests come from, in audit logs and as the field manager of writes without one. */
    static final String USER_AGENT = "karst-remote-client";

    private final ServerConnections connections;
    private final ServerPool pool;
    private final ObjectMapper json;
    private final Duration requestTimeout;
    private final Runnable onFailover;
    /** The requests waiting for their answer (a watch: its headers), cancelled by {@link #close}. */
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param requestTimeout how long a request waits for its whole answer (a watch: for its headers)
     * @param onFailover told after the pool moved on to another server (to read the Endpoints again)
     */
    ApiTransport(ServerConnections connections, ServerPool pool, ObjectMapper json, Duration requestTimeout,
            Runnable onFailover) {
        this.connections = connections;
        this.pool = pool;
        this.json = json;
        this.requestTimeout = requestTimeout;
        this.onFailover = onFailover;
    }

    ServerPool pool() {
        return pool;
    }

    ObjectMapper json() {
        return json;
    }

    /**
     * One request, its JSON answer parsed.
     *
     * @param pathAndQuery e.g. {@code /api/v1/namespaces/default/pods?limit=10}
     * @param body {@code null} for none
     * @param idempotent whether it may be sent again to another server after a connection failure
     * @throws ResourceException the server's refusal (from its Status), or 503 when no server could be reached
     */
    ObjectNode call(String method, String pathAndQuery, JsonNode body, String contentType, boolean idempotent) {
        byte[] content = body == null ? null : bytes(body);
        String type = body == null ? null : contentType == null ? JSON_TYPE : contentType;
        ApiResponse response = send(idempotent, server -> exchange(server, method, pathAndQuery, content, type,
                answer -> new ResponseReader(server.resolve(pathAndQuery), answer), true));
        if (response.status() / 100 != 2) {
            throw HttpErrors.of(response.status(), response.body(), json);
        }
        try {
            JsonNode answer = json.readTree(response.body());
            if (answer instanceof ObjectNode object) {
                return object;
            }
            throw new IOException("not a JSON object");
        } catch (IOException e) {
            throw new ResourceException(500, "InternalError", "unreadable answer from " + response.uri() + ": "
                    + e.getMessage(), null, e);
        }
    }

    /**
     * A watch: a streaming GET whose body {@code watch} reads as it comes. Returns once the server answered 200;
     * a non-200 answer is read and thrown.
     */
    void watch(String pathAndQuery, RemoteWatch watch) {
        ApiResponse response = send(true, server -> exchange(server, "GET", pathAndQuery, null, null,
                answer -> watch.handlers(new WatchResponseReader(server.resolve(pathAndQuery), answer)), false));
        if (response.status() != 200) {
            throw HttpErrors.of(response.status(), response.body(), json);
        }
    }

    /**
     * Opens a stream to {@code server} and sends the request on it. The answer's future completes as the stream's
     * handlers decide; cancelling it (a timeout, {@link #close}) resets the stream.
     *
     * @param autoRead false when the handlers ask for frames themselves
     */
    private CompletableFuture<ApiResponse> exchange(URI server, String method, String pathAndQuery, byte[] body,
            String contentType, Function<CompletableFuture<ApiResponse>, ChannelHandler> handlers,
            boolean autoRead) {
        CompletableFuture<ApiResponse> answer = new CompletableFuture<>();
        connections.openStream(server, () -> handlers.apply(answer), autoRead).whenComplete((stream, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
                return;
            }
            answer.whenComplete((response, error) -> {
                if (error != null) {
                    stream.close();
                }
            });
            if (answer.isDone()) {
                // cancelled while the stream opened: closed just above, nothing to send
                return;
            }
            write(stream, server, method, pathAndQuery, body, contentType, answer);
            if (!autoRead) {
                stream.read();
            }
        });
        return answer;
    }

    private static void write(Http2StreamChannel stream, URI server, String method, String pathAndQuery, byte[] body,
            String contentType, CompletableFuture<ApiResponse> answer) {
        Http2Headers headers = new DefaultHttp2Headers().method(method).scheme("https")
                .authority(server.getRawAuthority()).path(pathAndQuery);
        headers.add("accept", JSON_TYPE);
        headers.add("user-agent", USER_AGENT);
        if (body != null) {
            headers.add("content-type", contentType);
            headers.addInt("content-length", body.length);
        }
        ChannelFuture written;
        if (body == null) {
            written = stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
        } else {
            // a body larger than the server's window waits in Netty's flow controller for its WINDOW_UPDATEs
            stream.write(new DefaultHttp2HeadersFrame(headers, false));
            written = stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
        }
        written.addListener(f -> {
            if (!f.isSuccess()) {
                answer.completeExceptionally(f.cause() instanceof IOException io ? io
                        : new IOException("sending the request to " + server + " failed: " + f.cause(), f.cause()));
            }
        });
    }

    @FunctionalInterface
    private interface Exchange {
        CompletableFuture<ApiResponse> start(URI server);
    }

    private ApiResponse send(boolean idempotent, Exchange exchange) {
        if (closed) {
            throw closedError();
        }
        URI server = pool.current();
        try {
            return await(exchange.start(server), server);
        } catch (IOException first) {
            URI next = pool.failover(server);
            if (!next.equals(server)) {
                onFailover.run();
            }
            if (!idempotent || next.equals(server)) {
                throw HttpErrors.unreachable(server, first);
            }
            try {
                return await(exchange.start(next), next);
            } catch (IOException second) {
                if (!pool.failover(next).equals(next)) {
                    onFailover.run();
                }
                second.addSuppressed(first);
                throw HttpErrors.unreachable(next, second);
            }
        }
    }

    /** Cancels the requests waiting for an answer (their callers get a 503); no request is sent after. */
    void close() {
        closed = true;
        List.copyOf(inFlight).forEach(f -> f.cancel(true));
    }

    private static ResourceException closedError() {
        return new ResourceException(503, "ServiceUnavailable", "the remote client is closed", null);
    }

    /** Waits for the answer (a watch: its headers); any failure to get it is an IOException. */
    private ApiResponse await(CompletableFuture<ApiResponse> future, URI server) throws IOException {
        inFlight.add(future);
        if (closed) {
            future.cancel(true);
        }
        try {
            return future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause);
        } catch (TimeoutException e) {
            // resets the stream: the server stops working on it
            future.cancel(true);
            throw new IOException("no answer from " + server + " within " + requestTimeout.toSeconds() + "s");
        } catch (CancellationException e) {
            throw closedError();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ResourceException(503, "ServiceUnavailable", "interrupted while calling " + server, null, e);
        } finally {
            inFlight.remove(future);
        }
    }

    private byte[] bytes(JsonNode body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
