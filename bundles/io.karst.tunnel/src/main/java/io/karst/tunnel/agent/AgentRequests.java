package io.karst.tunnel.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.KubeletHttp;
import io.karst.api.node.KubeletHttpResponse;
import io.karst.api.node.LogOptions;
import io.karst.api.node.LogsNotFoundException;
import io.karst.api.node.PodLogs;
import io.karst.api.node.PodStreams;
import io.karst.api.node.StreamNotAvailableException;
import io.karst.tunnel.mux.SocketBridge;
import io.karst.tunnel.mux.TunnelStream;

/**
 * What a server asks of this agent through the tunnel, each on a thread of its own: a container log written into
 * the stream; a runtime streaming URL (exec, attach, port forwarding) written as JSON; an answer of the kubelet's
 * HTTP API ({@code nodes/proxy}) written as JSON with the body in base64; and {@code dial}, which
 * connects the stream to a loopback address here (the runtime's streaming server). Nothing but loopback is dialed,
 * so the tunnel cannot be used to reach the agent's network.
 */
final class AgentRequests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService threads;
    private final Supplier<PodLogs> logs;
    private final Supplier<PodStreams> streams;
    private final Supplier<KubeletHttp> http;

    AgentRequests(ExecutorService threads, Supplier<PodLogs> logs, Supplier<PodStreams> streams,
            Supplier<KubeletHttp> http) {
        this.threads = threads;
        this.logs = logs;
        this.streams = streams;
        this.http = http;
    }

    /**
     * Serves one stream. The stream is closed in {@code finally}, after the catch clauses, not as a resource of the
     * try: a resource would be closed (an ordinary end, which the server reads as a complete, possibly empty, answer)
     * before a catch clause could end it with the error, and the error would never reach the server.
     */
    void accept(TunnelStream stream, ObjectNode request) {
        threads.execute(() -> {
            try {
                handle(stream, request);
            } catch (LogsNotFoundException e) {
                stream.fail("LogsNotFound", e.getMessage());
            } catch (StreamNotAvailableException e) {
                stream.fail("StreamNotAvailable", e.getMessage());
            } catch (ContainerRuntimeException e) {
                stream.fail("ContainerRuntime", e.getMessage());
            } catch (IllegalArgumentException e) {
                stream.fail("BadRequest", e.getMessage());
            } catch (IOException e) {
                // Either the stream is gone (the server closed it, the client left, the tunnel broke: then nothing is
                // sent) or reading here failed (a log file): then the server must not take what it got as all.
                stream.fail("InternalError", String.valueOf(e.getMessage()));
            } catch (RuntimeException e) {
                stream.fail("InternalError", String.valueOf(e.getMessage()));
            } finally {
                stream.close();
            }
        });
    }

    private void handle(TunnelStream stream, ObjectNode request) throws IOException {
        String op = request.path("op").asText();
        switch (op) {
            case "logs" -> kubelet(logs.get()).write(text(request, "namespace"), text(request, "pod"),
                    text(request, "uid"), text(request, "container"), logOptions(request), stream.output());
            case "exec" -> answer(stream, kubelet(streams.get()).exec(text(request, "namespace"), text(request, "pod"),
                    text(request, "uid"), text(request, "container"), strings(request.path("command")),
                    request.path("tty").asBoolean(), request.path("stdin").asBoolean(),
                    request.path("stdout").asBoolean(), request.path("stderr").asBoolean()));
            case "attach" -> answer(stream, kubelet(streams.get()).attach(text(request, "namespace"),
                    text(request, "pod"), text(request, "uid"), text(request, "container"),
                    request.path("tty").asBoolean(), request.path("stdin").asBoolean(),
                    request.path("stdout").asBoolean(), request.path("stderr").asBoolean()));
            case "portforward" -> {
                List<Integer> ports = new ArrayList<>();
                request.path("ports").forEach(p -> ports.add(p.asInt()));
                answer(stream, kubelet(streams.get()).portForward(text(request, "namespace"), text(request, "pod"),
                        text(request, "uid"), ports));
            }
            case "http" -> {
                String query = request.path("query").isTextual() ? request.get("query").asText() : null;
                KubeletHttpResponse response = kubelet(http.get()).serve(text(request, "method"),
                        text(request, "path"), query);
                stream.output().write(JSON.writeValueAsBytes(JSON.createObjectNode()
                        .put("status", response.status()).put("contentType", response.contentType())
                        .put("body", response.body())));
            }
            case "dial" -> dial(stream, text(request, "host"), request.path("port").asInt());
            default -> throw new IllegalArgumentException("unknown tunnel request \"" + op + "\"");
        }
    }

    private static <S> S kubelet(S service) {
        if (service == null) {
            throw new ContainerRuntimeException("the kubelet of this node is not running");
        }
        return service;
    }

    private static void answer(TunnelStream stream, URI uri) throws IOException {
        stream.output().write(JSON.writeValueAsBytes(JSON.createObjectNode().put("uri", uri.toString())));
    }

    private void dial(TunnelStream stream, String host, int port) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the tunnel dials loopback addresses only, not " + host);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 5000);
            SocketBridge.bridge(socket, stream, threads);
        }
    }

    private static LogOptions logOptions(ObjectNode request) {
        JsonNode tail = request.get("tailLines");
        JsonNode since = request.get("since");
        JsonNode limit = request.get("limitBytes");
        return new LogOptions(request.path("follow").asBoolean(), request.path("previous").asBoolean(),
                request.path("timestamps").asBoolean(), tail == null ? null : tail.asLong(),
                since == null ? null : Instant.parse(since.asText()), limit == null ? null : limit.asLong());
    }

    private static String text(ObjectNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("tunnel request without \"" + field + "\"");
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
