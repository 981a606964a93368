package io.karst.apiserver;

import io.karst.apiserver.authorization.AccessReviews;
import io.karst.apiserver.authorization.AuthorizationChain;
import io.karst.apiserver.authorization.ClusterAuthorization;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
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

import io.karst.api.security.Credentials;
import io.karst.api.security.PkiSettings;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.serviceaccount.IssuerDiscovery;
import io.karst.apiserver.serviceaccount.ServiceAccountAuthenticator;
import io.karst.apiserver.serviceaccount.ServiceAccountTokens;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;
import io.karst.pki.ClusterPki;
import io.karst.pki.LeafCatalog;
import io.karst.pki.PemFiles;
import io.karst.pki.PkiLayout;

/**
 * The API over HTTPS as the component wires it (real PKI, x509 and service-account authenticators, SQLite): a token
 * requested for a pod authenticates a client that has no certificate, and stops working when the pod is deleted.
 */
class ServiceAccountTokenAuthenticationTest {
    private static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final AuthenticationChain authentication = new AuthenticationChain();
    private LogStructuredStore kv;
    private ResourceStack stack;
    private HttpsServer server;
    private HttpClient admin;
    private HttpClient anonymous;
    private String base;

    @BeforeEach
    void start() throws Exception {
        ClusterPki pki = ClusterPki.open(new PkiSettings(dir.resolve("data"), "node-1", List.of("127.0.0.1"),
                List.of(), "cluster.local", "10.43.0.0/16", 6443, Optional.empty(), Optional.empty(), "0600"));
        var authority = pki.certificateAuthority();
        kv = SqliteStore.openInDataDir(dir.resolve("db"), SqliteSync.NORMAL, StoreSettings.defaults());
        ServiceAccountTokens tokens = new ServiceAccountTokens(ISSUER, List.of(ISSUER), authority.serviceAccountKey(),
                Clock.systemUTC());
        stack = new ResourceStack(() -> kv, "10.43.0.0/16", "30000-32767", timers, Clock.systemUTC(), tokens);
        stack.bootstrap("10.43.0.1", 6443);
        // as the component's whiteboard ranks them: the PKI's x509 authenticator (0) before tokens (-10)
        authentication.add(pki.authenticator(), 0, 1);
        authentication.add(stack.serviceAccountAuthenticator().orElseThrow(), ServiceAccountAuthenticator.RANKING, 2);
        AuthorizationChain authorization = new AuthorizationChain();
        ClusterAuthorization built = ClusterAuthorization.start(stack.client(), timers, Duration.ofSeconds(10));
        built.addTo(authorization);
        AccessReviews reviews = built.reviews(authorization);
        ResourceApi resources = new ResourceApi(stack.registry(), stack.endpoint(), stack.codec(), workers, timers,
                () -> reviews, stack.tokenReviews());
        ApiRequestHandler handler = new ApiRequestHandler(authentication, authorization,
                new HealthEndpoint(new HealthRegistry()),
                new VersionInfo("v1.33.0", "v0.1.0", ""), authority, resources,
                new OpenApiEndpoint(SchemaModel.builtIn(), stack.registry()), new IssuerDiscovery(tokens), null);
        server = new HttpsServer(new InetSocketAddress("127.0.0.1", 0),
                new HttpsServerInitializer(ApiServerComponent.sslContext(authority), handler, 3 * 1024 * 1024));
        base = "https://127.0.0.1:" + server.address().getPort();

        X509Certificate serverCa = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(authority.serverCaBundle().getBytes(StandardCharsets.US_ASCII)));
        PkiLayout layout = new PkiLayout(dir.resolve("data"));
        anonymous = client(serverCa, null);
        admin = client(serverCa, layout);
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
    void aPodBoundTokenAuthenticatesUntilThePodIsDeleted() throws Exception {
        JsonNode serviceAccount = createServiceAccountPodAndNode();
        JsonNode pod = json(call(admin, "GET", "/api/v1/namespaces/default/pods/web", null, null));

        HttpResponse<String> created = call(admin, "POST", "/api/v1/namespaces/default/serviceaccounts/runner/token",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{\"boundObjectRef\":"
                        + "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"web\",\"uid\":\"" + uid(pod) + "\"}}}",
                null);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode tokenRequest = json(created);
        assertEquals("TokenRequest", tokenRequest.path("kind").asText());
        assertEquals("authentication.k8s.io/v1", tokenRequest.path("apiVersion").asText());
        assertEquals(3600, tokenRequest.path("spec").path("expirationSeconds").asLong());
        assertEquals("[\"" + ISSUER + "\"]", tokenRequest.path("spec").path("audiences").toString());
        Instant expiry = Instant.parse(tokenRequest.path("status").path("expirationTimestamp").asText());
        assertTrue(Duration.between(Instant.now().plusSeconds(3600), expiry).abs().getSeconds() < 30, expiry::toString);
        String token = tokenRequest.path("status").path("token").asText();
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertEquals("system:serviceaccount:default:runner", claims.path("sub").asText());
        assertEquals(uid(pod), claims.path("kubernetes.io").path("pod").path("uid").asText());
        assertEquals("node-1", claims.path("kubernetes.io").path("node").path("name").asText());

        // only the token: no client certificate
        HttpResponse<String> api = call(anonymous, "GET", "/api", null, token);
        assertEquals(200, api.statusCode(), api.body());
        // a service account may read nothing until bound, as with upstream's RBAC
        HttpResponse<String> forbidden = call(anonymous, "GET", "/api/v1/namespaces/default/pods", null, token);
        assertEquals(403, forbidden.statusCode(), forbidden.body());
        assertEquals("pods is forbidden: User \"system:serviceaccount:default:runner\" cannot list resource \"pods\" "
                + "in API group \"\" in the namespace \"default\"", json(forbidden).path("message").asText());
        assertEquals(201, call(admin, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
                "{\"metadata\":{\"name\":\"runner-view\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                        + "\"kind\":\"ClusterRole\",\"name\":\"view\"},\"subjects\":[{\"kind\":\"ServiceAccount\","
                        + "\"name\":\"runner\"}]}", null).statusCode());
        int code = 0;
        for (int i = 0; i < 50 && code != 200; i++) {
            Thread.sleep(i == 0 ? 0 : 50);
            code = call(anonymous, "GET", "/api/v1/namespaces/default/pods", null, token).statusCode();
        }
        assertEquals(200, code, "the RoleBinding is in force within 2.5 s");
        UserInfo user = authentication.authenticate(new Credentials(List.of(), Optional.of(token))).user()
                .orElseThrow();
        assertEquals("system:serviceaccount:default:runner", user.name());
        assertEquals(uid(serviceAccount), user.uid());
        assertEquals(List.of("system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"),
                user.groups());
        assertEquals(List.of("web"), user.extra().get("authentication.kubernetes.io/pod-name"));
        assertEquals(List.of(uid(pod)), user.extra().get("authentication.kubernetes.io/pod-uid"));
        assertEquals(List.of("node-1"), user.extra().get("authentication.kubernetes.io/node-name"));
        assertEquals(List.of("JTI=" + claims.path("jti").asText()),
                user.extra().get("authentication.kubernetes.io/credential-id"));

        assertEquals(200, call(admin, "DELETE", "/api/v1/namespaces/default/pods/web?gracePeriodSeconds=0", null,
                null).statusCode());
        HttpResponse<String> refused = call(anonymous, "GET", "/api", null, token);
        assertEquals(401, refused.statusCode());
        JsonNode status = json(refused);
        assertEquals("Status", status.path("kind").asText());
        assertEquals("Unauthorized", status.path("reason").asText());
        assertEquals(401, status.path("code").asInt());
    }

    @Test
    void aTokenStopsWorkingWhenItsServiceAccountIsRecreated() throws Exception {
        createServiceAccountPodAndNode();
        String token = token("{}");
        assertEquals(200, call(anonymous, "GET", "/api", null, token).statusCode());

        call(admin, "DELETE", "/api/v1/namespaces/default/serviceaccounts/runner", null, null);
        assertEquals(401, call(anonymous, "GET", "/api", null, token).statusCode());
        call(admin, "POST", "/api/v1/namespaces/default/serviceaccounts", serviceAccount("runner"), null);
        assertEquals(401, call(anonymous, "GET", "/api", null, token).statusCode());
    }

    @Test
    void garbageAndForgedTokensGet401NotAnError() throws Exception {
        createServiceAccountPodAndNode();
        String token = token("{}");
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";

        for (String bad : List.of("not-a-token", "a.b.c", forged)) {
            HttpResponse<String> answer = call(anonymous, "GET", "/api/v1/namespaces", null, bad);
            assertEquals(401, answer.statusCode(), bad);
            assertEquals("Status", json(answer).path("kind").asText());
        }
    }

    @Test
    void aValidClientCertificateWinsOverABadToken() throws Exception {
        assertEquals(200, call(admin, "GET", "/api", null, "not-a-token").statusCode());
    }

    @Test
    void tokenRequestsAreValidatedAsUpstreamDoes() throws Exception {
        JsonNode serviceAccount = createServiceAccountPodAndNode();

        HttpResponse<String> tooShort = call(admin, "POST",
                "/api/v1/namespaces/default/serviceaccounts/runner/token", "{\"spec\":{\"expirationSeconds\":599}}",
                null);
        assertEquals(422, tooShort.statusCode());
        assertEquals("TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 599: "
                + "may not specify a duration less than 10 minutes", json(tooShort).path("message").asText());

        HttpResponse<String> missing = call(admin, "POST", "/api/v1/namespaces/default/serviceaccounts/ghost/token",
                "{}", null);
        assertEquals(404, missing.statusCode());
        assertEquals("serviceaccounts \"ghost\" not found", json(missing).path("message").asText());

        HttpResponse<String> wrongUid = call(admin, "POST", "/api/v1/namespaces/default/serviceaccounts/runner/token",
                "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"web\",\"uid\":\""
                        + uid(serviceAccount) + "\"}}}", null);
        assertEquals(409, wrongUid.statusCode());

        HttpResponse<String> noPod = call(admin, "POST", "/api/v1/namespaces/default/serviceaccounts/runner/token",
                "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"gone\"}}}", null);
        assertEquals(404, noPod.statusCode());

        call(admin, "POST", "/api/v1/namespaces/default/serviceaccounts", serviceAccount("default"), null);
        HttpResponse<String> otherAccount = call(admin, "POST",
                "/api/v1/namespaces/default/serviceaccounts/default/token",
                "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"web\"}}}", null);
        assertEquals(400, otherAccount.statusCode(), otherAccount.body());

        HttpResponse<String> configMap = call(admin, "POST", "/api/v1/namespaces/default/serviceaccounts/runner/token",
                "{\"spec\":{\"boundObjectRef\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"name\":\"x\"}}}", null);
        assertEquals(400, configMap.statusCode());
        assertEquals("cannot bind token to object of type /v1, Kind=ConfigMap", json(configMap).path("message").asText());

        assertEquals(405, call(admin, "GET", "/api/v1/namespaces/default/serviceaccounts/runner/token", null, null)
                .statusCode());
    }

    @Test
    void theKubeletsProjectedTokenIsExtendedWithAWarnAfter() throws Exception {
        createServiceAccountPodAndNode();
        JsonNode tokenRequest = json(call(admin, "POST", "/api/v1/namespaces/default/serviceaccounts/runner/token",
                "{\"spec\":{\"expirationSeconds\":3607,\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
                        + "\"name\":\"web\"}}}", null));

        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(
                tokenRequest.path("status").path("token").asText().split("\\.")[1]));
        long iat = claims.path("iat").asLong();
        assertEquals(iat + 365L * 24 * 3600, claims.path("exp").asLong());
        assertEquals(iat + 3607, claims.path("kubernetes.io").path("warnafter").asLong());
        Instant expiry = Instant.parse(tokenRequest.path("status").path("expirationTimestamp").asText());
        assertTrue(expiry.isBefore(Instant.now().plusSeconds(3700)), expiry::toString);
    }

