package io.karst.kubelet.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

/**
 * gRPC probes against a health server speaking the real wire format (plaintext HTTP/2, length-prefixed protobuf,
 * status in trailers), a plain HTTP/1.1 server, a server that never answers, and a closed port; the failure
 * messages are upstream's.
 */
class GrpcProbeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EventLoopGroup loop;
    private HealthServer server;
    private Prober prober;

    @BeforeAll
    static void startLoop() {
        loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void start() throws InterruptedException {
        server = new HealthServer();
        prober = new Prober(null, loop);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Prober.Result probe(int port, String service, int timeoutSeconds) throws IOException {
        String grpc = service == null ? "{\"port\":" + port + "}"
                : "{\"port\":" + port + ",\"service\":\"" + service + "\"}";
        JsonNode probe = JSON.readTree("{\"grpc\":" + grpc + ",\"timeoutSeconds\":" + timeoutSeconds + "}");
        return prober.run(probe, JSON.createObjectNode(), "c1", "127.0.0.1");
    }

    @Test
    void aServingServerPassesAndIsAskedWithTheProbesHeaders() throws IOException {
        server.set("", 1);

        Prober.Result result = probe(server.port(), null, 1);

        assertTrue(result.success(), result.output());
        assertEquals(1, server.calls.size());
        HealthServer.Call call = server.calls.get(0);
        assertEquals("/grpc.health.v1.Health/Check", call.path());
        assertEquals("", call.service());
        assertEquals("POST", call.headers().get(":method"));
        assertEquals("application/grpc", call.headers().get("content-type"));
        assertEquals("trailers", call.headers().get("te"));
        assertEquals("kube-probe/1.33", call.headers().get("user-agent"));
        assertEquals("127.0.0.1:" + server.port(), call.headers().get(":authority"));
        assertTrue(call.headers().containsKey("grpc-timeout"), call.headers().toString());
    }

    @Test
    void theProbesServiceIsSentAndOnlyItsStatusCounts() throws IOException {
        server.set("", 2);
        server.set("db", 1);

        assertTrue(probe(server.port(), "db", 1).success());
        assertEquals("db", server.calls.get(0).service());
    }

    @Test
    void notServingFailsWithUpstreamsMessage() throws IOException {
        server.set("db", 2);

        Prober.Result result = probe(server.port(), "db", 1);

        assertFalse(result.success());
        assertEquals("service unhealthy (responded with \"NOT_SERVING\")", result.output());
    }

    @Test
    void unknownAndServiceUnknownStatusesFail() throws IOException {
        server.set("a", 0);
        server.set("b", 3);

        assertEquals("service unhealthy (responded with \"UNKNOWN\")", probe(server.port(), "a", 1).output());
        assertEquals("service unhealthy (responded with \"SERVICE_UNKNOWN\")", probe(server.port(), "b", 1).output());
    }

    @Test
    void aServiceTheServerDoesNotKnowFailsWithTheRpcError() throws IOException {
        server.set("", 1);

        Prober.Result result = probe(server.port(), "missing", 1);

        assertFalse(result.success());
        assertEquals("error: health rpc probe failed: rpc error: code = NotFound desc = unknown service",
                result.output());
        assertEquals("missing", server.calls.get(0).service());
    }

    @Test
    void aServerWithoutTheHealthServiceFailsAsUnimplemented() throws IOException {
        server.healthImplemented = false;

        Prober.Result result = probe(server.port(), null, 1);

        assertFalse(result.success());
        assertEquals("error: this server does not implement the grpc health protocol (grpc.health.v1.Health): "
                + "unknown service grpc.health.v1.Health", result.output());
    }

    /** grpc-go maps a reset stream to a status: REFUSED_STREAM (7) is Unavailable. */
    @Test
    void aResetStreamFailsWithTheCodeItMapsTo() throws IOException {
        server.resetWith = 7L;

        Prober.Result result = probe(server.port(), null, 1);

        assertFalse(result.success());
        assertEquals("error: health rpc probe failed: rpc error: code = Unavailable desc = stream terminated by "
                + "RST_STREAM with error code: REFUSED_STREAM", result.output());
    }

    @Test
    void anAnswerLaterThanTheTimeoutFails() throws IOException {
        server.set("", 1);
        server.delayMillis = 3000;

        long start = System.nanoTime();
        Prober.Result result = probe(server.port(), null, 1);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertFalse(result.success());
        assertEquals("timeout: health rpc did not complete within 1s", result.output());
        assertTrue(took >= 900 && took < 2500, "took " + took + " ms");
    }

    @Test
    void aGzippedAnswerIsReadAsGrpcGoReadsIt() throws IOException {
        server.set("", 1);
        server.gzip = true;

        assertTrue(probe(server.port(), null, 1).success());
    }

    @Test
    void aCompressedAnswerWithoutItsEncodingFailsWithGrpcGosMessage() throws IOException {
        server.set("", 1);
        server.gzip = false;

        assertEquals("error: health rpc probe failed: rpc error: code = Internal desc = grpc: compressed flag set "
                + "with identity or empty encoding", probe(server.port(), null, 1).output());
    }

    @Test
    void aClosedPortFailsAsAConnectTimeout() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        Prober.Result result = probe(port, null, 1);

        assertFalse(result.success());
        assertEquals("timeout: failed to connect service \"127.0.0.1:" + port
                + "\" within 1s: context deadline exceeded", result.output());
    }

    @Test
    void aServerThatNeverSpeaksHttp2FailsAsAConnectTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Prober.Result result = probe(silent.getLocalPort(), null, 1);

            assertFalse(result.success());
            assertEquals("timeout: failed to connect service \"127.0.0.1:" + silent.getLocalPort()
                    + "\" within 1s: context deadline exceeded", result.output());
        }
    }

    @Test
    void aPlainHttp1ServerIsNotAGrpcServer() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try {
            Prober.Result result = probe(http.getAddress().getPort(), null, 1);

            assertFalse(result.success());
            assertEquals("timeout: failed to connect service \"127.0.0.1:" + http.getAddress().getPort()
                    + "\" within 1s: context deadline exceeded", result.output());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void anHttp2ServerThatIsNotGrpcFailsAsUnimplemented() throws IOException {
        server.notGrpc = true;

        Prober.Result result = probe(server.port(), null, 1);

        assertFalse(result.success());
        assertEquals("error: this server does not implement the grpc health protocol (grpc.health.v1.Health): "
                + "unexpected HTTP status code received from server: 404 (Not Found); "
                + "transport: received unexpected content-type \"text/plain\"", result.output());
    }

    @Test
    void aRefusedConnectionIsRetriedWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        HealthServer[] late = new HealthServer[1];
        Thread starter = new Thread(() -> {
            try {
                Thread.sleep(300);
                late[0] = new HealthServer(port);
                late[0].set("", 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        starter.start();
        try {
            long start = System.nanoTime();
            Prober.Result result = probe(port, null, 3);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertTrue(result.success(), result.output());
            // grpc-go's first backoff is 1s
            assertTrue(took >= 900, "took " + took + " ms");
        } finally {
            starter.join();
            if (late[0] != null) {
                late[0].close();
            }
        }
    }

    @Test
    void anInvalidPortFailsWithoutConnecting() throws IOException {
        Prober.Result result = probe(0, null, 1);

        assertFalse(result.success());
        assertEquals("error: failed to connect service at \"127.0.0.1:0\": no pod IP or an invalid port",
                result.output());
    }

    @Test
    void theMessagesAreTheProtobufEncodingOfTheHealthProtocol() {
        // their gRPC framing is io.karst.grpc.wire's (MessageFramingTest)
        assertArrayEquals(new byte[0], GrpcProber.request(""));
        assertArrayEquals(new byte[] {0x0A, 2, 'd', 'b'}, GrpcProber.request("db"));
        assertEquals(0, GrpcProber.servingStatus(new byte[0]));
        // an unknown length-delimited field 2 before the status is skipped
        assertEquals(2, GrpcProber.servingStatus(new byte[] {0x12, 1, 'x', 0x08, 2}));
        assertEquals("7", GrpcProber.statusName(7));
        assertEquals("1m30s", GrpcProber.goDuration(Duration.ofSeconds(90)));
    }
}
