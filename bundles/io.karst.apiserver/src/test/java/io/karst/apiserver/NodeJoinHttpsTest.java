package io.karst.apiserver;

import io.karst.apiserver.authorization.AccessReviews;
import io.karst.apiserver.authorization.AuthorizationChain;
import io.karst.apiserver.authorization.ClusterAuthorization;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.PkiSettings;
import io.karst.api.tunnel.TunnelLink;
import io.karst.api.tunnel.TunnelServer;
import io.karst.apiserver.join.ClusterNetwork;
import io.karst.apiserver.join.NodeJoinEndpoint;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.serviceaccount.IssuerDiscovery;
import io.karst.apiserver.serviceaccount.ServiceAccountTokens;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;
import io.karst.pki.ClusterPki;

/**
 * An agent's join over real HTTPS against the Netty server as the component wires it: it trusts only the server CA
 * (what {@code /cacerts} gave it), presents no client certificate, gets its kubelet certificates, and the client
 * certificate then authenticates it to the API and opens its tunnel.
 */
class NodeJoinHttpsTest {
    private static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private ClusterPki pki;
    private LogStructuredStore kv;
    private ResourceStack stack;
    private HttpsServer server;
    private X509Certificate serverCa;
    private String base;
    /** What the endpoint hands tunnels to; null: no tunnel bundle on this server. */
    private volatile TunnelServer tunnels;

    @BeforeEach
    void start() throws Exception {
        pki = ClusterPki.open(new PkiSettings(dir.resolve("data"), "server-1", List.of("127.0.0.1"), List.of(),
                "cluster.local", "10.43.0.0/16", 6443, Optional.empty(), Optional.empty(), "0600"));
        var authority = pki.certificateAuthority();
        kv = SqliteStore.openInDataDir(dir.resolve("db"), SqliteSync.NORMAL, StoreSettings.defaults());
        ServiceAccountTokens tokens = new ServiceAccountTokens(ISSUER, List.of(ISSUER), authority.serviceAccountKey(),
                Clock.systemUTC());
        stack = new ResourceStack(() -> kv, "10.43.0.0/16", "30000-32767", timers, Clock.systemUTC(), tokens);
        stack.bootstrap("10.43.0.1", 6443);
        AuthenticationChain authentication = new AuthenticationChain();
        authentication.add(pki.authenticator(), 0, 1);
        AuthorizationChain authorization = new AuthorizationChain();
        ClusterAuthorization built = ClusterAuthorization.start(stack.client(), timers, Duration.ofSeconds(10));
        built.addTo(authorization);
        AccessReviews reviews = built.reviews(authorization);
        ResourceApi resources = new ResourceApi(stack.registry(), stack.endpoint(), stack.codec(), workers, timers,
                () -> reviews);
        NodeJoinEndpoint join = new NodeJoinEndpoint(pki.tokenService(), stack.bootstrapTokenAuthenticator(), "", authority,
                stack.client(),
                ClusterNetwork.of("10.43.0.10", "cluster.local", "10.42.0.0/16", "10.43.0.0/16"), 1000);
        ApiRequestHandler handler = new ApiRequestHandler(authentication, authorization,
                new HealthEndpoint(new HealthRegistry()),
                new VersionInfo("v1.33.0", "v0.1.0", ""), authority, resources,
                new OpenApiEndpoint(SchemaModel.builtIn(), stack.registry()), new IssuerDiscovery(tokens), null, join,
                workers, new TunnelEndpoint(() -> tunnels));
        server = new HttpsServer(new InetSocketAddress("127.0.0.1", 0),
                new HttpsServerInitializer(ApiServerComponent.sslContext(authority), handler, 3 * 1024 * 1024));
        base = "https://127.0.0.1:" + server.address().getPort();
        serverCa = certificate(authority.serverCaBundle());
    }

    @AfterEach
    void stop() {
        server.close();
        stack.close();
        workers.shutdownNow();
        timers.shutdownNow();
        kv.close();
    }

