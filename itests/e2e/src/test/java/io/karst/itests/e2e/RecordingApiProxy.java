package io.karst.itests.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A test double in front of the API server: a plain-HTTP listener that passes every request on to the server over
 * HTTPS and remembers its method, path and Content-Type. It lets a test see on the wire which encoding a client chose
 * for its request bodies, which the client itself does not report. The proxy authenticates each request with a bearer
 * token of its own, because client-go sends no credentials to an http:// server. It does not stream: clients that
 * watch must not be pointed at it.
 */
final class RecordingApiProxy implements AutoCloseable {
    /** One request as the client sent it. */
    record Request(String method, String path, String contentType) {
    }

    /** Headers that java.net.http sets itself and refuses from callers, and hop-by-hop ones. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "transfer-encoding", "keep-alive", "authorization");

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer listener;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final HttpClient upstream;
    private final String upstreamBase;
    private final String bearerToken;

    RecordingApiProxy(String upstreamBase, SSLContext trustingUpstream, String bearerToken) throws IOException {
        this.upstreamBase = upstreamBase;
        this.bearerToken = bearerToken;
        this.upstream = HttpClient.newBuilder().sslContext(trustingUpstream).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        listener.createContext("/", this::forward);
        listener.setExecutor(threads);
        listener.start();
    }

    /** The address to put in a kubeconfig instead of the API server's. */
    String url() {
        return "http://127.0.0.1:" + listener.getAddress().getPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    void forget() {
        requests.clear();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type")));
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstreamBase + pathAndQuery))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + bearerToken)
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
                if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    header.getValue().forEach(value -> request.header(header.getKey(), value));
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    @Override
    public void close() {
        listener.stop(0);
        threads.shutdownNow();
    }
}
