package io.karst.client.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceException;

/**
 * Sends the API requests to the {@link ServerPool}'s current server over one {@link HttpClient} (HTTP/2 where the
 * server offers it through ALPN, HTTP/1.1 otherwise). A server that cannot be reached (no connection, not an HTTP
 * error) is left for the next one; reads are sent again once to that one, writes are not (the first one may have
 * applied them), and the caller gets a 503.
 */
final class ApiTransport {
    static final String JSON_TYPE = "application/json";

    private final HttpClient http;
    private final ServerPool pool;
    private final ObjectMapper json;
    private final Duration requestTimeout;
    private final Runnable onFailover;
    /** The requests waiting for their answer's headers, cancelled by {@link #close}. */
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** @param onFailover told after the pool moved on to another server (to read the Endpoints again) */
    ApiTransport(HttpClient http, ServerPool pool, ObjectMapper json, Duration requestTimeout, Runnable onFailover) {
        this.http = http;
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
        HttpResponse<byte[]> response = send(idempotent, server -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(pathAndQuery))
                    .timeout(requestTimeout)
                    .header("Accept", JSON_TYPE);
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", contentType == null ? JSON_TYPE : contentType)
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
            }
            return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        });
        if (response.statusCode() / 100 != 2) {
            throw HttpErrors.of(response.statusCode(), response.body(), json);
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
     * A streaming GET (a watch): returns once the response's headers have arrived; the caller reads and closes
     * the body. A non-200 answer is read and thrown.
     */
    HttpResponse<InputStream> stream(String pathAndQuery) {
        HttpResponse<InputStream> response = send(true, server -> http.sendAsync(
                HttpRequest.newBuilder(server.resolve(pathAndQuery)).header("Accept", JSON_TYPE).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream()));
        if (response.statusCode() != 200) {
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readAllBytes();
            } catch (IOException e) {
                body = new byte[0];
            }
            throw HttpErrors.of(response.statusCode(), body, json);
        }
        return response;
    }

    @FunctionalInterface
    private interface Exchange<T> {
        CompletableFuture<HttpResponse<T>> start(URI server);
    }

    private <T> HttpResponse<T> send(boolean idempotent, Exchange<T> exchange) {
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

    /** Waits for the response's headers; any failure to get them is an IOException. */
    private <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> future, URI server) throws IOException {
        inFlight.add(future);
        if (closed) {
            future.cancel(true);
        }
        try {
            // the request's own timeout bounds ordinary calls; this bounds a watch's wait for its headers
            return future.get(requestTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
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
