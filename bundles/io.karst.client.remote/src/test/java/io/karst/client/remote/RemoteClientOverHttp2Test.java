package io.karst.client.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.client.ListOptions;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceOperations;
import io.karst.api.security.PkiSettings;
import io.karst.api.security.ServingCredentials;
import io.karst.client.remote.RemoteResourceClientTest.Recorder;
import io.karst.pki.ClusterPki;
import io.karst.pki.PemFiles;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;

/**
 * The client's HTTP/2 over TLS against {@link Http2TlsTestServer}, a Netty HTTP/2 server with Netty's default flow
 * control and a client certificate required: answers, errors, watches larger than a flow-control window, failover,
 * lost connections, timeouts and close.
 */
class RemoteClientOverHttp2Test {
    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
    static final String DISCOVERY = "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"v1\","
            + "\"resources\":[{\"name\":\"configmaps\",\"singularName\":\"configmap\",\"namespaced\":true,\"kind\":"
            + "\"ConfigMap\",\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}]}";
    /** Netty's (and the HTTP/2 specification's) initial window, of a stream and of the connection. */
    static final int INITIAL_WINDOW = 65_535;

    @TempDir
    static Path dir;
    static ServingCredentials serving;
    static ClientTls tls;

    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        ClusterPki pki = ClusterPki.open(new PkiSettings(dir.resolve("data"), "node-1", List.of("127.0.0.1"),
                List.of(), "cluster.local", "10.43.0.0/16", 6443, Optional.empty(), Optional.empty(), "0600"));
        var authority = pki.certificateAuthority();
        serving = authority.apiServing();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        Path ca = Files.writeString(dir.resolve("ca.crt"), authority.serverCaBundle());
        Path cert = Files.writeString(dir.resolve("client.crt"), authority.issueClientCertificate("system:admin",
                List.of("system:masters"), key.getPublic(), Duration.ofHours(1)));
        Path privateKey = Files.writeString(dir.resolve("client.key"), PemFiles.encodePkcs8(key.getPrivate()));
        tls = ClientTls.load(ca, cert, privateKey);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private Http2TlsTestServer server(String... protocols) throws Exception {
        Http2TlsTestServer server = new Http2TlsTestServer(serving, protocols.length == 0 ? new String[] {"h2"}
                : protocols);
        opened.add(server);
        return server.route("/api/v1", Http2TlsTestServer.json(200, DISCOVERY));
    }

    private RemoteResourceClient client(Duration requestTimeout, URI... servers) {
        RemoteResourceClient client = new RemoteResourceClient(List.of(servers), tls.context(), tls.user(),
                RemoteResourceClientTest.FAST, requestTimeout);
        opened.add(client);
        return client;
    }

    private RemoteResourceClient client(URI... servers) {
        return client(RemoteResourceClient.REQUEST_TIMEOUT, servers);
    }

    private static ResourceOperations configMaps(RemoteResourceClient client) {
        return client.resource(RemoteResourceClientTest.CONFIGMAPS).inNamespace("default");
    }

