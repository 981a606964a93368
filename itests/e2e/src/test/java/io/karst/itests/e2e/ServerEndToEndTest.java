package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The assembled distribution started with {@code bin/karst server} on a temporary data dir and free ports, then
 * used as a user would: the real kubectl, curl, the Karaf client, SIGTERM and a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir", "/usr/lib/google-cloud-sdk/bin"));

    // Static so that it exists before @BeforeAll; one server (one data dir) serves the whole class.
    @TempDir
    static Path tmp;

    private KarstServer server;
    private byte[] firstCa;
    private String firstToken;

    @BeforeAll
    void startServer() throws Exception {
        server = new KarstServer(tmp.resolve("data"), List.of("--tls-san", "karst.example.test")).start();
        server.awaitReady(Duration.ofSeconds(90));
        firstCa = Files.readAllBytes(server.serverCa());
        firstToken = Files.readString(server.dataDir.resolve("server/token")).trim();
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.29", "1.31", "1.33"})
    @Order(1)
    void kubectlVersionReachesTheServerWithTheAdminCertificate(String version) throws Exception {
        Commands.Result r = Commands.run(List.of(KUBECTLS.resolve("kubectl." + version).toString(),
                "--kubeconfig", server.kubeconfig.toString(), "version", "-o", "json"), Map.of(),
                Duration.ofSeconds(60));
        assertEquals(0, r.exit(), r::toString);
        JsonNode v = JSON.readTree(r.stdout());
        assertTrue(v.path("clientVersion").path("gitVersion").asText().startsWith("v" + version + "."), r::toString);
        assertTrue(v.path("serverVersion").path("gitVersion").asText().matches("v1\\.\\d+\\.\\d+\\+karst.*"),
                r::toString);
        assertEquals("1", v.path("serverVersion").path("major").asText());
    }

    @Test
    @Order(2)
    void karstKubectlRunsKubectlWithTheServersKubeconfig() throws Exception {
        Commands.Result r = Commands.run(List.of(Distribution.karst().toString(), "kubectl", "get", "--raw",
                "/version"), Map.of("KARST_KUBECONFIG_OUTPUT", server.kubeconfig.toString(),
                        "KARST_KUBECTL", KUBECTLS.resolve("kubectl.1.33").toString(),
                        "KARST_CONFIG_FILE", tmp.resolve("empty-config.yaml").toString()), Duration.ofSeconds(60));
        assertEquals(0, r.exit(), r::toString);
        assertEquals("33", JSON.readTree(r.stdout()).path("minor").asText(), r::toString);
    }

    @Test
    @Order(2)
    void kubeconfigIsWrittenWithModeSixHundred() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.kubeconfig)));
        String text = Files.readString(server.kubeconfig);
        assertTrue(text.contains("server: https://127.0.0.1:" + server.httpsPort), text);
    }

    @Test
    @Order(2)
    void anonymousRequestsGetOnlyWhatRbacGrantsAndBadCredentialsAreUnauthorized() throws Exception {
        // without credentials a request is system:anonymous, which the bootstrap policy grants no resource
        HttpResponse<String> r = server.get("/api");
        assertEquals(403, r.statusCode(), r.body());
        JsonNode status = JSON.readTree(r.body());
        assertEquals("Status", status.path("kind").asText());
        assertEquals("Forbidden", status.path("reason").asText());
        assertEquals("forbidden: User \"system:anonymous\" cannot get path \"/api\"", status.path("message").asText());
        Commands.Result secrets = Commands.run(List.of("curl", "-sk", "-w", "\n%{http_code}",
                server.url("/api/v1/secrets")), Map.of(), Duration.ofSeconds(30));
        assertTrue(secrets.stdout().endsWith("\n403"), secrets::toString);
        assertTrue(secrets.stdout().contains("secrets is forbidden: User \\\"system:anonymous\\\" cannot list resource "
                + "\\\"secrets\\\" in API group \\\"\\\" at the cluster scope"), secrets::toString);
        // credentials that prove nobody are 401, whatever the path
        for (String header : List.of("Authorization: Bearer not-a-token", "Authorization: Bearer abcdef.0123456789abcdef",
                "Authorization: Bearer a.b.c")) {
            Commands.Result bad = curl("-H", header, server.url("/api/v1/secrets"));
            assertTrue(bad.stdout().endsWith("401"), header + " " + bad);
        }
        assertTrue(server.get("/version").statusCode() == 200);
    }

    @Test
    @Order(2)
    void certificateFromAnotherCaIsRefusedEvenOnPublicPaths() throws Exception {
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        String key = foreign.resolve("ca.key").toString();
        String ca = foreign.resolve("ca.crt").toString();
        String clientKey = foreign.resolve("client.key").toString();
        String csr = foreign.resolve("client.csr").toString();
        String client = foreign.resolve("client.crt").toString();
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-out", ca, "-days", "2", "-subj", "/CN=foreign-ca");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", clientKey,
                "-out", csr, "-subj", "/O=system:masters/CN=intruder");
        openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", key, "-CAcreateserial", "-out", client, "-days",
                "2");
        for (String path : List.of("/version", "/api", "/livez")) {
            Commands.Result r = curl("--cert", client, "--key", clientKey, server.url(path));
            assertTrue(r.stdout().endsWith("401"), path + " " + r);
        }
        Commands.Result kubectl = Commands.run(List.of(KUBECTLS.resolve("kubectl.1.33").toString(),
                "--server", server.url(""), "--certificate-authority", server.serverCa().toString(),
                "--client-certificate", client, "--client-key", clientKey, "get", "--raw", "/version"), Map.of(),
                Duration.ofSeconds(60));
        assertNotEquals(0, kubectl.exit());
        assertTrue(kubectl.stderr().contains("Unauthorized"), kubectl::toString);
    }

    @Test
    @Order(2)
    void adminCertificateIsAcceptedByCurl() throws Exception {
        Commands.Result r = curl("--cert", server.tls("client-admin.crt").toString(), "--key",
                server.tls("client-admin.key").toString(), server.url("/version"));
        assertTrue(r.stdout().endsWith("200"), r::toString);
    }

    @Test
    @Order(2)
    void healthEndpointsAnswerAsUpstream() throws Exception {
        assertEquals("ok", server.get("/livez").body());
        assertEquals("ok", server.get("/healthz").body());
        HttpResponse<String> verbose = server.get("/readyz?verbose");
        assertEquals(200, verbose.statusCode());
        assertTrue(verbose.body().contains("[+]ping ok"), verbose.body());
        assertTrue(verbose.body().contains("[+]shutdown ok"), verbose.body());
        assertTrue(verbose.body().contains("[+]etcd ok"), "the datastore check: " + verbose.body());
        assertTrue(verbose.body().endsWith("readyz check passed\n"), verbose.body());
        // anonymous requests get what system:public-info-viewer grants, as upstream: not one check by name
        HttpResponse<String> ping = server.get("/livez/ping");
        assertEquals(403, ping.statusCode(), ping.body());
        assertTrue(ping.body().contains("forbidden: User \\\"system:anonymous\\\" cannot get path \\\"/livez/ping\\\""),
                ping.body());
        String[] admin = {"--cert", server.tls("client-admin.crt").toString(), "--key",
                server.tls("client-admin.key").toString()};
        assertTrue(curl(admin[0], admin[1], admin[2], admin[3], server.url("/livez/ping")).stdout().endsWith("200"));
        assertTrue(curl(admin[0], admin[1], admin[2], admin[3], server.url("/livez/no-such-check")).stdout()
                .endsWith("404"));
        assertTrue(server.get("/readyz?verbose&exclude=ping").body().contains("[+]ping excluded: ok"));
    }

    @Test
    @Order(2)
    void cacertsServesTheServerCaWhoseHashIsInTheToken() throws Exception {
        HttpResponse<String> r = server.get("/cacerts");
        assertEquals(200, r.statusCode());
        byte[] served = r.body().getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(firstCa, served);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(served));
        assertTrue(firstToken.startsWith("K10" + hash + "::server:"), firstToken);
        assertEquals(firstToken, Files.readString(server.dataDir.resolve("server/node-token")).trim());
    }

    @Test
    @Order(3)
    void statusCommandRunsThroughTheKarafClient() throws Exception {
        Commands.Result r = server.shell("karst:status");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.stdout().contains("io.karst.apiserver"), r::toString);
        String apiserverRow = r.stdout().lines().filter(l -> l.contains("io.karst.apiserver")).findFirst().orElseThrow();
        assertTrue(apiserverRow.contains("Active") && apiserverRow.contains("yes")
                && apiserverRow.contains("karst.apiserver.ready"), apiserverRow);
        String storeRow = r.stdout().lines().filter(l -> l.contains("io.karst.datastore.sqlite")).findFirst()
                .orElseThrow();
        assertTrue(storeRow.contains("KeyValueStore") && storeRow.contains("yes"), storeRow);
        assertTrue(Files.exists(server.dataDir.resolve("server/db/state.db")), "the SQLite datastore file");
        String pkiRow = r.stdout().lines().filter(l -> l.contains("io.karst.pki")).findFirst().orElseThrow();
        assertTrue(pkiRow.contains("CertificateAuthority") && pkiRow.contains("TokenService"), pkiRow);
    }

    @Test
    @Order(3)
    void controllersCommandShowsTheLeaderAndEachController() throws Exception {
        // leadership is taken on the runtime's first attempt, right after the API serves
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        Commands.Result r = server.shell("karst:controllers");
        while (!r.stdout().contains("(leading)") && System.nanoTime() < deadline) {
            Thread.sleep(500);
            r = server.shell("karst:controllers");
        }
        Commands.Result shown = r;
        assertEquals(0, shown.exit(), shown::toString);
        assertTrue(shown.stdout().contains("(leading)"), shown::toString);
        String namespaceRow = shown.stdout().lines().filter(l -> l.trim().startsWith("namespace")).findFirst()
                .orElseThrow(() -> new AssertionError(shown.toString()));
        assertTrue(namespaceRow.contains("yes"), namespaceRow);
    }

    @Test
    @Order(3)
    void certificatesCommandListsTheManagedCertificates() throws Exception {
        Commands.Result shell = server.shell("karst:certificates");
        assertEquals(0, shell.exit(), shell::toString);
        Commands.Result cli = server.karst("certificate", "check", "--data-dir", server.dataDir.toString());
        assertEquals(0, cli.exit(), cli::toString);
        for (String name : List.of("server-ca", "client-ca", "serving-kube-apiserver", "client-admin")) {
            assertTrue(shell.stdout().contains(name), shell::toString);
            assertTrue(cli.stdout().contains(name), cli::toString);
        }
    }

    @Test
    @Order(3)
    void aBootstrapTokenIsASecretThatAuthenticatesUntilDeletedOrExpired() throws Exception {
        String dataDir = server.dataDir.toString();
        Commands.Result created = server.karst("token", "create", "--data-dir", dataDir, "--description", "e2e",
                "--groups", "system:bootstrappers:e2e");
        assertEquals(0, created.exit(), created::toString);
        String token = created.stdout().trim();
        assertTrue(token.matches("K10[0-9a-f]{64}::[a-z0-9]{6}\\.[a-z0-9]{16}"), token);
        assertEquals(firstToken.substring(0, firstToken.indexOf("::")), token.substring(0, token.indexOf("::")));
        String bearer = token.substring(token.indexOf("::") + 2);
        String id = bearer.substring(0, bearer.indexOf('.'));
        Commands.Result listed = server.karst("token", "list", "--data-dir", dataDir);
        assertTrue(listed.stdout().contains(id) && listed.stdout().contains("e2e")
                && listed.stdout().contains("system:bootstrappers:e2e"), listed::toString);
        Commands.Result secret = admin("get", "secret", "-n", "kube-system", "bootstrap-token-" + id,
                "-o", "jsonpath={.type}");
        assertEquals("bootstrap.kubernetes.io/token", secret.stdout(), secret::toString);

        for (String version : List.of("1.29", "1.33")) {
            Commands.Result whoami = withToken(version, bearer, "auth", "whoami");
            assertEquals(0, whoami.exit(), whoami::toString);
            assertTrue(whoami.stdout().contains("system:bootstrap:" + id), whoami::toString);
            assertTrue(whoami.stdout().contains("[system:bootstrappers system:bootstrappers:e2e "
                    + "system:authenticated]"), whoami::toString);
            Commands.Result forbidden = withToken(version, bearer, "get", "secrets", "-n", "kube-system");
            assertNotEquals(0, forbidden.exit());
            assertTrue(forbidden.stderr().contains("secrets is forbidden: User \"system:bootstrap:" + id + "\""),
                    forbidden::toString);
        }
        String wrongSecret = id + "." + (bearer.endsWith("0") ? "1" : "0").repeat(16);
        assertTrue(withToken("1.33", wrongSecret, "auth", "whoami").stderr().contains("Unauthorized"));

        assertEquals(0, server.karst("token", "delete", "--data-dir", dataDir, id).exit());
        assertTrue(!server.karst("token", "list", "--data-dir", dataDir).stdout().contains(id));
        assertTrue(withToken("1.33", bearer, "auth", "whoami").stderr().contains("Unauthorized"));

        // a short-lived token stops working when it expires, and the token cleaner removes its Secret
        Commands.Result brief = server.karst("token", "create", "--data-dir", dataDir, "--ttl", "3s");
        String briefBearer = brief.stdout().trim().substring(brief.stdout().trim().indexOf("::") + 2);
        String briefId = briefBearer.substring(0, 6);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (admin("get", "secret", "-n", "kube-system", "bootstrap-token-" + briefId).exit() == 0) {
            assertTrue(System.nanoTime() < deadline, "the expired token's Secret was not removed");
            Thread.sleep(500);
        }
        assertTrue(withToken("1.33", briefBearer, "auth", "whoami").stderr().contains("Unauthorized"));
    }

    private Commands.Result admin(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(KUBECTLS.resolve("kubectl.1.33").toString(),
                "--kubeconfig", server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of(), Duration.ofSeconds(60));
    }

    /** kubectl with nothing but the server, its CA and a bearer token (no client certificate). */
    private Commands.Result withToken(String version, String token, String... args) throws Exception {
        Path empty = tmp.resolve("empty-kubeconfig");
        Files.writeString(empty, "apiVersion: v1\nkind: Config\n");
        List<String> cmd = new java.util.ArrayList<>(List.of(KUBECTLS.resolve("kubectl." + version).toString(),
                "--kubeconfig", empty.toString(), "--server", server.url(""), "--certificate-authority",
                server.serverCa().toString(), "--token", token));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of(), Duration.ofSeconds(60));
    }

    @Test
    @Order(3)
    void agentRefusesATokenWhoseCaHashWasTamperedWith() throws Exception {
        String hash = firstToken.substring(3, firstToken.indexOf("::"));
        String tampered = "K10" + (hash.charAt(0) == 'a' ? 'b' : 'a') + hash.substring(1)
                + firstToken.substring(firstToken.indexOf("::"));
        Path agentData = tmp.resolve("agent");
        Commands.Result r = server.karst("agent", "--server", server.url(""), "--token", tampered, "--data-dir",
                agentData.toString(), "--admin-ssh-port", "0");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.stderr().contains("does not match the hash in the token"), r::toString);
        assertTrue(!Files.exists(agentData.resolve("agent/karaf")), "a refused agent prepares nothing");
    }

    @Test
    @Order(3)
    void secondServerFromTheSameInstallationRunsBesideTheFirst() throws Exception {
        try (KarstServer second = new KarstServer(tmp.resolve("second"), List.of()).start()) {
            second.awaitReady(Duration.ofSeconds(90));
            assertEquals("ok", second.get("/livez").body());
            assertTrue(!java.util.Arrays.equals(firstCa, Files.readAllBytes(second.serverCa())),
                    "each data dir has its own CA");
        }
        assertEquals("ok", server.get("/livez").body());
    }

    @Test
    @Order(4)
    void sigtermStopsTheServerAndReleasesItsPortsAndRestartKeepsCaAndToken() throws Exception {
        int exit = server.stop();
        assertTrue(exit == 0 || exit == 143, "exit code " + exit);
        assertTrue(FreePort.isFree(server.httpsPort), "HTTPS port still bound");
        assertTrue(FreePort.isFree(server.sshPort), "ssh port still bound");
        String log = server.logText();
        assertTrue(log.contains("Karst API server stopped"), log);

        server = new KarstServer(server.dataDir, List.of("--tls-san", "karst.example.test")).start();
        server.awaitReady(Duration.ofSeconds(90));
        assertArrayEquals(firstCa, Files.readAllBytes(server.serverCa()));
        assertEquals(firstToken, Files.readString(server.dataDir.resolve("server/token")).trim());
        Commands.Result again = curl("--cert", server.tls("client-admin.crt").toString(), "--key",
                server.tls("client-admin.key").toString(), server.url("/version"));
        assertTrue(again.stdout().endsWith("200"), again::toString);
    }

    private Commands.Result curl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--cacert", server.serverCa().toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of(), Duration.ofSeconds(30));
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Commands.Result r = Commands.run(cmd, Map.of(), Duration.ofSeconds(30));
        assertEquals(0, r.exit(), r::toString);
    }
}
