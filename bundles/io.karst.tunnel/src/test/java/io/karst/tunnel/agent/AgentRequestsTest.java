package io.karst.tunnel.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.node.LogsNotFoundException;
import io.karst.api.node.PodLogs;
import io.karst.tunnel.mux.Multiplexer;
import io.karst.tunnel.mux.TunnelError;
import io.karst.tunnel.mux.TunnelStream;

/**
 * The agent's answers to a server's log requests, read as the server reads them: through a multiplexer joined to
 * the agent's as the tunnel joins them. What the server must never get is an ordinary end without the log when the
 * agent could not serve it: the API server answers that as a successful, empty log.
 */
class AgentRequestsTest {
    private final ExecutorService link = Executors.newFixedThreadPool(2);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        link.shutdownNow();
        threads.shutdownNow();
    }

    /** The server's end of a tunnel to an agent whose kubelet's logs are {@code logs} ({@code null}: not running). */
    private Multiplexer tunnelTo(PodLogs logs) {
        AgentRequests requests = new AgentRequests(threads, () -> logs, () -> null, () -> null);
        LinkedBlockingQueue<ByteBuffer> toAgent = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<ByteBuffer> toServer = new LinkedBlockingQueue<>();
        Multiplexer server = new Multiplexer("server", toAgent::add, null);
        Multiplexer agent = new Multiplexer("agent", toServer::add, requests::accept);
        link.execute(() -> deliver(toAgent, agent));
        link.execute(() -> deliver(toServer, server));
        return server;
    }

    private static void deliver(LinkedBlockingQueue<ByteBuffer> queue, Multiplexer to) {
        try {
            while (true) {
                to.receive(queue.take());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ObjectNode logsOfWeb() {
        return JsonNodeFactory.instance.objectNode().put("op", "logs").put("namespace", "e2e").put("pod", "web")
                .put("uid", "u-1").put("container", "web");
    }

    @Test
    void aLogIsCarriedAndEndsAsAnOrdinaryEnd() throws Exception {
        Multiplexer server = tunnelTo((namespace, pod, uid, container, options, out) -> out.write(
                "served-from-agent\n".getBytes(StandardCharsets.UTF_8)));
        try (TunnelStream stream = server.open(logsOfWeb())) {
            assertEquals("served-from-agent\n", new String(stream.input().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anAgentWhoseKubeletIsNotRunningYetAnswersWithAnErrorNotAnEmptyLog() throws Exception {
        // a restarted agent's tunnel opens before its containerd is ready, so before its kubelet runs
        Multiplexer server = tunnelTo(null);
        try (TunnelStream stream = server.open(logsOfWeb())) {
            TunnelError e = assertThrows(TunnelError.class, () -> stream.input().readAllBytes());
            assertEquals("ContainerRuntime", e.reason());
            assertTrue(e.getMessage().contains("kubelet of this node is not running"), e.getMessage());
        }
    }

    @Test
    void aLogTheKubeletDoesNotHaveEndsWithLogsNotFound() throws Exception {
        Multiplexer server = tunnelTo((namespace, pod, uid, container, options, out) -> {
            throw new LogsNotFoundException("container \"web\" in pod \"web\" is waiting to start");
        });
        try (TunnelStream stream = server.open(logsOfWeb())) {
            TunnelError e = assertThrows(TunnelError.class, () -> stream.input().readAllBytes());
            assertEquals("LogsNotFound", e.reason());
            assertEquals("container \"web\" in pod \"web\" is waiting to start", e.getMessage());
        }
    }

    @Test
    void aLogWhoseReadingFailsMidwayEndsWithAnErrorAfterWhatWasSent() throws Exception {
        Multiplexer server = tunnelTo((namespace, pod, uid, container, options, out) -> {
            out.write("first line\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new IOException("Input/output error");
        });
        try (TunnelStream stream = server.open(logsOfWeb())) {
            InputStream in = stream.input();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            TunnelError e = assertThrows(TunnelError.class, () -> {
                byte[] buffer = new byte[64];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    got.write(buffer, 0, n);
                }
            });
            assertArrayEquals("first line\n".getBytes(StandardCharsets.UTF_8), got.toByteArray());
            assertEquals("InternalError", e.reason());
            assertEquals("Input/output error", e.getMessage());
        }
    }

    @Test
    void anUnknownRequestIsABadRequest() throws Exception {
        Multiplexer server = tunnelTo(null);
        try (TunnelStream stream = server.open(JsonNodeFactory.instance.objectNode().put("op", "shell"))) {
            TunnelError e = assertThrows(TunnelError.class, () -> stream.input().readAllBytes());
            assertEquals("BadRequest", e.reason());
        }
    }
}