    @Test
    void aStatusBodyBecomesTheResourceExceptionItDescribesAndRequestsCarryTheClientCertificate() throws Exception {
        Http2TlsTestServer server = server()
                .route(CONFIGMAPS + "/missing", Http2TlsTestServer.json(404, "{\"kind\":\"Status\",\"apiVersion\":"
                        + "\"v1\",\"status\":\"Failure\",\"message\":\"configmaps \\\"missing\\\" not found\","
                        + "\"reason\":\"NotFound\",\"details\":{\"name\":\"missing\",\"kind\":\"configmaps\"},"
                        + "\"code\":404}"))
                .route(CONFIGMAPS, Http2TlsTestServer.json(409, "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                        + "\"status\":\"Failure\",\"message\":\"configmaps \\\"a\\\" already exists\",\"reason\":"
                        + "\"AlreadyExists\",\"details\":{\"name\":\"a\",\"kind\":\"configmaps\"},\"code\":409}"))
                .route(CONFIGMAPS + "/broken", (request, body, stream) -> {
                    stream.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("500")));
                    stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("etcd is on fire\n",
                            StandardCharsets.UTF_8), true));
                });
        ResourceOperations configMaps = configMaps(client(URI.create(server.url())));

        ResourceException notFound = assertThrows(ResourceException.class, () -> configMaps.get("missing"));
        assertEquals(404, notFound.code());
        assertTrue(notFound.isNotFound());
        assertEquals("missing", notFound.details().name());
        assertTrue(notFound.getMessage().contains("configmaps \"missing\" not found"), notFound.getMessage());

        ResourceException exists = assertThrows(ResourceException.class,
                () -> configMaps.create(RemoteResourceClientTest.configMap("a", "{\"k\":\"v\"}")));
        assertEquals(409, exists.code());
        assertTrue(exists.isAlreadyExists(), exists.reason());
        Http2TlsTestServer.Request post = server.requests.stream().filter(r -> r.method().equals("POST"))
                .findFirst().orElseThrow();
        assertEquals(CONFIGMAPS, post.path());
        assertEquals("application/json", post.headers().get("content-type").toString());
        assertEquals("https", post.headers().scheme().toString());
        assertEquals("127.0.0.1:" + server.port(), post.headers().authority().toString());
        assertEquals("a", RemoteResourceClientTest.json(post.body()).path("metadata").path("name").asText());
        assertTrue(post.clientSubject().contains("CN=system:admin"), post.clientSubject());

        ResourceException broken = assertThrows(ResourceException.class, () -> configMaps.get("broken"));
        assertEquals(500, broken.code());
        assertEquals("InternalError", broken.reason());
        assertEquals("etcd is on fire", broken.getMessage());
        // all of it on one connection
        assertEquals(1, server.connections.get());
    }

    @Test
    void aWatchGetsEveryEventOfAStreamManyFlowControlWindowsLong() throws Exception {
        int events = 6;
        int frameBytes = 10_000;
        List<byte[]> sent = new ArrayList<>();
        Http2TlsTestServer server = server().route(CONFIGMAPS, (request, body, stream) -> {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < events; i++) {
                // each event ~100 KB, more than a whole window by itself
                all.append("{\"type\":\"ADDED\",\"object\":").append(RemoteResourceClientTest.configMap("cm-" + i,
                        "{\"k\":\"" + "x".repeat(100_000) + "\"}")).append("}\n");
            }
            byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
            sent.add(bytes);
            stream.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .add("content-type", "application/json")));
            // frames cut across the lines; Netty's flow controller holds them until the client's WINDOW_UPDATEs
            for (int at = 0; at < bytes.length; at += frameBytes) {
                int length = Math.min(frameBytes, bytes.length - at);
                stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes, at, length),
                        at + length == bytes.length));
            }
            stream.flush();
        });
        RemoteResourceClient client = client(URI.create(server.url()));
        Recorder recorder = new Recorder();
        configMaps(client).watch(ListOptions.NONE, recorder);

        assertTrue(recorder.closed.await(10, TimeUnit.SECONDS), () -> "events so far: " + recorder.events.size());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            expected.add("ADDED cm-" + i);
        }
        assertEquals(expected, recorder.events);
        assertEquals(null, recorder.cause.get());
        assertTrue(sent.get(0).length > 8 * INITIAL_WINDOW, "the stream is many windows long");
        RemoteResourceClientTest.await("the watch ended", () -> client.openWatches() == 0, () -> "");
    }

    @Test
    void aReadFailsOverToTheSecondServerWhenTheFirstRefusesConnections() throws Exception {
        Http2TlsTestServer live = server().route(CONFIGMAPS, Http2TlsTestServer.json(200,
                "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},"
                        + "\"items\":[{\"metadata\":{\"name\":\"here\"}}]}"));
        URI dead = URI.create("https://127.0.0.1:" + closedPort());
        RemoteResourceClient client = client(dead, URI.create(live.url()));
        assertEquals(dead, client.servers().current());

        assertEquals(List.of("here"), RemoteResourceClientTest.names(configMaps(client).list().items()));
        assertEquals(URI.create(live.url()), client.servers().current());
    }

    @Test
    void closeCancelsAnInFlightRequestAndReleasesTheEventLoop() throws Exception {
        Http2TlsTestServer server = server().route(CONFIGMAPS + "/slow", Http2TlsTestServer.silence());
        RemoteResourceClient client = client(URI.create(server.url()));
        ResourceOperations configMaps = configMaps(client);
        CompletableFuture<ResourceException> call = CompletableFuture.supplyAsync(() -> assertThrows(
                ResourceException.class, () -> configMaps.get("slow")));
        RemoteResourceClientTest.await("the request at the server", () -> server.requests.stream()
                .anyMatch(r -> r.path().endsWith("/slow")), server.requests::toString);

        long start = System.nanoTime();
        client.close();
        ResourceException closed = call.get(5, TimeUnit.SECONDS);
        assertEquals(503, closed.code());
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "not waiting for the timeout");
        RemoteResourceClientTest.await("the client's threads ended", () -> clientThreads().isEmpty(),
                () -> clientThreads().toString());
    }

    @Test
    void aRequestUnansweredWithinTheTimeoutIsA503AndItsStreamIsReset() throws Exception {
        Http2TlsTestServer server = server().route(CONFIGMAPS + "/slow", Http2TlsTestServer.silence());
        ResourceOperations configMaps = configMaps(client(Duration.ofSeconds(1), URI.create(server.url())));

        ResourceException timedOut = assertThrows(ResourceException.class, () -> configMaps.get("slow"));
        assertEquals(503, timedOut.code());
        assertTrue(timedOut.getMessage().contains("no answer from " + server.url() + " within 1s"),
                timedOut.getMessage());
        RemoteResourceClientTest.await("the stream reset", () -> server.abandoned.contains(CONFIGMAPS + "/slow"),
                server.abandoned::toString);
    }

    @Test
    void aLostConnectionIsMadeAgainByTheNextRequest() throws Exception {
        Http2TlsTestServer server = server()
                .route(CONFIGMAPS + "/a", Http2TlsTestServer.json(200, "{\"metadata\":{\"name\":\"a\"}}"))
                .route(CONFIGMAPS + "/drop", Http2TlsTestServer.dropConnection());
        ResourceOperations configMaps = configMaps(client(URI.create(server.url())));
        assertEquals("a", configMaps.get("a").path("metadata").path("name").asText());

        ResourceException lost = assertThrows(ResourceException.class, () -> configMaps.get("drop"));
        assertEquals(503, lost.code());
        assertEquals("a", configMaps.get("a").path("metadata").path("name").asText());
        assertEquals(2, server.connections.get());
    }

    @Test
    void aServerThatDoesNotChooseHttp2IsRefusedWithAMessageSayingSo() throws Exception {
        Http2TlsTestServer old = server("http/1.1");
        ResourceException refused = assertThrows(ResourceException.class,
                () -> configMaps(client(URI.create(old.url()))).list());
        assertEquals(503, refused.code());
        assertTrue(refused.getMessage().contains("did not choose HTTP/2 by ALPN"), refused.getMessage());
    }

    private static List<String> clientThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("karst-remote-client-")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
