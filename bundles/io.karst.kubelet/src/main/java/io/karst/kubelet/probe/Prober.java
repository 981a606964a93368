package io.karst.kubelet.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.ExecResult;
import io.netty.channel.EventLoopGroup;

/**
 * Runs one probe once, as upstream's prober: exec through the runtime (exit 0 passes), HTTP GET to the pod (2xx and
 * 3xx pass; HTTPS without certificate checks, as upstream: {@link HttpGetProber}), TCP connect, and gRPC health
 * checks to the pod IP ({@link GrpcProber}). HTTP and gRPC probes share the event loop they are given.
 */
final class Prober {
    /** What upstream's prober sends as User-Agent: {@code kube-probe/<major>.<minor>} of the Kubernetes version. */
    static final String USER_AGENT = "kube-probe/1.33";

    private final ContainerRuntime runtime;
    private final HttpGetProber http;
    private final GrpcProber grpc;

    /** The outcome and, for failures, upstream's style of message. */
    record Result(boolean success, String output) {
    }

    /** @param group the event loop the HTTP and gRPC probes' connections run on */
    Prober(ContainerRuntime runtime, EventLoopGroup group) {
        this.runtime = runtime;
        this.grpc = new GrpcProber(group, USER_AGENT);
        this.http = new HttpGetProber(group, USER_AGENT);
    }

    Result run(JsonNode probe, JsonNode container, String containerId, String podIp) {
        Duration timeout = Duration.ofSeconds(Math.max(1, probe.path("timeoutSeconds").asInt(1)));
        if (probe.has("exec")) {
            List<String> command = new ArrayList<>();
            probe.path("exec").path("command").forEach(c -> command.add(c.asText()));
            try {
                ExecResult result = runtime.execSync(containerId, command, timeout);
                String output = new String(result.stdout(), StandardCharsets.UTF_8)
                        + new String(result.stderr(), StandardCharsets.UTF_8);
                return new Result(result.exitCode() == 0, output.trim());
            } catch (ContainerRuntimeException e) {
                return new Result(false, e.getMessage());
            }
        }
        if (probe.has("httpGet")) {
            return httpGet(probe.path("httpGet"), container, podIp, timeout);
        }
        if (probe.has("tcpSocket")) {
            JsonNode tcp = probe.path("tcpSocket");
            String host = tcp.path("host").asText(podIp);
            int port = port(tcp.path("port"), container);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.isEmpty() ? podIp : host, port), (int) timeout.toMillis());
                return new Result(true, "");
            } catch (IOException e) {
                return new Result(false, "dial tcp " + host + ":" + port + ": " + e.getMessage());
            }
        }
        if (probe.has("grpc")) {
            JsonNode grpcProbe = probe.path("grpc");
            // upstream probes the pod IP only: a gRPC probe has no host field
            return grpc.probe(podIp, grpcProbe.path("port").asInt(), grpcProbe.path("service").asText(""), timeout);
        }
        return new Result(false, "missing probe handler: none of exec, httpGet, tcpSocket or grpc is set");
    }

    private Result httpGet(JsonNode get, JsonNode container, String podIp, Duration timeout) {
        String host = get.path("host").asText("");
        int port = port(get.path("port"), container);
        String scheme = get.path("scheme").asText("HTTP").toLowerCase();
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (JsonNode header : get.path("httpHeaders")) {
            headers.add(Map.entry(header.path("name").asText(), header.path("value").asText()));
        }
        return http.probe(scheme, host.isEmpty() ? podIp : host, port, get.path("path").asText("/"), headers,
                timeout);
    }

    /** A port number, or the name of one of the container's ports. */
    static int port(JsonNode port, JsonNode container) {
        if (port.isNumber() || port.asText().matches("\\d+")) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        return -1;
    }
}