    @Test
    void discoveryListsTheTokenSubresourceAndTheIssuerIsDiscoverable() throws Exception {
        createServiceAccountPodAndNode();
        String token = token("{}");

        JsonNode resources = json(call(anonymous, "GET", "/api/v1", null, token));
        JsonNode tokenResource = null;
        for (JsonNode r : resources.path("resources")) {
            if (r.path("name").asText().equals("serviceaccounts/token")) {
                tokenResource = r;
            }
        }
        assertEquals("{\"name\":\"serviceaccounts/token\",\"singularName\":\"\",\"namespaced\":true,"
                + "\"group\":\"authentication.k8s.io\",\"version\":\"v1\",\"kind\":\"TokenRequest\","
                + "\"verbs\":[\"create\"]}", String.valueOf(tokenResource));

        HttpResponse<String> configuration = call(anonymous, "GET", "/.well-known/openid-configuration", null, token);
        assertEquals(200, configuration.statusCode());
        assertEquals(ISSUER, json(configuration).path("issuer").asText());
        assertEquals(base + "/openid/v1/jwks", json(configuration).path("jwks_uri").asText());
        HttpResponse<String> keys = call(anonymous, "GET", "/openid/v1/jwks", null, token);
        assertEquals("application/jwk-set+json", keys.headers().firstValue("content-type").orElse(""));
        String kid = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0])).path("kid").asText();
        assertEquals(kid, json(keys).path("keys").get(0).path("kid").asText());
        // anonymous: system:service-account-issuer-discovery is bound to service accounts only, as upstream
        assertEquals(403, call(anonymous, "GET", "/openid/v1/jwks", null, null).statusCode());
    }

    @Test
    void theInProcessClientRequestsTokensAsTheKubeletWill() throws Exception {
        createServiceAccountPodAndNode();
        com.fasterxml.jackson.databind.node.ObjectNode request = JSON.createObjectNode();
        request.put("apiVersion", "authentication.k8s.io/v1");
        request.put("kind", "TokenRequest");
        request.putObject("metadata").put("name", "runner");
        request.putObject("spec").putObject("boundObjectRef").put("apiVersion", "v1").put("kind", "Pod")
                .put("name", "web");

        JsonNode answer = stack.client().resource("", "v1", "serviceaccounts").inNamespace("default")
                .create(request, "token", io.karst.api.client.WriteOptions.NONE);

        String token = answer.path("status").path("token").asText();
        assertEquals(200, call(anonymous, "GET", "/api", null, token).statusCode());
    }

    private HttpResponse<String> tokenReview(String spec, String bearer) throws Exception {
        return call(bearer == null ? admin : anonymous, "POST", "/apis/authentication.k8s.io/v1/tokenreviews",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":" + spec + "}",
                bearer);
    }

    @Test
    void aTokenReviewSaysWhoAValidTokenIsAndForWhichAudiences() throws Exception {
        JsonNode serviceAccount = createServiceAccountPodAndNode();
        String token = token("{}");
        HttpResponse<String> reviewed = tokenReview("{\"token\":\"" + token + "\"}", null);
        assertEquals(201, reviewed.statusCode(), reviewed.body());
        JsonNode review = json(reviewed);
        assertEquals("TokenReview", review.path("kind").asText());
        assertTrue(review.path("metadata").has("creationTimestamp"));
        JsonNode status = review.path("status");
        assertEquals(List.of("authenticated", "user", "audiences"), fieldNames(status));
        assertTrue(status.path("authenticated").asBoolean());
        assertEquals("system:serviceaccount:default:runner", status.path("user").path("username").asText());
        assertEquals(uid(serviceAccount), status.path("user").path("uid").asText());
        assertEquals("[\"system:serviceaccounts\",\"system:serviceaccounts:default\",\"system:authenticated\"]",
                status.path("user").path("groups").toString());
        assertEquals("[\"" + ISSUER + "\"]", status.path("audiences").toString());

        String vault = token("{\"spec\":{\"audiences\":[\"vault\",\"other\"]}}");
        JsonNode forVault = json(tokenReview("{\"token\":\"" + vault + "\",\"audiences\":[\"vault\"]}", null));
        assertTrue(forVault.path("status").path("authenticated").asBoolean(), forVault::toString);
        assertEquals("[\"vault\"]", forVault.path("status").path("audiences").toString());
        assertEquals(401, call(anonymous, "GET", "/api", null, vault).statusCode(),
                "a token for vault does not authenticate to the API server");
        assertFalse(json(tokenReview("{\"token\":\"" + vault + "\"}", null)).path("status").has("authenticated"),
                "without audiences the review asks for the API server's");
        assertEquals(405, call(admin, "GET", "/apis/authentication.k8s.io/v1/tokenreviews/x", null, null)
                .statusCode(), "reviews are never stored");
    }

    @Test
    void aTokenReviewOfABadTokenSaysWhyAndABadReviewIsRefused() throws Exception {
        createServiceAccountPodAndNode();
        String token = token("{}");
        JsonNode otherAudience = json(tokenReview("{\"token\":\"" + token + "\",\"audiences\":[\"vault\"]}",
                null)).path("status");
        assertFalse(otherAudience.has("authenticated"));
        assertEquals("{}", otherAudience.path("user").toString());
        assertTrue(otherAudience.path("error").asText().startsWith("token audiences"), otherAudience::toString);
        JsonNode garbage = json(tokenReview("{\"token\":\"not-a-token\"}", null)).path("status");
        assertEquals("invalid bearer token", garbage.path("error").asText());
        call(admin, "DELETE", "/api/v1/namespaces/default/serviceaccounts/runner", null, null);
        JsonNode deleted = json(tokenReview("{\"token\":\"" + token + "\"}", null)).path("status");
        assertEquals("serviceaccounts \"runner\" not found", deleted.path("error").asText());

        HttpResponse<String> empty = tokenReview("{}", null);
        assertEquals(400, empty.statusCode());
        assertEquals("token is required for TokenReview in authentication", json(empty).path("message").asText());
        // a service account may not review tokens unless RBAC grants it (system:auth-delegator does)
        call(admin, "POST", "/api/v1/namespaces/default/serviceaccounts", serviceAccount("runner"), null);
        String fresh = token("{}");
        HttpResponse<String> forbidden = tokenReview("{\"token\":\"" + fresh + "\"}", fresh);
        assertEquals(403, forbidden.statusCode(), forbidden.body());
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private String token(String body) throws Exception {
        HttpResponse<String> created = call(admin, "POST", "/api/v1/namespaces/default/serviceaccounts/runner/token",
                body, null);
        assertEquals(201, created.statusCode(), created.body());
        return json(created).path("status").path("token").asText();
    }

    /** The service account {@code runner}, a Node {@code node-1} and a pod {@code web} of runner on it. */
    private JsonNode createServiceAccountPodAndNode() throws Exception {
        HttpResponse<String> sa = call(admin, "POST", "/api/v1/namespaces/default/serviceaccounts",
                serviceAccount("runner"), null);
        assertEquals(201, sa.statusCode(), sa.body());
        assertEquals(201, call(admin, "POST", "/api/v1/nodes",
                "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"node-1\"}}", null).statusCode());
        HttpResponse<String> pod = call(admin, "POST", "/api/v1/namespaces/default/pods",
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},\"spec\":{"
                        + "\"serviceAccountName\":\"runner\",\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"web\","
                        + "\"image\":\"nginx\"}]}}", null);
        assertEquals(201, pod.statusCode(), pod.body());
        return json(sa);
    }

    private static String serviceAccount(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"" + name + "\"}}";
    }

    private HttpResponse<String> call(HttpClient client, String method, String path, String body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static String uid(JsonNode object) {
        return object.path("metadata").path("uid").asText();
    }

    /** Trusts the server CA; presents the admin client certificate when {@code layout} is given. */
    private static HttpClient client(X509Certificate serverCa, PkiLayout layout) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server-ca", serverCa);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        if (layout == null) {
            tls.init(null, trustManagers.getTrustManagers(), null);
        } else {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("admin", PemFiles.readPrivateKey(layout.key(LeafCatalog.ADMIN)), new char[0],
                    new Certificate[] {PemFiles.readCertificate(layout.certificate(LeafCatalog.ADMIN))});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);
            tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        }
        return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

}