    @Test
    void anAgentJoinsWithItsTokenAndItsNewClientCertificateAuthenticatesIt() throws Exception {
        HttpClient agent = client(null, null);
        KeyPair clientKey = ecKey();
        // before the join the agent is anonymous to the API, which RBAC grants nothing there
        assertEquals(403, agent.send(get("/api/v1/nodes"), HttpResponse.BodyHandlers.ofString()).statusCode());

        HttpResponse<String> joined = agent.send(join(pki.tokenService().serverToken(), body("agent1", clientKey)),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, joined.statusCode(), joined.body());
        assertEquals("application/json", joined.headers().firstValue("Content-Type").orElse(""));
        JsonNode answer = JSON.readTree(joined.body());
        assertEquals(pki.certificateAuthority().serverCaBundle(), answer.path("serverCa").asText());
        assertEquals("[\"10.43.0.10\"]", answer.path("clusterDns").toString());
        X509Certificate clientCertificate = certificate(answer.path("clientCertificate").asText());
        HttpClient kubelet = client(clientKey.getPrivate(), clientCertificate);
        HttpResponse<String> api = kubelet.send(get("/api"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, api.statusCode(), api.body());
        assertEquals(1, stack.client().resource("", "v1", "secrets").inNamespace("kube-system")
                .find("agent1.node-password.karst").stream().count());
    }

    @Test
    void aWrongTokenIsAStatus401AndAGetIs405() throws Exception {
        HttpClient agent = client(null, null);

        HttpResponse<String> refused = agent.send(join("K10" + "0".repeat(64) + "::server:wrong",
                body("agent1", ecKey())), HttpResponse.BodyHandlers.ofString());

        assertEquals(401, refused.statusCode());
        JsonNode status = JSON.readTree(refused.body());
        assertEquals("Status", status.path("kind").asText());
        assertEquals("Unauthorized", status.path("reason").asText());
        assertTrue(status.path("message").asText().contains("check --token"), refused.body());

        HttpResponse<String> get = agent.send(get("/v1-karst/node-join"), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("MethodNotAllowed", JSON.readTree(get.body()).path("reason").asText());
    }

    @Test
    void theJoinedNodesCertificateOpensItsTunnelAndMessagesFlowBothWays() throws Exception {
        KeyPair clientKey = ecKey();
        HttpResponse<String> joined = client(null, null).send(join(pki.tokenService().serverToken(),
                body("agent1", clientKey)), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, joined.statusCode(), joined.body());
        HttpClient kubelet = client(clientKey.getPrivate(),
                certificate(JSON.readTree(joined.body()).path("clientCertificate").asText()));
        URI tunnelUri = URI.create(base.replace("https:", "wss:") + TunnelServer.PATH);

        // without the tunnel bundle: 503, and a plain GET is not a tunnel
        CompletionException unavailable = assertThrows(CompletionException.class,
                () -> kubelet.newWebSocketBuilder().buildAsync(tunnelUri, new WebSocket.Listener() { }).join());
        assertEquals(503, ((WebSocketHandshakeException) unavailable.getCause()).getResponse().statusCode());
        HttpResponse<String> plain = kubelet.send(get(TunnelServer.PATH), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, plain.statusCode(), plain.body());

        // with it: the server side learns the node's name from the certificate and echoes what it gets
        BlockingQueue<String> serverSide = new LinkedBlockingQueue<>();
        tunnels = (nodeName, link) -> {
            serverSide.add("connected " + nodeName);
            return new TunnelLink.Receiver() {
                @Override
                public void message(ByteBuffer message) {
                    serverSide.add("got " + StandardCharsets.UTF_8.decode(message.duplicate()));
                    link.send(message);
                }

                @Override
                public void closed() {
                    serverSide.add("closed");
                }
            };
        };
        BlockingQueue<String> agentSide = new LinkedBlockingQueue<>();
        WebSocket socket = kubelet.newWebSocketBuilder().buildAsync(tunnelUri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                agentSide.add(StandardCharsets.UTF_8.decode(data).toString());
                ws.request(1);
                return null;
            }
        }).get(20, TimeUnit.SECONDS);
        assertEquals("connected agent1", serverSide.poll(10, TimeUnit.SECONDS));
        socket.sendBinary(ByteBuffer.wrap("ping-1".getBytes(StandardCharsets.UTF_8)), true).get();
        assertEquals("got ping-1", serverSide.poll(10, TimeUnit.SECONDS));
        assertEquals("ping-1", agentSide.poll(10, TimeUnit.SECONDS));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        assertEquals("closed", serverSide.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void anAnonymousClientCannotOpenATunnel() throws Exception {
        tunnels = (nodeName, link) -> {
            throw new AssertionError("no tunnel for an anonymous client");
        };
        HttpResponse<String> refused = client(null, null).send(get(TunnelServer.PATH),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode(), refused.body());
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).GET().build();
    }

    private HttpRequest join(String token, String body) {
        return HttpRequest.newBuilder(URI.create(base + "/v1-karst/node-join")).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("node:" + token)
                        .getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String body(String nodeName, KeyPair clientKey) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("nodeName", nodeName);
        body.put("nodePassword", "password-of-" + nodeName);
        body.putArray("addresses").add("127.0.0.1");
        body.putArray("hostnames").add(nodeName);
        body.put("clientPublicKey", pem(clientKey));
        body.put("servingPublicKey", pem(ecKey()));
        return JSON.writeValueAsString(body);
    }

    private static String pem(KeyPair key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Trusts only the server CA; presents {@code certificate} with {@code key} when given. */
    private HttpClient client(PrivateKey key, X509Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server-ca", serverCa);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        if (key == null) {
            tls.init(null, trustManagers.getTrustManagers(), null);
        } else {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("kubelet", key, new char[0], new Certificate[] {certificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);
            tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        }
        return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }
}
