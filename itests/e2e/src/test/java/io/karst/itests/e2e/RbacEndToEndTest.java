package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * RBAC with the real kubectl 1.27 and 1.33: a user whose certificate the client CA signed, and a service account's
 * token, are forbidden everything until a binding grants it, then allowed exactly that; {@code auth can-i},
 * {@code can-i --list} and {@code auth whoami} answer from the server's access reviews.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RbacEndToEndTest {
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));
    private static final List<String> VERSIONS = List.of("1.27", "1.33");

    @TempDir
    static Path tmp;

    private KarstServer server;
    private Path alice;

    @BeforeAll
    void startServer() throws Exception {
        server = new KarstServer(tmp.resolve("data"), List.of("--audit-log-path", auditLog().toString())).start();
        server.awaitReady(Duration.ofSeconds(90));
        alice = userKubeconfig("alice", "devs");
        admin("create", "namespace", "team");
        admin("create", "namespace", "other");
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    /**
     * A kubeconfig for a new user (CN user, O group) from {@code karst kubeconfig user}: a key made by the command
     * and a certificate of the cluster's client CA, as {@code kubeadm kubeconfig user} hands one out.
     */
    private Path userKubeconfig(String user, String group) throws Exception {
        Commands.Result made = server.karst("kubeconfig", "user", "--client-name", user, "--org", group,
                "--server", server.url(""), "--data-dir", server.dataDir.toString());
        assertEquals(0, made.exit(), made::toString);
        Path file = tmp.resolve(user.replace(':', '_') + ".kubeconfig");
        Files.writeString(file, made.stdout());
        // the certificate and key as files too, for curl
        Files.write(tmp.resolve(user + ".crt"), embedded(made.stdout(), "client-certificate-data"));
        Files.write(tmp.resolve(user + ".key"), embedded(made.stdout(), "client-key-data"));
        return file;
    }

    private static byte[] embedded(String kubeconfig, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(field + ": (\\S+)").matcher(kubeconfig);
        assertTrue(m.find(), field + " in " + kubeconfig);
        return java.util.Base64.getDecoder().decode(m.group(1));
    }

    private Path kubeconfig(String user, String credentials) throws Exception {
        Path file = tmp.resolve(user + ".kubeconfig");
        Files.writeString(file, "apiVersion: v1\nkind: Config\nclusters:\n- name: karst\n  cluster:\n"
                + "    server: " + server.url("") + "\n    certificate-authority: " + server.serverCa() + "\n"
                + "users:\n- name: " + user + "\n  user:\n    " + credentials + "\n"
                + "contexts:\n- name: " + user + "\n  context:\n    cluster: karst\n    user: " + user + "\n"
                + "current-context: " + user + "\n");
        return file;
    }

    private static void run(List<String> cmd) throws Exception {
        Commands.Result r = Commands.run(cmd, Map.of(), Duration.ofSeconds(30));
        assertEquals(0, r.exit(), r::toString);
    }

    private Commands.Result kubectl(String version, Path config, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTLS.resolve("kubectl." + version).toString(),
                "--kubeconfig", config.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(60));
    }

    private Commands.Result admin(String... args) throws Exception {
        Commands.Result r = kubectl("1.33", server.kubeconfig, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
        return r;
    }

    /** Retries until the command succeeds: a binding is in force once its watch event reaches the authorizer. */
    private Duration awaitAllowed(String version, Path config, String... args) throws Exception {
        Instant start = Instant.now();
        Commands.Result r = null;
        while (Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0) {
            r = kubectl(version, config, args);
            if (r.exit() == 0) {
                return Duration.between(start, Instant.now());
            }
            Thread.sleep(100);
        }
        throw new AssertionError(String.join(" ", args) + " still refused: " + r);
    }

    @Test
    void aCertificateUserIsForbiddenUntilBoundThenReadsOnlyThatNamespace() throws Exception {
        for (String v : VERSIONS) {
            Commands.Result refused = kubectl(v, alice, "get", "pods", "-n", "team");
            assertNotEquals(0, refused.exit());
            assertTrue(refused.stderr().contains("pods is forbidden: User \"alice\" cannot list resource \"pods\" in "
                    + "API group \"\" in the namespace \"team\""), refused::toString);
            Commands.Result no = kubectl(v, alice, "auth", "can-i", "list", "pods", "-n", "team");
            assertEquals("no", no.stdout().trim(), no::toString);
        }
        admin("create", "rolebinding", "alice-view", "--clusterrole=view", "--user=alice", "-n", "team");
        Duration took = awaitAllowed("1.33", alice, "get", "pods", "-n", "team");
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "the binding took " + took);
        for (String v : VERSIONS) {
            Commands.Result list = kubectl(v, alice, "get", "configmaps,services,pods", "-n", "team");
            assertEquals(0, list.exit(), list::toString);
            Commands.Result other = kubectl(v, alice, "get", "pods", "-n", "other");
            assertTrue(other.stderr().contains("in the namespace \"other\""), other::toString);
            Commands.Result everywhere = kubectl(v, alice, "get", "pods", "-A");
            assertTrue(everywhere.stderr().contains("cannot list resource \"pods\" in API group \"\" at the cluster "
                    + "scope"), everywhere::toString);
            Commands.Result secrets = kubectl(v, alice, "get", "secrets", "-n", "team");
            assertNotEquals(0, secrets.exit(), "view does not read secrets: " + secrets);
            assertEquals("yes", kubectl(v, alice, "auth", "can-i", "list", "pods", "-n", "team").stdout().trim());
            assertEquals("no", kubectl(v, alice, "auth", "can-i", "delete", "pods", "-n", "team").stdout().trim());
            assertEquals("no", kubectl(v, alice, "auth", "can-i", "list", "pods", "-n", "other").stdout().trim());
            Commands.Result rules = kubectl(v, alice, "auth", "can-i", "--list", "-n", "team");
            assertEquals(0, rules.exit(), rules::toString);
            assertTrue(rules.stdout().lines().anyMatch(l -> l.startsWith("pods ") && l.contains("[get list watch]")),
                    rules::toString);
            assertTrue(rules.stdout().contains("selfsubjectaccessreviews.authorization.k8s.io"), rules::toString);
            Commands.Result refusedWrite = kubectl(v, alice, "create", "configmap", "x", "-n", "team");
            assertTrue(refusedWrite.stderr().contains("configmaps is forbidden: User \"alice\" cannot create "
                    + "resource \"configmaps\" in API group \"\" in the namespace \"team\""), refusedWrite::toString);
        }
        assertNotEquals(0, kubectl("1.33", server.kubeconfig, "get", "configmap", "x", "-n", "team").exit(),
                "a refused create writes nothing");
    }

    @Test
    void whoAmIAndTheAdministratorsRights() throws Exception {
        Commands.Result me = kubectl("1.33", alice, "auth", "whoami", "-o", "jsonpath={.status.userInfo}");
        assertEquals(0, me.exit(), me::toString);
        assertTrue(me.stdout().contains("\"username\":\"alice\""), me::toString);
        assertTrue(me.stdout().contains("\"devs\"") && me.stdout().contains("system:authenticated"), me::toString);
        Commands.Result admin = admin("auth", "whoami", "-o", "jsonpath={.status.userInfo.groups}");
        assertTrue(admin.stdout().contains("system:masters"), admin::toString);
        for (String v : VERSIONS) {
            assertEquals("yes", kubectl(v, server.kubeconfig, "auth", "can-i", "*", "*").stdout().trim());
            assertEquals("no", kubectl(v, alice, "auth", "can-i", "get", "nodes").stdout().trim());
            assertEquals("yes", kubectl(v, alice, "auth", "can-i", "get", "/version").stdout().trim());
            assertEquals("no", kubectl(v, alice, "auth", "can-i", "get", "/metrics").stdout().trim());
        }
        Commands.Result path = kubectl("1.33", alice, "get", "--raw", "/metrics");
        assertTrue(path.stderr().contains("forbidden: User \\\"alice\\\" cannot get path \\\"/metrics\\\"")
                || path.stderr().contains("forbidden: User \"alice\" cannot get path \"/metrics\""), path::toString);
    }

    /** A certificate of the cluster's client CA that expired in 2020, made with {@code openssl ca}'s dates. */
    private Path expiredKubeconfig(String user) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("expired-ca"));
        Path key = dir.resolve(user + ".key");
        Path csr = dir.resolve(user + ".csr");
        Path crt = dir.resolve(user + ".crt");
        Files.writeString(dir.resolve("index.txt"), "");
        Files.writeString(dir.resolve("serial"), "1000\n");
        Path config = dir.resolve("ca.cnf");
        Files.writeString(config, "[ca]\ndefault_ca = dated\n[dated]\ndatabase = " + dir.resolve("index.txt")
                + "\nnew_certs_dir = " + dir + "\nserial = " + dir.resolve("serial") + "\ndefault_md = sha256\n"
                + "policy = any\n[any]\ncommonName = supplied\norganizationName = optional\n");
        run(List.of("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                key.toString(), "-out", csr.toString(), "-subj", "/O=system:masters/CN=" + user));
        run(List.of("openssl", "ca", "-batch", "-config", config.toString(), "-cert",
                server.tls("client-ca.crt").toString(), "-keyfile", server.tls("client-ca.key").toString(), "-in",
                csr.toString(), "-out", crt.toString(), "-startdate", "20200101000000Z", "-enddate",
                "20200102000000Z", "-notext"));
        return kubeconfig(user, "client-certificate: " + crt + "\n    client-key: " + key);
    }

    @Test
    void anExpiredCertificateABadSignatureAndMalformedHeadersAreUnauthorizedAndTheServerServesOn() throws Exception {
        Path expired = expiredKubeconfig("late");
        admin("create", "serviceaccount", "signer", "-n", "team");
        String token = admin("create", "token", "signer", "-n", "team").stdout().trim();
        String[] parts = token.split("\\.");
        // the signature of another payload: same header and claims shape, not this key's signature of them
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        Path badSignature = kubeconfig("forged", "token: " + forged);
        for (String v : VERSIONS) {
            Commands.Result late = kubectl(v, expired, "get", "pods", "-n", "team");
            assertNotEquals(0, late.exit());
            assertTrue(late.stderr().contains("Unauthorized"), late::toString);
            Commands.Result forgedResult = kubectl(v, badSignature, "get", "pods", "-n", "team");
            assertNotEquals(0, forgedResult.exit());
            assertTrue(forgedResult.stderr().contains("Unauthorized"), forgedResult::toString);
        }
        for (String header : List.of("Authorization: Bearer", "Authorization: Bearer " + forged,
                "Authorization: Bearer \u00e9t\u00e9", "Authorization: Basic Zm9vOmJhcg==")) {
            List<String> cmd = List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                    server.serverCa().toString(), "-H", header, server.url("/api/v1/namespaces/team/pods"));
            Commands.Result r = Commands.run(cmd, Map.of(), Duration.ofSeconds(30));
            // upstream: an empty or foreign bearer token is 401; other schemes leave the request anonymous (403)
            String expected = header.startsWith("Authorization: Basic") || header.equals("Authorization: Bearer")
                    ? "403" : "401";
            assertEquals(expected, r.stdout(), header + " " + r);
        }
        assertEquals(0, kubectl("1.33", server.kubeconfig, "get", "pods", "-n", "team").exit());
    }

    @Test
    void aServiceAccountTokenIsForbiddenToListSecretsUntilBound() throws Exception {
        admin("create", "serviceaccount", "builder", "-n", "team");
        String token = admin("create", "token", "builder", "-n", "team").stdout().trim();
        Path config = kubeconfig("builder", "token: " + token);
        for (String v : VERSIONS) {
            Commands.Result refused = kubectl(v, config, "get", "secrets", "-n", "team");
            assertTrue(refused.stderr().contains("secrets is forbidden: User \"system:serviceaccount:team:builder\" "
                    + "cannot list resource \"secrets\" in API group \"\" in the namespace \"team\""),
                    refused::toString);
        }
        admin("create", "role", "secret-reader", "--verb=get,list", "--resource=secrets", "-n", "team");
        admin("create", "rolebinding", "builder-secrets", "--role=secret-reader", "--serviceaccount=team:builder",
                "-n", "team");
        awaitAllowed("1.33", config, "get", "secrets", "-n", "team");
        assertEquals(0, kubectl("1.27", config, "get", "secrets", "-n", "team").exit());
        assertNotEquals(0, kubectl("1.33", config, "get", "secrets", "-n", "other").exit());
        assertEquals("no", kubectl("1.33", config, "auth", "can-i", "delete", "secrets", "-n", "team").stdout()
                .trim());
        List<String> curl = List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                server.serverCa().toString(), "-H", "Authorization: Bearer " + token,
                server.url("/api/v1/namespaces/team/secrets"));
        assertEquals("200", Commands.run(curl, Map.of(), Duration.ofSeconds(30)).stdout());

        // the token dies with its service account
        admin("delete", "serviceaccount", "builder", "-n", "team");
        assertEquals("401", Commands.run(curl, Map.of(), Duration.ofSeconds(30)).stdout());
        for (String v : VERSIONS) {
            Commands.Result gone = kubectl(v, config, "get", "secrets", "-n", "team");
            assertNotEquals(0, gone.exit());
            assertTrue(gone.stderr().contains("Unauthorized"), gone::toString);
        }
    }

    @Test
    void aNodeReadsOnlyWhatItsPodsUseAndWritesOnlyItself() throws Exception {
        Path node = userKubeconfig("system:node:worker-x", "system:nodes");
        admin("create", "secret", "generic", "used", "--from-literal=k=v", "-n", "team");
        admin("create", "secret", "generic", "unused", "--from-literal=k=v", "-n", "team");
        Path pod = tmp.resolve("bound-pod.yaml");
        Files.writeString(pod, "apiVersion: v1\nkind: Pod\nmetadata: {name: bound, namespace: team}\nspec:\n"
                + "  nodeName: worker-x\n  containers: [{name: c, image: busybox}]\n"
                + "  volumes: [{name: s, secret: {secretName: used}}]\n");
        admin("apply", "-f", pod.toString());
        awaitAllowed("1.33", node, "get", "secret", "used", "-n", "team");
        for (String v : VERSIONS) {
            assertEquals(0, kubectl(v, node, "get", "secret", "used", "-n", "team").exit());
            Commands.Result other = kubectl(v, node, "get", "secret", "unused", "-n", "team");
            assertTrue(other.stderr().contains("secrets \"unused\" is forbidden: User \"system:node:worker-x\" cannot "
                    + "get resource \"secrets\" in API group \"\" in the namespace \"team\": no relationship found "
                    + "between node 'worker-x' and this object"), other::toString);
            assertNotEquals(0, kubectl(v, node, "get", "secrets", "-n", "team").exit(), "no listing secrets");
            assertEquals(0, kubectl(v, node, "get", "pods", "-A").exit(), "the system:node role reads pods");
            Commands.Result lease = kubectl(v, node, "get", "lease", "worker-y", "-n", "kube-node-lease");
            assertTrue(lease.stderr().contains("can only access node lease with the same name as the requesting "
                    + "node"), lease::toString);
        }
    }

    /** curl with a user's certificate and extra headers: status code, then the body. */
    private Commands.Result curlAs(String user, String path, String... headers) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-w", "\n%{http_code}", "--cacert",
                server.serverCa().toString(), "--cert", tmp.resolve(user + ".crt").toString(), "--key",
                tmp.resolve(user + ".key").toString()));
        for (String h : headers) {
            cmd.addAll(List.of("-H", h));
        }
        cmd.add(server.url(path));
        return Commands.run(cmd, Map.of(), Duration.ofSeconds(30));
    }

    @Test
    void theAdministratorActsAsWhomeverItImpersonates() throws Exception {
        // kubectl 1.27's whoami asks authentication.k8s.io/v1beta1, which Karst does not serve
        Commands.Result bob = kubectl("1.33", server.kubeconfig, "auth", "whoami", "--as=bob", "--as-group=devs",
                "-o", "jsonpath={.status.userInfo}");
        assertEquals(0, bob.exit(), bob::toString);
        assertTrue(bob.stdout().contains("\"username\":\"bob\"") && bob.stdout().contains("\"devs\"")
                && bob.stdout().contains("system:authenticated") && !bob.stdout().contains("system:masters"),
                bob::toString);
        for (String v : VERSIONS) {
            Commands.Result pods = kubectl(v, server.kubeconfig, "get", "pods", "-n", "team", "--as=bob");
            assertTrue(pods.stderr().contains("pods is forbidden: User \"bob\" cannot list resource \"pods\" in API "
                    + "group \"\" in the namespace \"team\""), pods::toString);
            assertEquals("no", kubectl(v, server.kubeconfig, "auth", "can-i", "list", "pods", "-n", "team",
                    "--as=bob").stdout().trim());
            assertEquals("yes", kubectl(v, server.kubeconfig, "auth", "can-i", "list", "pods", "-n", "team",
                    "--as=bob", "--as-group=system:masters").stdout().trim());
        }
        Commands.Result sa = kubectl("1.33", server.kubeconfig, "auth", "whoami",
                "--as=system:serviceaccount:team:robot", "-o", "jsonpath={.status.userInfo.groups}");
        assertTrue(sa.stdout().contains("\"system:serviceaccounts\",\"system:serviceaccounts:team\","
                + "\"system:authenticated\""), sa::toString);
    }

    @Test
    void impersonationNeedsTheImpersonateVerbOnEachPart() throws Exception {
        Path erin = userKubeconfig("erin", "staff");
        for (String v : VERSIONS) {
            Commands.Result refused = kubectl(v, erin, "get", "pods", "-n", "team", "--as=bob");
            assertTrue(refused.stderr().contains("users \"bob\" is forbidden: User \"erin\" cannot impersonate "
                    + "resource \"users\" in API group \"\" at the cluster scope"), refused::toString);
        }
        Commands.Result groupAlone = curlAs("erin", "/api/v1/namespaces/team/pods", "Impersonate-Group: devs");
        assertTrue(groupAlone.stdout().endsWith("\n500") && groupAlone.stdout().contains("without impersonating a "
                + "user"), groupAlone::toString);
        admin("create", "clusterrole", "impersonate-bob", "--verb=impersonate", "--resource=users",
                "--resource-name=bob");
        admin("create", "clusterrolebinding", "erin-impersonates-bob", "--clusterrole=impersonate-bob",
                "--user=erin");
        awaitAllowed("1.33", erin, "auth", "whoami", "--as=bob");
        for (String v : VERSIONS) {
            Commands.Result asBob = kubectl(v, erin, "get", "pods", "-n", "team", "--as=bob");
            assertTrue(asBob.stderr().contains("User \"bob\" cannot list resource \"pods\""), asBob::toString);
            Commands.Result carol = kubectl(v, erin, "get", "pods", "-n", "team", "--as=carol");
            assertTrue(carol.stderr().contains("users \"carol\" is forbidden"), carol::toString);
            Commands.Result masters = kubectl(v, erin, "get", "secrets", "-A", "--as=bob",
                    "--as-group=system:masters");
            assertTrue(masters.stderr().contains("groups \"system:masters\" is forbidden: User \"erin\" cannot "
                    + "impersonate resource \"groups\" in API group \"\" at the cluster scope"), masters::toString);
        }
        Commands.Result uid = curlAs("erin", "/api/v1/namespaces/team/pods", "Impersonate-User: bob",
                "Impersonate-Uid: 1");
        assertTrue(uid.stdout().endsWith("\n403") && uid.stdout().contains("uids.authentication.k8s.io \\\"1\\\" "
                + "is forbidden"), uid::toString);
    }

    @Test
    void rolesAndBindingsGrantOnlyWhatTheWriterHoldsUnlessEscalateOrBindIsAllowed() throws Exception {
        Path dave = userKubeconfig("dave", "staff");
        admin("create", "role", "rbac-writer", "--verb=create,get,update", "--resource=roles,rolebindings",
                "-n", "team");
        admin("create", "rolebinding", "dave-rbac", "--role=rbac-writer", "--user=dave", "-n", "team");
        awaitAllowed("1.33", dave, "get", "role", "rbac-writer", "-n", "team");
        for (String v : VERSIONS) {
            Commands.Result big = kubectl(v, dave, "create", "role", "big-" + v.replace(".", ""), "--verb=get",
                    "--resource=secrets", "-n", "team");
            assertNotEquals(0, big.exit());
            assertTrue(big.stderr().contains("roles.rbac.authorization.k8s.io \"big-" + v.replace(".", "")
                    + "\" is forbidden: user \"dave\" (groups=[\"staff\" \"system:authenticated\"]) is attempting "
                    + "to grant RBAC permissions not currently held:\n{APIGroups:[\"\"], Resources:[\"secrets\"], "
                    + "Verbs:[\"get\"]}"), big::toString);
            Commands.Result toView = kubectl(v, dave, "create", "rolebinding", "view-" + v.replace(".", ""),
                    "--clusterrole=view", "--user=frank", "-n", "team");
            assertTrue(toView.stderr().contains("rolebindings.rbac.authorization.k8s.io \"view-"
                    + v.replace(".", "") + "\" is forbidden: user \"dave\""), toView::toString);
        }
        assertNotEquals(0, kubectl("1.33", server.kubeconfig, "get", "role", "big-133", "-n", "team").exit(),
                "a refused role is not written");
        // what dave holds he may grant and bind
        admin(List.of("create", "role", "small", "--verb=get", "--resource=roles", "-n", "team"), dave);
        admin(List.of("create", "rolebinding", "small", "--role=small", "--user=frank", "-n", "team"), dave);
        // the identity an administrator impersonates is the one the write path checks
        Commands.Result asDave = kubectl("1.33", server.kubeconfig, "create", "role", "wide", "--verb=delete",
                "--resource=pods", "-n", "team", "--as=dave");
        assertTrue(asDave.stderr().contains("user \"dave\" (groups=[\"system:authenticated\"]) is attempting to "
                + "grant RBAC permissions not currently held"), asDave::toString);
        admin("create", "role", "escalator", "--verb=escalate", "--resource=roles", "-n", "team");
        admin("create", "rolebinding", "dave-escalates", "--role=escalator", "--user=dave", "-n", "team");
        admin("create", "clusterrole", "bind-view", "--verb=bind", "--resource=clusterroles", "--resource-name=view");
        admin("create", "rolebinding", "dave-binds-view", "--clusterrole=bind-view", "--user=dave", "-n", "team");
        awaitAllowed("1.33", dave, "create", "role", "big", "--verb=get", "--resource=secrets", "-n", "team");
        awaitAllowed("1.33", dave, "create", "rolebinding", "frank-view", "--clusterrole=view", "--user=frank",
                "-n", "team");
        Commands.Result edit = kubectl("1.33", dave, "create", "rolebinding", "frank-edit", "--clusterrole=edit",
                "--user=frank", "-n", "team");
        assertTrue(edit.stderr().contains("is attempting to grant RBAC permissions not currently held"),
                "bind was granted for view only: " + edit);
    }

    private void admin(List<String> args, Path config) throws Exception {
        Commands.Result r = kubectl("1.33", config, args.toArray(String[]::new));
        assertEquals(0, r.exit(), () -> args + " -> " + r);
    }

    private Commands.Result tokenReview(String version, Path config, String spec) throws Exception {
        Path review = Files.writeString(tmp.resolve("review.yaml"), "apiVersion: authentication.k8s.io/v1\n"
                + "kind: TokenReview\nspec: " + spec + "\n");
        return kubectl(version, config, "create", "-f", review.toString(), "-o", "jsonpath={.status}");
    }

    @Test
    void aTokenReviewSaysWhoAServiceAccountTokenIsAndWhyABadOneFails() throws Exception {
        admin("create", "serviceaccount", "reviewed", "-n", "other");
        String token = admin("create", "token", "reviewed", "-n", "other").stdout().trim();
        for (String v : VERSIONS) {
            Commands.Result ok = tokenReview(v, server.kubeconfig, "{token: " + token + "}");
            assertEquals(0, ok.exit(), ok::toString);
            assertTrue(ok.stdout().contains("\"authenticated\":true") && ok.stdout().contains(
                    "\"username\":\"system:serviceaccount:other:reviewed\""), ok::toString);
            Commands.Result garbage = tokenReview(v, server.kubeconfig, "{token: not-a-token}");
            assertTrue(garbage.stdout().contains("\"error\":\"invalid bearer token\"")
                    && !garbage.stdout().contains("authenticated"), garbage::toString);
            Commands.Result vault = tokenReview(v, server.kubeconfig, "{token: " + token + ", audiences: [vault]}");
            assertTrue(vault.stdout().contains("token audiences") && !vault.stdout().contains("\"authenticated\""),
                    vault::toString);
            Commands.Result refused = tokenReview(v, alice, "{token: " + token + "}");
            assertTrue(refused.stderr().contains("tokenreviews.authentication.k8s.io is forbidden: User \"alice\" "
                    + "cannot create resource \"tokenreviews\" in API group \"authentication.k8s.io\" at the "
                    + "cluster scope"), refused::toString);
        }
        Commands.Result resources = admin("api-resources", "--api-group=authentication.k8s.io");
        assertTrue(resources.stdout().lines().anyMatch(l -> l.startsWith("tokenreviews ")), resources::toString);
        admin("delete", "serviceaccount", "reviewed", "-n", "other");
        Commands.Result gone = tokenReview("1.33", server.kubeconfig, "{token: " + token + "}");
        assertTrue(gone.stdout().contains("\"error\":\"serviceaccounts \\\"reviewed\\\" not found\""),
                gone::toString);
    }

    private static Path auditLog() {
        return tmp.resolve("audit/audit.log");
    }

    /** The audit events whose requestURI starts with {@code uri}, read from the file the server appends to. */
    private static List<String> auditLines(String uri) throws Exception {
        return Files.readAllLines(auditLog()).stream().filter(l -> l.contains("\"requestURI\":\"" + uri)).toList();
    }

    @Test
    void theAuditLogHasOneMetadataEventPerRequestWithWhoWhatAndTheCode() throws Exception {
        Path grace = userKubeconfig("grace", "staff");
        Commands.Result refused = kubectl("1.33", grace, "get", "configmap", "audited", "-n", "other");
        assertNotEquals(0, refused.exit());
        admin("create", "configmap", "audited", "-n", "other");
        kubectl("1.33", server.kubeconfig, "get", "configmap", "audited", "-n", "other", "--as=bob");
        Instant until = Instant.now().plusSeconds(5);
        List<String> events = auditLines("/api/v1/namespaces/other/configmaps/audited");
        while (events.size() < 2 && Instant.now().isBefore(until)) {
            Thread.sleep(100);
            events = auditLines("/api/v1/namespaces/other/configmaps/audited");
        }
        assertEquals(2, events.size(), events::toString);
        String forbidden = events.get(0);
        assertTrue(forbidden.contains("\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":"
                + "\"Metadata\""), forbidden);
        assertTrue(forbidden.contains("\"stage\":\"ResponseComplete\"") && forbidden.contains("\"verb\":\"get\"")
                && forbidden.contains("\"user\":{\"username\":\"grace\",\"groups\":[\"staff\","
                        + "\"system:authenticated\"]}")
                && forbidden.contains("\"objectRef\":{\"resource\":\"configmaps\",\"namespace\":\"other\",\"name\":"
                + "\"audited\",\"apiVersion\":\"v1\"}") && forbidden.contains("\"responseStatus\":{\"metadata\":{},"
                + "\"status\":\"Failure\",\"message\":\"configmaps \\\"audited\\\" is forbidden") && forbidden.contains(
                "\"reason\":\"Forbidden\"") && forbidden.contains("\"authorization.k8s.io/decision\":\"forbid\"")
                && forbidden.contains("\"sourceIPs\":[\"127.0.0.1\"]"), forbidden);
        String impersonated = events.get(1);
        assertTrue(impersonated.contains("\"impersonatedUser\":{\"username\":\"bob\"")
                && impersonated.contains("\"code\":403") && impersonated.contains("system:masters"), impersonated);
        List<String> created = auditLines("/api/v1/namespaces/other/configmaps?");
        assertTrue(created.stream().anyMatch(l -> l.contains("\"verb\":\"create\"") && l.contains("\"code\":201")),
                created::toString);
    }
}
