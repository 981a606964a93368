package io.karst.apiserver.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceOperations;
import io.karst.api.security.PkiSettings;
import io.karst.apiserver.bootstraptoken.BootstrapTokenSecrets;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.pki.ClusterCa;
import io.karst.pki.ClusterPki;

/** The node-join endpoint over a real PKI and a real resource stack (SQLite), without HTTP. */
class NodeJoinEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClusterNetwork NETWORK = ClusterNetwork.of("10.43.0.10", "cluster.local", "10.42.0.0/16",
            "10.43.0.0/16");

    @TempDir
    Path dir;

    private ClusterPki pki;
    private InProcessApi api;
    private NodeJoinEndpoint endpoint;
    private ResourceOperations secrets;

    @BeforeEach
    void start() {
        pki = ClusterPki.open(new PkiSettings(dir.resolve("data"), "server-1", List.of("127.0.0.1"), List.of(),
                "cluster.local", "10.43.0.0/16", 6443, Optional.empty(), Optional.empty(), "0600"));
        api = new InProcessApi(dir.resolve("db"));
        // few iterations: the hash's strength is not what these tests are about
        endpoint = new NodeJoinEndpoint(pki.tokenService(), api.bootstrapTokens(), "", pki.certificateAuthority(), api.client(), NETWORK,
                1000);
        secrets = api.client().resource("", "v1", "secrets").inNamespace("kube-system");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    static String basic(String token) {
        return "Basic " + Base64.getEncoder().encodeToString(("node:" + token).getBytes(StandardCharsets.UTF_8));
    }

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    static KeyPair ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static ObjectNode request(String nodeName, String password, KeyPair client, KeyPair serving) {
        ObjectNode body = JSON.createObjectNode();
        body.put("nodeName", nodeName);
        body.put("nodePassword", password);
        body.putArray("addresses").add("192.0.2.11");
        body.putArray("hostnames").add("agent1");
        body.put("clientPublicKey", pem(client.getPublic()));
        body.put("servingPublicKey", pem(serving.getPublic()));
        return body;
    }

    private JoinAnswer post(String authorization, Object body) throws Exception {
        return post(endpoint, authorization, body);
    }

    private static JoinAnswer post(NodeJoinEndpoint to, String authorization, Object body) throws Exception {
        byte[] bytes = body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
        return to.answer("POST", authorization, bytes);
    }

    private String serverToken() {
        return pki.tokenService().serverToken();
    }

    private Optional<ObjectNode> passwordSecret(String node) {
        return secrets.find(node + ".node-password.karst");
    }

    private static X509Certificate certificate(Object pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void withoutATokenTheJoinIsUnauthorizedAndNothingIsWritten() throws Exception {
        JoinAnswer answer = post(null, request("agent1", "secret", ecKey(), ecKey()));

        assertEquals(401, answer.code());
        assertEquals("Unauthorized", answer.reason());
        assertTrue(answer.message().contains("node-token"), answer.message());
        assertFalse(passwordSecret("agent1").isPresent());
    }

    @Test
    void aWrongTokenIsUnauthorizedWithAMessageSayingWhereTheRightOneIs() throws Exception {
        String wrong = serverToken().substring(0, serverToken().length() - 3) + "zzz";
        for (String authorization : List.of(basic(wrong), basic("K10abc::server:nope"), "Bearer " + serverToken(),
                "Basic not-base64!", "Basic " + Base64.getEncoder().encodeToString(("server:" + serverToken())
                        .getBytes(StandardCharsets.UTF_8)))) {
            JoinAnswer answer = post(authorization, request("agent1", "secret", ecKey(), ecKey()));

            assertEquals(401, answer.code(), authorization);
            assertTrue(answer.message().contains("the join token is not valid for this server: check --token"),
                    answer.message());
        }
        assertFalse(passwordSecret("agent1").isPresent());
    }

    @Test
    void theFullShortAndBootstrapTokenFormsAreAccepted() throws Exception {
        String full = serverToken();
        String shortSecret = full.substring(full.indexOf("::server:") + "::server:".length());
        String caHash = full.substring(3, full.indexOf("::"));
        secrets.create(BootstrapTokenSecrets.secret("abcdef", "0123456789abcdef",
                Instant.now().plus(Duration.ofHours(1)), true));
        String bootstrap = "K10" + caHash + "::abcdef.0123456789abcdef";

        assertEquals(200, post(basic(full), request("node-a", "pw", ecKey(), ecKey())).code());
        assertEquals(200, post(basic(shortSecret), request("node-b", "pw", ecKey(), ecKey())).code());
        JoinAnswer viaBootstrap = post(basic(bootstrap), request("node-c", "pw", ecKey(), ecKey()));
        assertEquals(200, viaBootstrap.code(), viaBootstrap.message());
        assertEquals(200, post(basic("abcdef.0123456789abcdef"), request("node-d", "pw", ecKey(), ecKey())).code());
    }

    @Test
    void expiredWrongOrSigningOnlyBootstrapTokensAndDeletedOnesDoNotJoin() throws Exception {
        secrets.create(BootstrapTokenSecrets.secret("expire", "0123456789abcdef",
                Instant.now().minus(Duration.ofMinutes(1)), true));
        secrets.create(BootstrapTokenSecrets.secret("signin", "0123456789abcdef",
                Instant.now().plus(Duration.ofHours(1)), false));
        secrets.create(BootstrapTokenSecrets.secret("gone00", "0123456789abcdef", null, true));
        assertEquals(200, post(basic("gone00.0123456789abcdef"), request("node-a", "pw", ecKey(), ecKey())).code());
        secrets.delete("bootstrap-token-gone00");

        for (String token : List.of("expire.0123456789abcdef", "signin.0123456789abcdef",
                "gone00.0123456789abcdef", "gone00.0123456789abcdeX", "nosuch.0123456789abcdef")) {
            JoinAnswer answer = post(basic(token), request("node-b", "pw", ecKey(), ecKey()));
            assertEquals(401, answer.code(), token);
            assertTrue(answer.message().contains("the join token is not valid"), answer.message());
        }
        assertFalse(passwordSecret("node-b").isPresent());
    }

    @Test
    void theAgentTokenJoinsInItsFullAndShortFormsAndOnlyItsSecretCounts() throws Exception {
        NodeJoinEndpoint withAgentToken = new NodeJoinEndpoint(pki.tokenService(), api.bootstrapTokens(), "agents-only-secret",
                pki.certificateAuthority(), api.client(), NETWORK, 1000);
        String caHash = serverToken().substring(3, serverToken().indexOf("::"));

        assertEquals(200, post(withAgentToken, basic("agents-only-secret"),
                request("node-a", "pw", ecKey(), ecKey())).code());
        assertEquals(200, post(withAgentToken, basic("K10" + caHash + "::node:agents-only-secret"),
                request("node-b", "pw", ecKey(), ecKey())).code());
        // the server token still works; a near miss does not
        assertEquals(200, post(withAgentToken, basic(serverToken()),
                request("node-c", "pw", ecKey(), ecKey())).code());
        assertEquals(401, post(withAgentToken, basic("agents-only-secreT"),
                request("node-d", "pw", ecKey(), ecKey())).code());
        // without --agent-token the same secret is no token at all
        assertEquals(401, post(basic("agents-only-secret"), request("node-e", "pw", ecKey(), ecKey())).code());
    }

    @Test
    void theFirstJoinRecordsAHashOfThePasswordAndReturnsCertificatesFromTheRightAuthorities() throws Exception {
        KeyPair client = ecKey();
        KeyPair serving = ecKey();

        JoinAnswer answer = post(basic(serverToken()), request("agent1", "s3cret-password", client, serving));

        assertEquals(200, answer.code(), answer.message());
        assertNull(answer.reason());
        assertEquals(List.of("clientCertificate", "servingCertificate", "clientCa", "serverCa", "clusterDns",
                "clusterDomain", "clusterCidr", "serviceCidr"), List.copyOf(answer.body().keySet()));
        X509Certificate clientCa = pki.certificates().authority(ClusterCa.CLIENT).certificate();
        X509Certificate serverCa = pki.certificates().authority(ClusterCa.SERVER).certificate();

        X509Certificate clientCertificate = certificate(answer.body().get("clientCertificate"));
        clientCertificate.verify(clientCa.getPublicKey());
        assertEquals(client.getPublic(), clientCertificate.getPublicKey());
        assertEquals("CN=system:node:agent1,O=system:nodes",
                clientCertificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
        X509Certificate servingCertificate = certificate(answer.body().get("servingCertificate"));
        servingCertificate.verify(serverCa.getPublicKey());
        assertEquals(serving.getPublic(), servingCertificate.getPublicKey());
        assertEquals(clientCa, certificate(answer.body().get("clientCa")));
        assertEquals(pki.certificateAuthority().serverCaBundle(), answer.body().get("serverCa"));
        assertEquals(List.of("10.43.0.10"), answer.body().get("clusterDns"));
        assertEquals("cluster.local", answer.body().get("clusterDomain"));
        assertEquals("10.42.0.0/16", answer.body().get("clusterCidr"));
        assertEquals("10.43.0.0/16", answer.body().get("serviceCidr"));

        ObjectNode secret = passwordSecret("agent1").orElseThrow();
        assertEquals("karst.io/node-password", secret.path("type").asText());
        String stored = new String(Base64.getDecoder().decode(secret.path("data").path("hash").asText()),
                StandardCharsets.UTF_8);
        assertTrue(stored.startsWith("$pbkdf2-sha256$1000$"), stored);
        assertFalse(secret.toString().contains("s3cret-password"), secret::toString);
        assertFalse(secret.toString().contains(Base64.getEncoder().encodeToString(
                "s3cret-password".getBytes(StandardCharsets.UTF_8))), secret::toString);
    }

    @Test
    void aSecondJoinWithTheSamePasswordSucceedsAndAnotherPasswordIsForbidden() throws Exception {
        assertEquals(200, post(basic(serverToken()), request("agent1", "first", ecKey(), ecKey())).code());
        ObjectNode recorded = passwordSecret("agent1").orElseThrow();

        JoinAnswer again = post(basic(serverToken()), request("agent1", "first", ecKey(), ecKey()));
        assertEquals(200, again.code(), again.message());

        JoinAnswer other = post(basic(serverToken()), request("agent1", "second", ecKey(), ecKey()));
        assertEquals(403, other.code());
        assertEquals("Forbidden", other.reason());
        assertEquals("node password rejected for node agent1: a node of that name joined with another password; "
                + "if this is a different machine, rejoin with --with-node-id (or --node-name) so its name is unique; "
                + "if it is the same machine, restore /etc/karst/node/password or delete the Secret "
                + "kube-system/agent1.node-password.karst", other.message());
        assertNull(other.body());
        ObjectNode after = passwordSecret("agent1").orElseThrow();
        assertEquals(recorded.path("metadata").path("resourceVersion"), after.path("metadata").path("resourceVersion"));
        assertEquals(recorded.path("data"), after.path("data"));
    }

    @Test
    void twoMachinesJoiningUnderOneNameAtOnceGetOneSuccessAndOneRefusal() throws Exception {
        for (int round = 0; round < 5; round++) {
            String node = "racer-" + round;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<JoinAnswer>> answers = new java.util.ArrayList<>();
                for (String password : List.of("one", "two")) {
                    ObjectNode body = request(node, password, ecKey(), ecKey());
                    answers.add(pool.submit(() -> {
                        start.await();
                        return post(basic(serverToken()), body);
                    }));
                }
                List<Integer> codes = new java.util.ArrayList<>();
                for (var answer : answers) {
                    codes.add(answer.get().code());
                }
                codes.sort(null);
                assertEquals(List.of(200, 403), codes, node);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aSecretWithoutAUsableHashRefusesTheJoin() throws Exception {
        ObjectNode secret = JSON.createObjectNode();
        secret.put("apiVersion", "v1").put("kind", "Secret");
        secret.putObject("metadata").put("name", "agent1.node-password.karst").put("namespace", "kube-system");
        secret.putObject("data").put("hash",
                Base64.getEncoder().encodeToString("plain".getBytes(StandardCharsets.UTF_8)));
        secrets.create(secret);

        JoinAnswer answer = post(basic(serverToken()), request("agent1", "plain", ecKey(), ecKey()));

        assertEquals(403, answer.code());
        assertTrue(answer.message().contains("holds no usable password hash"), answer.message());
    }

    static Stream<Arguments> badBodies() throws Exception {
        KeyPair k = ecKey();
        return Stream.of(
                Arguments.of(request("Agent_1", "pw", k, k), "nodeName: \"Agent_1\" is not a valid node name"),
                Arguments.of(request("a".repeat(234), "pw", k, k), "nodeName: "),
                Arguments.of(without(request("agent1", "pw", k, k), "nodeName"), "nodeName: Required value"),
                Arguments.of(without(request("agent1", "pw", k, k), "nodePassword"), "nodePassword: Required value"),
                Arguments.of(request("agent1", "", k, k), "nodePassword: Required value"),
                Arguments.of(with(request("agent1", "pw", k, k), "addresses", "192.0.2.1", "agent1.example.com"),
                        "addresses[1]: \"agent1.example.com\" is not an IP address"),
                Arguments.of(with(request("agent1", "pw", k, k), "addresses", "fe80::1%eth0"), "addresses[0]: "),
                Arguments.of(with(request("agent1", "pw", k, k), "addresses", "999.1.1.1"), "addresses[0]: "),
                Arguments.of(with(request("agent1", "pw", k, k), "hostnames", "Bad_Host"), "hostnames[0]: "),
                Arguments.of(request("agent1", "pw", k, k).put("clientPublicKey", "not a key"), "clientPublicKey: "),
                Arguments.of(request("agent1", "pw", k, k).put("servingPublicKey",
                        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"), "servingPublicKey: "),
                Arguments.of(without(request("agent1", "pw", k, k), "servingPublicKey"),
                        "servingPublicKey: Required value"),
                Arguments.of(request("agent1", "pw", k, k).put("addresses", "192.0.2.1"), "addresses: "),
                Arguments.of("{not json", "the request body is not JSON"),
                Arguments.of("[]", "the request body must be a JSON object"));
    }

    private static ObjectNode without(ObjectNode body, String field) {
        body.remove(field);
        return body;
    }

    private static ObjectNode with(ObjectNode body, String field, String... values) {
        ArrayNode array = body.putArray(field);
        for (String value : values) {
            array.add(value);
        }
        return body;
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void aBadBodyIsABadRequestNamingTheField(Object body, String messageStart) throws Exception {
        JoinAnswer answer = post(basic(serverToken()), body);

        assertEquals(400, answer.code(), answer.message());
        assertEquals("BadRequest", answer.reason());
        assertTrue(answer.message().startsWith(messageStart), answer.message());
        assertTrue(secrets.list().items().isEmpty() || secrets.list().items().stream()
                .noneMatch(s -> s.path("metadata").path("name").asText().endsWith(".node-password.karst")));
    }

    @Test
    void aKeyThePkiWillNotSignIsABadRequestAndRecordsNoPassword() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);

        JoinAnswer answer = post(basic(serverToken()), request("agent1", "pw", ecKey(), rsa.generateKeyPair()));

        assertEquals(400, answer.code());
        assertTrue(answer.message().startsWith("servingPublicKey: "), answer.message());
        assertFalse(passwordSecret("agent1").isPresent());
    }

    @Test
    void rsaKeysAreAccepted() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair key = rsa.generateKeyPair();

        JoinAnswer answer = post(basic(serverToken()), request("agent1", "pw", key, ecKey()));

        assertEquals(200, answer.code(), answer.message());
        assertEquals(key.getPublic(), certificate(answer.body().get("clientCertificate")).getPublicKey());
    }

    @Test
    void onlyPostIsAllowed() throws Exception {
        JoinAnswer answer = endpoint.answer("GET", basic(serverToken()), new byte[0]);

        assertEquals(405, answer.code());
        assertEquals("MethodNotAllowed", answer.reason());
    }

    @Test
    void aBodyOverTheLimitIsRefusedUnread() throws Exception {
        ObjectNode body = request("agent1", "pw", ecKey(), ecKey());
        body.put("padding", "x".repeat(NodeJoinEndpoint.MAX_BODY_BYTES));

        JoinAnswer answer = post(basic(serverToken()), body);

        assertEquals(413, answer.code());
        assertFalse(passwordSecret("agent1").isPresent());
    }
}
