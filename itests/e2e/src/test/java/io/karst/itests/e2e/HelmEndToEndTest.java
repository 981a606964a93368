package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real Helm client drives a chart made by its own {@code helm create} through install, list, upgrade, rollback,
 * history, status and uninstall against the assembled distribution, and kubectl 1.33 checks what each step left in
 * the cluster. Helm talks to the server through a {@link RecordingApiProxy}, so the test also sees which encoding
 * each Helm version chose for the release Secrets it writes: JSON from Helm 3.12 (client-go 0.27), protobuf from
 * Helm 3.17 and 4.1 (client-go 0.32 and later make the typed clients prefer protobuf). The server runs without a
 * node, so the chart's pod never starts: the lifecycle runs without {@code --wait}, and {@code --wait} is shown on a
 * release with no replicas.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HelmEndToEndTest {
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));
    private static final Path HELMS = Path.of(System.getProperty("karst.helm.dir", "../../.tools/helm"));
    private static final String JSON = "application/json";
    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One Helm release line.
     *
     * @param secretEncoding the Content-Type this Helm's storage driver sends release Secrets with
     * @param chartHasPodLabels whether its {@code helm create} template has {@code podLabels} (Helm 3.13 added it)
     * @param writeFlags flags every install, upgrade and rollback gets
     */
    record HelmClient(String version, String secretEncoding, boolean chartHasPodLabels, List<String> writeFlags) {
        @Override
        public String toString() {
            return "helm " + version;
        }
    }

    static Stream<HelmClient> helms() {
        return Stream.of(
                new HelmClient("3.12", JSON, false, List.of()),
                new HelmClient("3.17", PROTOBUF, true, List.of()),
                // Helm 4 installs, upgrades and rolls back with server-side apply by default
                new HelmClient("4.1", PROTOBUF, true, List.of()));
    }

    @TempDir
    static Path tmp;

    private KarstServer server;
    private RecordingApiProxy proxy;
    private Path helmKubeconfig;
    /** Wall time of each Helm subcommand in the current test, printed at its end. */
    private final Map<String, Long> millis = new LinkedHashMap<>();

    @BeforeAll
    void startServer() throws Exception {
        server = new KarstServer(tmp.resolve("data"), List.of()).start();
        server.awaitReady(Duration.ofSeconds(90));
        // Helm reaches the server through the proxy as a cluster admin: the proxy presents this ServiceAccount's token
        ok(null, "create", "serviceaccount", "helm", "-n", "kube-system");
        ok(null, "create", "clusterrolebinding", "helm-admin", "--clusterrole=cluster-admin",
                "--serviceaccount=kube-system:helm");
        String token = ok(null, "create", "token", "helm", "-n", "kube-system", "--duration=2h").stdout().trim();
        proxy = new RecordingApiProxy(server.url(""), server.trustingServerCa(), token);
        helmKubeconfig = tmp.resolve("helm-kubeconfig.yaml");
        Files.writeString(helmKubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: karst
                  cluster:
                    server: %s
                contexts:
                - name: karst
                  context:
                    cluster: karst
                current-context: karst
                """.formatted(proxy.url()));
    }

    @AfterAll
    void stopServer() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        server.close();
    }

    private Commands.Result kubectl(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTLS.resolve("kubectl.1.33").toString(),
                "--kubeconfig", server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.resolve("home-kubectl").toString()), Duration.ofSeconds(60),
                stdin);
    }

    private Commands.Result ok(String stdin, String... args) throws Exception {
        Commands.Result r = kubectl(stdin, args);
        assertEquals(0, r.exit(), () -> "kubectl " + String.join(" ", args) + " -> " + r);
        return r;
    }

    private Commands.Result helm(HelmClient client, String... args) throws Exception {
        return helm(client, helmKubeconfig, args);
    }

    private Commands.Result helm(HelmClient client, Path kubeconfig, String... args) throws Exception {
        Path binary = HELMS.resolve("helm." + client.version());
        assertTrue(Files.isExecutable(binary), binary + " is missing: scripts/install-helm puts it there");
        List<String> cmd = new ArrayList<>(List.of(binary.toString()));
        cmd.addAll(List.of(args));
        Path home = tmp.resolve("home-helm-" + client.version());
        long start = System.nanoTime();
        Commands.Result r = Commands.run(cmd, Map.of(
                "HOME", home.toString(),
                "HELM_CACHE_HOME", home.resolve("cache").toString(),
                "HELM_CONFIG_HOME", home.resolve("config").toString(),
                "HELM_DATA_HOME", home.resolve("data").toString(),
                "KUBECONFIG", kubeconfig.toString()), Duration.ofSeconds(120));
        millis.merge(args[0], (System.nanoTime() - start) / 1_000_000, Long::sum);
        assertEquals(0, r.exit(), () -> "helm " + client.version() + " " + String.join(" ", args) + " -> " + r);
        return r;
    }

    /** install, upgrade and rollback: the subcommand and its arguments, then the version's write flags. */
    private Commands.Result helmWrite(HelmClient client, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(client.writeFlags());
        return helm(client, all.toArray(String[]::new));
    }

    private static JsonNode json(Commands.Result r) throws Exception {
        return MAPPER.readTree(r.stdout());
    }

    private String jsonpath(String namespace, String object, String path) throws Exception {
        return ok(null, "get", object, "-n", namespace, "-o", "jsonpath={" + path + "}").stdout();
    }

    /** The release Secrets of {@code web}, as "name status" lines in revision order. */
    private List<String> releaseSecrets(String namespace) throws Exception {
        String out = ok(null, "get", "secrets", "-n", namespace, "-l", "owner=helm,name=web", "--sort-by",
                ".metadata.name", "-o", "jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.status}"
                        + " {.type}{\"\\n\"}{end}").stdout();
        return out.lines().toList();
    }

    private void awaitGone(String namespace, String kinds) throws Exception {
        String left = "";
        for (int i = 0; i < 60; i++) {
            left = ok(null, "get", kinds, "-n", namespace, "-l", "app.kubernetes.io/instance=web", "-o", "name")
                    .stdout().trim();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(kinds + " of the release still there after 30 s: " + left);
    }

    @ParameterizedTest
    @MethodSource("helms")
    void installUpgradeRollbackAndUninstallAChartFromHelmCreate(HelmClient client) throws Exception {
        String namespace = "helm-" + client.version().replace(".", "");
        Path charts = Files.createDirectories(tmp.resolve("charts-" + client.version()));
        helm(client, "create", charts.resolve("demo").toString());
        String chart = charts.resolve("demo").toString();
        proxy.forget();
        millis.clear();

        // install: the release Secret, and the chart's Deployment, Service and ServiceAccount
        helmWrite(client, "install", "web", chart, "-n", namespace, "--create-namespace");
        assertEquals(List.of("sh.helm.release.v1.web.v1 deployed helm.sh/release.v1"), releaseSecrets(namespace));
        assertEquals("1", jsonpath(namespace, "deployment/web-demo", ".spec.replicas"));
        assertEquals("80", jsonpath(namespace, "service/web-demo", ".spec.ports[0].port"));
        assertEquals("web-demo", jsonpath(namespace, "serviceaccount/web-demo", ".metadata.name"));
        assertEquals("Helm", jsonpath(namespace, "deployment/web-demo",
                ".metadata.labels.app\\.kubernetes\\.io/managed-by"));
        assertEquals("web", jsonpath(namespace, "deployment/web-demo",
                ".metadata.annotations.meta\\.helm\\.sh/release-name"));
        JsonNode listed = json(helm(client, "list", "-n", namespace, "-o", "json"));
        assertEquals(1, listed.size(), listed::toString);
        assertEquals("web", listed.get(0).path("name").asText());
        assertEquals("1", listed.get(0).path("revision").asText());
        assertEquals("deployed", listed.get(0).path("status").asText());
        assertEquals("demo-0.1.0", listed.get(0).path("chart").asText());

        // upgrade with changed values: the Deployment is patched, revision 2 supersedes 1
        helmWrite(client, "upgrade", "web", chart, "-n", namespace, "--set", "replicaCount=3",
                "--set", "podLabels.tier=web", "--set", "podAnnotations.tier=web");
        assertEquals("3", jsonpath(namespace, "deployment/web-demo", ".spec.replicas"));
        assertEquals("web", jsonpath(namespace, "deployment/web-demo", ".spec.template.metadata.annotations.tier"));
        if (client.chartHasPodLabels()) {
            assertEquals("web", jsonpath(namespace, "deployment/web-demo", ".spec.template.metadata.labels.tier"));
        }
        assertEquals(List.of("sh.helm.release.v1.web.v1 superseded helm.sh/release.v1",
                "sh.helm.release.v1.web.v2 deployed helm.sh/release.v1"), releaseSecrets(namespace));
        assertEquals(3, json(helm(client, "get", "values", "web", "-n", namespace, "-o", "json"))
                .path("replicaCount").asInt());

        // rollback to 1: revision 3 with revision 1's values, and the Deployment patched back
        helmWrite(client, "rollback", "web", "1", "-n", namespace);
        assertEquals("1", jsonpath(namespace, "deployment/web-demo", ".spec.replicas"));
        assertEquals("", jsonpath(namespace, "deployment/web-demo", ".spec.template.metadata.annotations.tier"));
        assertEquals("", jsonpath(namespace, "deployment/web-demo", ".spec.template.metadata.labels.tier"));
        assertEquals(List.of("sh.helm.release.v1.web.v1 superseded helm.sh/release.v1",
                "sh.helm.release.v1.web.v2 superseded helm.sh/release.v1",
                "sh.helm.release.v1.web.v3 deployed helm.sh/release.v1"), releaseSecrets(namespace));
        JsonNode history = json(helm(client, "history", "web", "-n", namespace, "-o", "json"));
        assertEquals(3, history.size(), history::toString);
        assertEquals(List.of("superseded", "superseded", "deployed"),
                List.of(history.get(0).path("status").asText(), history.get(1).path("status").asText(),
                        history.get(2).path("status").asText()));
        assertEquals("Rollback to 1", history.get(2).path("description").asText());
        JsonNode status = json(helm(client, "status", "web", "-n", namespace, "-o", "json"));
        assertEquals(3, status.path("version").asInt(), status::toString);
        assertEquals("deployed", status.path("info").path("status").asText());
        // revision 3 carries revision 1's user values: none
        assertEquals("null", helm(client, "get", "values", "web", "-n", namespace, "-o", "json").stdout().trim());

        // uninstall: the chart's objects and every release Secret are gone
        helm(client, "uninstall", "web", "-n", namespace);
        assertEquals("", ok(null, "get", "deployments,services,serviceaccounts,secrets", "-n", namespace,
                "-l", "app.kubernetes.io/instance=web", "-o", "name").stdout().trim());
        assertEquals(List.of(), releaseSecrets(namespace));
        // Helm deletes the Deployment in the background: the garbage collector takes its ReplicaSets and pods
        awaitGone(namespace, "replicasets,pods");
        assertEquals(0, json(helm(client, "list", "-n", namespace, "-o", "json")).size());

        // the wire: every release Secret Helm created (install, upgrade, rollback) or updated (the superseded
        // ones) went out in the encoding its client-go prefers, and the server took it
        String secrets = "/api/v1/namespaces/" + namespace + "/secrets";
        List<RecordingApiProxy.Request> created = proxy.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals(secrets)).toList();
        assertEquals(3, created.size(), proxy.requests()::toString);
        created.forEach(r -> assertEquals(client.secretEncoding(), r.contentType(), r::toString));
        List<RecordingApiProxy.Request> updated = proxy.requests().stream()
                .filter(r -> r.method().equals("PUT") && r.path().startsWith(secrets + "/sh.helm.release.v1.web."))
                .toList();
        assertFalse(updated.isEmpty(), proxy.requests()::toString);
        updated.forEach(r -> assertEquals(client.secretEncoding(), r.contentType(), r::toString));
        System.out.println(client + " against Karst, wall time per subcommand (ms, summed over calls): " + millis);
    }

    /**
     * {@code --wait} on a release whose Deployment has no replicas, so it can become Available without a node: Helm
     * 3 polls the Deployment and its ReplicaSet, Helm 4 watches them (kstatus), so this needs the deployment
     * controller's status and conditions. Straight to the server: the recording proxy does not stream watches.
     */
    @ParameterizedTest
    @MethodSource("helms")
    void waitReturnsOnceTheReleaseIsReadyAndUninstallWaitsForItsObjectsToGo(HelmClient client) throws Exception {
        String namespace = "helm-wait-" + client.version().replace(".", "");
        Path charts = Files.createDirectories(tmp.resolve("wait-charts-" + client.version()));
        helm(client, server.kubeconfig, "create", charts.resolve("demo").toString());
        List<String> install = new ArrayList<>(List.of("install", "web", charts.resolve("demo").toString(),
                "-n", namespace, "--create-namespace", "--set", "replicaCount=0", "--wait", "--timeout", "60s"));
        install.addAll(client.writeFlags());
        String out = helm(client, server.kubeconfig, install.toArray(String[]::new)).stdout();
        assertTrue(out.contains("STATUS: deployed"), out);
        assertEquals("True", jsonpath(namespace, "deployment/web-demo",
                ".status.conditions[?(@.type==\"Available\")].status"));
        helm(client, server.kubeconfig, "uninstall", "web", "-n", namespace, "--wait", "--timeout", "60s");
        assertEquals("", ok(null, "get", "deployments,services,serviceaccounts", "-n", namespace,
                "-l", "app.kubernetes.io/instance=web", "-o", "name").stdout().trim());
    }

    /**
     * A chart that brings its own CustomResourceDefinition in {@code crds/} and an object of it in a template, as
     * operator charts do: Helm creates the CRD first, waits until discovery serves it, then installs the custom
     * resource; upgrade patches it (a merge patch: strategic merge does not apply to custom resources); uninstall
     * deletes the custom resource but, by Helm's rule, never the CRD. Straight to the server, like the test above.
     */
    @ParameterizedTest
    @MethodSource("helms")
    void installsUpgradesAndUninstallsAChartThatBringsItsOwnCrd(HelmClient client) throws Exception {
        String version = client.version().replace(".", "");
        String namespace = "helm-crd-" + version;
        String group = "h" + version + ".example.com";
        Path chart = Files.createDirectories(tmp.resolve("crd-charts-" + client.version())).resolve("gadgets");
        helm(client, server.kubeconfig, "create", chart.toString());
        Files.createDirectories(chart.resolve("crds"));
        Files.writeString(chart.resolve("crds/gadgets.yaml"), """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: gadgets.GROUP
                spec:
                  group: GROUP
                  scope: Namespaced
                  names: {plural: gadgets, singular: gadget, kind: Gadget}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            properties:
                              size: {type: integer}
                """.replace("GROUP", group));
        Files.writeString(chart.resolve("templates/gadget.yaml"), """
                apiVersion: GROUP/v1
                kind: Gadget
                metadata:
                  name: {{ include "gadgets.fullname" . }}
                spec:
                  size: {{ .Values.replicaCount }}
                """.replace("GROUP", group));
        List<String> install = new ArrayList<>(List.of("install", "web", chart.toString(), "-n", namespace,
                "--create-namespace"));
        install.addAll(client.writeFlags());
        helm(client, server.kubeconfig, install.toArray(String[]::new));
        assertEquals("1", jsonpath(namespace, "gadgets." + group + "/web-gadgets", ".spec.size"));

        List<String> upgrade = new ArrayList<>(List.of("upgrade", "web", chart.toString(), "-n", namespace,
                "--set", "replicaCount=4"));
        upgrade.addAll(client.writeFlags());
        helm(client, server.kubeconfig, upgrade.toArray(String[]::new));
        assertEquals("4", jsonpath(namespace, "gadgets." + group + "/web-gadgets", ".spec.size"));

        helm(client, server.kubeconfig, "uninstall", "web", "-n", namespace);
        assertEquals("", ok(null, "get", "gadgets." + group, "-n", namespace, "-o", "name").stdout().trim());
        assertEquals("customresourcedefinition.apiextensions.k8s.io/gadgets." + group,
                ok(null, "get", "crd", "gadgets." + group, "-o", "name").stdout().trim());
    }
}
