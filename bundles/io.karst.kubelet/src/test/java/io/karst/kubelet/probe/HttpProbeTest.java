package io.karst.kubelet.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import io.karst.api.security.PkiSettings;
import io.karst.api.security.ServingCredentials;
import io.karst.pki.ClusterPki;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

/**
 * The HTTP(S) GET probe against the JDK's HTTP server: upstream's status-code rules (2xx and 3xx pass, redirects
 * not followed), its request headers, HTTPS without certificate checks, and its failure messages, including the
 * probe's timeout against a server that accepts the connection and never answers.
 */
class HttpProbeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EventLoopGroup loop;

    @TempDir
    Path dir;

    private HttpServer server;
    private Prober prober;
    /** The request headers each path was asked with. */
    private final Map<String, Headers> asked = new ConcurrentHashMap<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startLoop() {
        loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoop() {
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @BeforeEach
    void start() throws IOException {
        server = serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        prober = new Prober(null, loop);
    }

    private <S extends HttpServer> S serve(S http) {
        http.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            asked.put(path, exchange.getRequestHeaders());
            if (exchange.getRequestURI().getRawQuery() != null) {
                queries.add(exchange.getRequestURI().getRawQuery());
            }
            int code = switch (path) {
                case "/moved" -> 302;
                case "/missing" -> 404;
                case "/broken" -> 500;
                default -> 200;
            };
            if (code == 302) {
                exchange.getResponseHeaders().set("Location", "/elsewhere");
            }
            byte[] body = path.equals("/big") ? new byte[4 << 20] : "ok".getBytes();
            exchange.sendResponseHeaders(code, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException clientLeft) {
                // the prober reads the status only and closes: the rest of a large body has no reader
            }
        });
        http.start();
        return http;
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Prober.Result get(int port, String path, String extra) throws IOException {
        return prober.run(JSON.readTree("{\"timeoutSeconds\":1,\"httpGet\":{\"path\":\"" + path + "\",\"port\":" + port
                + extra + "}}"), JSON.createObjectNode(), "c-1", "127.0.0.1");
    }

    private int port() {
        return server.getAddress().getPort();
    }

    @Test
    void a200PassesAndTheRequestCarriesUpstreamsHeadersAndTheProbes() throws IOException {
        Prober.Result result = get(port(), "/healthz?verbose=1",
                ",\"httpHeaders\":[{\"name\":\"X-Probe\",\"value\":\"liveness\"}]");

        assertEquals(new Prober.Result(true, ""), result);
        Headers headers = asked.get("/healthz");
        assertEquals("kube-probe/1.33", headers.getFirst("User-Agent"));
        assertEquals("*/*", headers.getFirst("Accept"));
        assertEquals("liveness", headers.getFirst("X-Probe"));
        assertEquals("127.0.0.1:" + port(), headers.getFirst("Host"));
        assertEquals("close", headers.getFirst("Connection"));
        assertEquals(List.of("verbose=1"), queries);
    }

    @Test
    void aProbesOwnUserAgentReplacesUpstreams() throws IOException {
        get(port(), "/", ",\"httpHeaders\":[{\"name\":\"User-Agent\",\"value\":\"mine\"}]");

        assertEquals("mine", asked.get("/").getFirst("User-Agent"));
    }

    @Test
    void aRedirectPassesAndIsNotFollowed() throws IOException {
        assertEquals(new Prober.Result(true, ""), get(port(), "/moved", ""));
        assertFalse(asked.containsKey("/elsewhere"));
    }

    @Test
    void statusCodesFromFourHundredOnFailWithUpstreamsMessage() throws IOException {
        assertEquals(new Prober.Result(false, "HTTP probe failed with statuscode: 404"), get(port(), "/missing", ""));
        assertEquals(new Prober.Result(false, "HTTP probe failed with statuscode: 500"), get(port(), "/broken", ""));
    }

    @Test
    void aLargeBodyIsNotWaitedFor() throws IOException {
        assertEquals(new Prober.Result(true, ""), get(port(), "/big", ""));
    }

    @Test
    void aRefusedConnectionFailsAsGosDial() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }

        Prober.Result result = get(closed, "/", "");

        assertEquals(new Prober.Result(false, "Get \"http://127.0.0.1:" + closed + "/\": dial tcp 127.0.0.1:" + closed
                + ": connect: connection refused"), result);
    }

    @Test
    void aServerThatAcceptsAndNeverAnswersFailsAtTheProbesTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    accepted.add(silent.accept());
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.start();
            long start = System.nanoTime();

            Prober.Result result = get(silent.getLocalPort(), "/", "");

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(new Prober.Result(false, "Get \"http://127.0.0.1:" + silent.getLocalPort()
                    + "/\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"), result);
            assertTrue(took.compareTo(Duration.ofMillis(900)) >= 0 && took.compareTo(Duration.ofSeconds(3)) < 0,
                    "the probe took " + took);
            assertEquals(1, accepted.size(), "the probe never connected");
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void httpsPassesWithACertificateOfAnUnknownAuthority() throws Exception {
        ClusterPki pki = ClusterPki.open(new PkiSettings(dir.resolve("data"), "server-1", List.of("127.0.0.1"),
                List.of(), "cluster.local", "10.43.0.0/16", 6443, Optional.empty(), Optional.empty(), "0600"));
        ServingCredentials serving = pki.certificateAuthority().apiServing();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("pod", serving.key(), new char[0], serving.chain().toArray(new Certificate[0]));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        serve(https);
        try {
            JsonNode probe = JSON.readTree("{\"timeoutSeconds\":2,\"httpGet\":{\"path\":\"/secure\",\"port\":"
                    + https.getAddress().getPort() + ",\"scheme\":\"HTTPS\"}}");

            assertEquals(new Prober.Result(true, ""), prober.run(probe, JSON.createObjectNode(), "c-1", "127.0.0.1"));
            assertEquals("kube-probe/1.33", asked.get("/secure").getFirst("User-Agent"));
        } finally {
            https.stop(0);
        }
    }
}
