package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The resource API driven by the real kubectl 1.27, 1.29, 1.31 and 1.33 and by curl: discovery, CRUD, selectors,
 * pagination, optimistic concurrency, watch, wait, cascading deletion, and refused bad input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceApiEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));

    @TempDir
    static Path tmp;

    private KarstServer server;

    @BeforeAll
    void startServer() throws Exception {
        server = new KarstServer(tmp.resolve("data"), List.of()).start();
        server.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    private Commands.Result kubectl(String version, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTLS.resolve("kubectl." + version).toString(),
                "--kubeconfig", server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(60), stdin);
    }

    private Commands.Result ok(String version, String stdin, String... args) throws Exception {
        Commands.Result r = kubectl(version, stdin, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
        return r;
    }

    @Test
    void theKubernetesServiceHasTheServersAddressAsEndpointsAndEndpointSlice() throws Exception {
        ok("1.33", null, "wait", "--for=jsonpath={.subsets[0].ports[0].port}=" + server.httpsPort,
                "endpoints/kubernetes", "--timeout=30s");
        String ip = ok("1.33", null, "get", "endpoints", "kubernetes", "-o",
                "jsonpath={.subsets[0].addresses[*].ip}").stdout().trim();
        assertTrue(ip.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"), "one IPv4 address: " + ip);
        ok("1.33", null, "wait", "--for=jsonpath={.endpoints[0].addresses[0]}=" + ip, "endpointslice/kubernetes",
                "--timeout=30s");
        assertEquals("kubernetes", ok("1.33", null, "get", "endpointslice", "kubernetes", "-o",
                "jsonpath={.metadata.labels.kubernetes\\.io/service-name}").stdout().trim());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.29", "1.31", "1.33"})
    void apiResourcesAndVersionsComeFromDiscovery(String version) throws Exception {
        String resources = ok(version, null, "api-resources").stdout();
        assertTrue(resources.lines().anyMatch(l -> l.matches("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment")),
                resources);
        assertTrue(resources.lines().anyMatch(l -> l.matches("pods\\s+po\\s+v1\\s+true\\s+Pod")), resources);
        String versions = ok(version, null, "api-versions").stdout();
        assertTrue(versions.lines().anyMatch("apps/v1"::equals), versions);
        assertTrue(versions.lines().anyMatch("v1"::equals), versions);
        String namespaces = ok(version, null, "get", "namespaces", "-o", "name").stdout();
        for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
            assertTrue(namespaces.contains("namespace/" + ns), namespaces);
        }
        assertEquals("443", ok(version, null, "get", "service", "kubernetes", "-o",
                "jsonpath={.spec.ports[0].port}").stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.29", "1.31", "1.33"})
    void createGetLabelAnnotateReplaceDelete(String version) throws Exception {
        String ns = "crud-" + version.replace('.', '-');
        ok(version, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n", "create", "-f", "-");
        String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n";
        assertTrue(ok(version, cm, "-n", ns, "create", "-f", "-").stdout().contains("configmap/settings created"));
        assertEquals("fast", ok(version, null, "-n", ns, "get", "configmap", "settings", "-o",
                "jsonpath={.data.mode}").stdout());
        JsonNode asJson = JSON.readTree(ok(version, null, "-n", ns, "get", "cm", "settings", "-o", "json").stdout());
        assertEquals(ns, asJson.path("metadata").path("namespace").asText());
        assertTrue(ok(version, null, "-n", ns, "get", "cm", "settings", "-o", "yaml").stdout()
                .contains("resourceVersion:"));
        ok(version, null, "-n", ns, "label", "cm", "settings", "tier=gold");
        ok(version, null, "-n", ns, "annotate", "cm", "settings", "owner=ops");
        String columns = ok(version, null, "-n", ns, "get", "cm", "settings", "-o",
                "custom-columns=NAME:.metadata.name,TIER:.metadata.labels.tier,OWNER:.metadata.annotations.owner")
                .stdout();
        assertTrue(columns.lines().anyMatch(l -> l.matches("settings\\s+gold\\s+ops")), columns);
        ok(version, cm.replace("fast", "safe"), "-n", ns, "replace", "-f", "-");
        assertEquals("safe", ok(version, null, "-n", ns, "get", "cm", "settings", "-o",
                "jsonpath={.data.mode}").stdout());
        assertTrue(ok(version, null, "-n", ns, "delete", "cm", "settings").stdout()
                .contains("configmap \"settings\" deleted"));
        Commands.Result gone = kubectl(version, null, "-n", ns, "get", "cm", "settings");
        assertNotEquals(0, gone.exit());
        assertTrue(gone.stderr().contains("configmaps \"settings\" not found"), gone::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.33"})
    void tablesWideColumnsExplainAndValidation(String version) throws Exception {
        String ns = "tables-" + version.replace('.', '-');
        ok(version, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n", "create", "-f", "-");
        ok(version, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n"
                + "    image: busybox\n", "-n", ns, "create", "-f", "-");
        String wide = ok(version, null, "-n", ns, "get", "pod", "p", "-o", "wide").stdout();
        assertTrue(wide.lines().findFirst().orElse("").matches(
                "NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES"), wide);
        assertTrue(wide.lines().anyMatch(l -> l.matches("p\\s+0/1\\s+Pending\\s+0\\s+\\S+\\s+<none>.*")), wide);
        String services = ok(version, null, "get", "svc", "kubernetes").stdout();
        assertTrue(services.lines().anyMatch(l -> l.matches("kubernetes\\s+ClusterIP\\s+10\\.43\\.0\\.1\\s+<none>\\s+"
                + "443/TCP\\s+\\S+")), services);
        String explain = ok(version, null, "explain", "deployment.spec.replicas").stdout();
        assertTrue(explain.contains("Number of desired pods"), explain);
        Commands.Result invalid = kubectl(version, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Valid\n",
                "-n", ns, "create", "-f", "-");
        assertNotEquals(0, invalid.exit());
        assertTrue(invalid.stderr().contains("ConfigMap \"Not_Valid\" is invalid: metadata.name: Invalid value"),
                invalid::toString);
    }

    @Test
    void staleReplaceIsRefusedWithConflict() throws Exception {
        ok("1.33", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stale\ndata:\n  v: \"1\"\n", "create", "-f",
                "-");
        String old = ok("1.33", null, "get", "cm", "stale", "-o", "json").stdout();
        ok("1.33", null, "label", "cm", "stale", "changed=yes");
        Commands.Result r = kubectl("1.33", old, "replace", "-f", "-");
        assertNotEquals(0, r.exit());
        assertTrue(r.stderr().contains("the object has been modified; please apply your changes to the latest "
                + "version and try again"), r::toString);
    }

    @Test
    void chunkedListReturnsEveryObject() throws Exception {
        ok("1.33", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: chunks\n", "create", "-f", "-");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            many.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c").append(i).append('\n');
        }
        ok("1.31", many.toString(), "-n", "chunks", "create", "-f", "-");
        for (String version : List.of("1.27", "1.33")) {
            String names = ok(version, null, "-n", "chunks", "get", "cm", "--chunk-size=2", "-o", "name",
                    "-v=6").stdout();
            assertEquals(7, names.lines().filter(l -> l.startsWith("configmap/c")).count(), names);
        }
    }

    @Test
    void watchPrintsEventsAsTheyHappen() throws Exception {
        ok("1.33", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: watched\n", "create", "-f", "-");
        Path out = tmp.resolve("watch.out");
        Process watch = new ProcessBuilder(KUBECTLS.resolve("kubectl.1.33").toString(), "--kubeconfig",
                server.kubeconfig.toString(), "-n", "watched", "get", "cm", "-w", "--output-watch-events").redirectOutput(out.toFile()).redirectErrorStream(true).start();
        try {
            // kubectl lists, then watches from the list's resourceVersion: changes made after it starts are seen
            Thread.sleep(2000);
            ok("1.33", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seen\n", "-n", "watched", "create",
                    "-f", "-");
            ok("1.33", null, "-n", "watched", "label", "cm", "seen", "a=b");
            ok("1.33", null, "-n", "watched", "delete", "cm", "seen");
            assertTrue(waitFor(() -> read(out).contains("DELETED"), 20), () -> read(out));
            String events = read(out);
            int added = events.indexOf("ADDED");
            int modified = events.indexOf("MODIFIED");
            int deleted = events.indexOf("DELETED");
            assertTrue(added >= 0 && added < modified && modified < deleted, events);
            assertTrue(events.lines().anyMatch(l -> l.matches("ADDED\\s+seen\\s+0\\s+\\S+")), "Table rows: " + events);
        } finally {
            watch.destroy();
            watch.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void waitForCreateJsonpathAndDelete() throws Exception {
        ok("1.33", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: awaited\ndata:\n  state: ready\n",
                "create", "-f", "-");
        ok("1.33", null, "wait", "--for=create", "cm/awaited", "--timeout=20s");
        ok("1.33", null, "wait", "--for=jsonpath={.data.state}=ready", "cm/awaited", "--timeout=20s");
        Process deleter = new ProcessBuilder(KUBECTLS.resolve("kubectl.1.33").toString(), "--kubeconfig",
                server.kubeconfig.toString(), "delete", "cm", "awaited").start();
        ok("1.29", null, "wait", "--for=delete", "cm/awaited", "--timeout=30s");
        deleter.waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    void eachCascadeChoiceIsCarriedOutByTheGarbageCollector() throws Exception {
        String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  replicas: 1\n"
                + "  selector:\n    matchLabels:\n      app: %s\n  template:\n    metadata:\n      labels:\n"
                + "        app: %s\n    spec:\n      containers:\n      - name: c\n        image: busybox\n";
        for (String cascade : List.of("foreground", "orphan", "background")) {
            ok("1.33", String.format(deployment, cascade, cascade, cascade), "create", "-f", "-");
            String uid = ok("1.33", null, "get", "deployment", cascade, "-o", "jsonpath={.metadata.uid}").stdout();
            ok("1.33", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + cascade + "-dependent\n"
                    + "  ownerReferences:\n  - apiVersion: apps/v1\n    kind: Deployment\n    name: " + cascade
                    + "\n    uid: " + uid + "\n    blockOwnerDeletion: true\n", "create", "-f", "-");
            // kubectl waits for the deployment to be gone: with foreground, only after its dependent
            ok("1.33", null, "delete", "deployment", cascade, "--cascade=" + cascade, "--timeout=60s");
            if (cascade.equals("orphan")) {
                assertEquals("", ok("1.33", null, "get", "configmap", "orphan-dependent", "-o",
                        "jsonpath={.metadata.ownerReferences}").stdout(), "the orphan loses its owner reference");
            } else {
                ok("1.33", null, "wait", "--for=delete", "configmap/" + cascade + "-dependent", "--timeout=60s");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.29", "1.31", "1.33"})
    void applyTwiceAndStrategicPatchMergeContainersByName(String version) throws Exception {
        String name = "applied-" + version.replace('.', '-');
        String v1 = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n  labels:\n"
                + "    keep: \"yes\"\n    drop: \"yes\"\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n"
                + "      app: " + name + "\n  template:\n    metadata:\n      labels:\n        app: " + name + "\n"
                + "    spec:\n      containers:\n      - name: app\n        image: busybox:1\n        env:\n"
                + "        - name: A\n          value: \"1\"\n";
        ok(version, v1, "apply", "-f", "-");
        // someone else adds a sidecar; the next apply must keep it (merge by name), and drop the removed label
        ok(version, null, "patch", "deployment", name, "-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
                + "[{\"name\":\"sidecar\",\"image\":\"busybox:2\"}]}}}}");
        String v2 = v1.replace("    drop: \"yes\"\n", "").replace("busybox:1", "busybox:3")
                .replace("value: \"1\"", "value: \"2\"");
        // diff asks the server for a dry-run patch: exit 1 with the change, nothing stored
        Commands.Result diff = kubectl(version, v2, "diff", "-f", "-");
        assertEquals(1, diff.exit(), diff::toString);
        assertTrue(diff.stdout().contains("+        image: busybox:3"), diff::toString);
        assertEquals("busybox:1", ok(version, null, "get", "deployment", name, "-o",
                "jsonpath={.spec.template.spec.containers[0].image}").stdout());
        ok(version, v2, "apply", "-f", "-");
        assertEquals(0, kubectl(version, v2, "diff", "-f", "-").exit(), "nothing left to apply");
        String images = ok(version, null, "get", "deployment", name, "-o",
                "jsonpath={range .spec.template.spec.containers[*]}{.name}={.image} {end}").stdout().trim();
        assertEquals("app=busybox:3 sidecar=busybox:2", images);
        assertEquals("2", ok(version, null, "get", "deployment", name, "-o",
                "jsonpath={.spec.template.spec.containers[0].env[0].value}").stdout());
        String labels = ok(version, null, "get", "deployment", name, "-o", "jsonpath={.metadata.labels}").stdout();
        assertTrue(labels.contains("keep") && !labels.contains("drop"), labels);
        ok(version, null, "delete", "deployment", name);
    }

    @Test
    void aResourceQuotaCountsItsNamespaceAndRefusesWhatWouldExceedIt() throws Exception {
        ok("1.33", null, "create", "namespace", "quota-e2e");
        ok("1.33", null, "-n", "quota-e2e", "create", "quota", "small", "--hard=configmaps=2,pods=1");
        // the namespace already holds kube-root-ca.crt
        ok("1.33", null, "-n", "quota-e2e", "wait", "--for=jsonpath={.status.used.configmaps}=1", "quota/small",
                "--timeout=30s");
        ok("1.33", null, "-n", "quota-e2e", "create", "configmap", "a");
        Commands.Result refused = kubectl("1.33", null, "-n", "quota-e2e", "create", "configmap", "b");
        assertNotEquals(0, refused.exit(), refused::toString);
        assertTrue(refused.stderr().contains("configmaps \"b\" is forbidden: exceeded quota: small, requested: "
                + "configmaps=1, used: configmaps=2, limited: configmaps=2"), refused::toString);
        String described = ok("1.33", null, "-n", "quota-e2e", "describe", "quota", "small").stdout();
        assertTrue(described.matches("(?s).*configmaps\\s+2\\s+2.*"), described);
        ok("1.33", null, "-n", "quota-e2e", "delete", "configmap", "a");
        ok("1.33", null, "-n", "quota-e2e", "wait", "--for=jsonpath={.status.used.configmaps}=1", "quota/small",
                "--timeout=30s");
        ok("1.33", null, "-n", "quota-e2e", "create", "configmap", "b");
        ok("1.33", null, "delete", "namespace", "quota-e2e", "--wait=false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.29", "1.31", "1.33"})
    void everyPatchTypeOnConfigMapsAndDeploymentsAndServerDryRuns(String version) throws Exception {
        String name = "patched-" + version.replace('.', '-');
        ok(version, null, "create", "configmap", name, "--from-literal=a=1", "--from-literal=b=2");
        ok(version, null, "patch", "configmap", name, "--type=merge", "-p", "{\"data\":{\"c\":\"3\",\"a\":null}}");
        ok(version, null, "patch", "configmap", name, "--type=json", "-p",
                "[{\"op\":\"test\",\"path\":\"/data/b\",\"value\":\"2\"},{\"op\":\"replace\",\"path\":"
                        + "\"/data/b\",\"value\":\"20\"}]");
        ok(version, null, "patch", "configmap", name, "-p", "{\"data\":{\"d\":\"4\"}}");
        assertEquals("{\"b\":\"20\",\"c\":\"3\",\"d\":\"4\"}", ok(version, null, "get", "configmap", name, "-o",
                "jsonpath={.data}").stdout());
        Commands.Result failedTest = kubectl(version, null, "patch", "configmap", name, "--type=json", "-p",
                "[{\"op\":\"test\",\"path\":\"/data/b\",\"value\":\"2\"},{\"op\":\"remove\",\"path\":\"/data/c\"}]");
        assertNotEquals(0, failedTest.exit(), failedTest::toString);
        ok(version, null, "patch", "configmap", name, "--dry-run=server", "-p", "{\"data\":{\"e\":\"5\"}}");
        assertEquals("{\"b\":\"20\",\"c\":\"3\",\"d\":\"4\"}", ok(version, null, "get", "configmap", name, "-o",
                "jsonpath={.data}").stdout(), "a failed test op and a server dry run change nothing");

        String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n"
                + "  selector:\n    matchLabels:\n      app: " + name + "\n  template:\n    metadata:\n      labels:\n"
                + "        app: " + name + "\n    spec:\n      containers:\n      - name: app\n        image: busybox:1\n"
                + "        env:\n        - name: A\n          value: \"1\"\n        - name: B\n          value: \"2\"\n"
                + "      - name: side\n        image: busybox:1\n";
        ok(version, deployment, "create", "--dry-run=server", "-f", "-");
        assertNotEquals(0, kubectl(version, null, "get", "deployment", name).exit(), "a server dry run creates nothing");
        ok(version, deployment, "create", "-f", "-");
        // strategic merge: the container and its env variable by name, the rest kept
        ok(version, null, "patch", "deployment", name, "-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
                + "[{\"name\":\"app\",\"env\":[{\"name\":\"A\",\"value\":\"9\"}]}]}}}}");
        assertEquals("app side", ok(version, null, "get", "deployment", name, "-o",
                "jsonpath={.spec.template.spec.containers[*].name}").stdout());
        assertEquals("A=9 B=2 busybox:1", ok(version, null, "get", "deployment", name, "-o",
                "jsonpath={range .spec.template.spec.containers[0].env[*]}{.name}={.value} {end}"
                        + "{.spec.template.spec.containers[0].image}").stdout());
        ok(version, null, "patch", "deployment", name, "--type=json", "-p", "[{\"op\":\"replace\",\"path\":"
                + "\"/spec/template/spec/containers/1/image\",\"value\":\"busybox:2\"}]");
        assertEquals("busybox:2", ok(version, null, "get", "deployment", name, "-o",
                "jsonpath={.spec.template.spec.containers[1].image}").stdout());
        // a merge patch replaces the list whole
        ok(version, null, "patch", "deployment", name, "--type=merge", "-p", "{\"spec\":{\"template\":{\"spec\":"
                + "{\"containers\":[{\"name\":\"only\",\"image\":\"busybox:3\"}]}}}}");
        assertEquals("only", ok(version, null, "get", "deployment", name, "-o",
                "jsonpath={.spec.template.spec.containers[*].name}").stdout());
        ok(version, null, "delete", "deployment", name);
        ok(version, null, "delete", "configmap", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.29", "1.31", "1.33"})
    void serverSideApplyOwnsFieldsRefusesConflictsUntilForcedAndTakesOverClientSideApply(String version)
            throws Exception {
        String name = "ssa-" + version.replace('.', '-');
        String v1 = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n"
                + "  replicas: 1\n  selector:\n    matchLabels:\n      app: " + name + "\n  template:\n"
                + "    metadata:\n      labels:\n        app: " + name + "\n    spec:\n      containers:\n"
                + "      - name: app\n        image: busybox:1\n        ports:\n        - containerPort: 80\n";
        assertTrue(ok(version, v1, "apply", "--server-side", "-f", "-").stdout().contains("serverside-applied"));
        String managed = ok(version, null, "get", "deployment", name, "-o", "yaml", "--show-managed-fields")
                .stdout();
        assertTrue(managed.contains("manager: kubectl") && managed.contains("operation: Apply")
                && managed.contains("f:replicas: {}")
                && managed.contains("k:{\"containerPort\":80,\"protocol\":\"TCP\"}"), managed);

        ok(version, null, "patch", "deployment", name, "--type=merge", "-p", "{\"spec\":{\"replicas\":3}}");
        Commands.Result conflict = kubectl(version, v1, "apply", "--server-side", "-f", "-");
        assertNotEquals(0, conflict.exit(), conflict::toString);
        assertTrue(conflict.stderr().contains("Apply failed with 1 conflict: conflict with \"kubectl-patch\" "
                + "using apps/v1: .spec.replicas"), conflict::toString);
        assertEquals("3", ok(version, null, "get", "deployment", name, "-o", "jsonpath={.spec.replicas}")
                .stdout());
        Commands.Result dry = kubectl(version, v1.replace("busybox:1", "busybox:2"), "apply", "--server-side",
                "--force-conflicts", "--dry-run=server", "-f", "-");
        assertEquals(0, dry.exit(), dry::toString);
        assertEquals("busybox:1", ok(version, null, "get", "deployment", name, "-o",
                "jsonpath={.spec.template.spec.containers[0].image}").stdout(), "a server dry run stores nothing");
        ok(version, v1, "apply", "--server-side", "--force-conflicts", "-f", "-");
        assertEquals("1", ok(version, null, "get", "deployment", name, "-o", "jsonpath={.spec.replicas}")
                .stdout());
        ok(version, null, "delete", "deployment", name);

        // an object managed by client-side apply moves to server-side apply without conflicts
        String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  a: \"1\"\n";
        ok(version, cm, "apply", "-f", "-");
        ok(version, cm.replace("\"1\"", "\"2\""), "apply", "--server-side", "-f", "-");
        assertEquals("2", ok(version, null, "get", "configmap", name, "-o", "jsonpath={.data.a}").stdout());
        ok(version, null, "delete", "configmap", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.29", "1.31", "1.33"})
    void unknownFieldsAreRefusedByDefaultAndOnlyWarnedAboutWhenAsked(String version) throws Exception {
        String name = "unknown-" + version.replace('.', '-');
        String pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\nspec:\n  bogus: 1\n"
                + "  containers:\n  - name: c\n    image: busybox\n";
        Commands.Result strict = kubectl(version, pod, "create", "-f", "-");
        assertNotEquals(0, strict.exit(), strict::toString);
        assertTrue(strict.stderr().contains("unknown field \"spec.bogus\""), strict::toString);
        assertNotEquals(0, kubectl(version, null, "get", "pod", name).exit(), "nothing stored");
        Commands.Result warned = kubectl(version, pod, "create", "--validate=warn", "-f", "-");
        assertEquals(0, warned.exit(), warned::toString);
        assertTrue(warned.stderr().contains("Warning: unknown field \"spec.bogus\""), warned::toString);
        assertEquals("", ok(version, null, "get", "pod", name, "-o", "jsonpath={.spec.bogus}").stdout());
        ok(version, null, "delete", "pod", name, "--wait=false");
    }

    @Test
    void aReplicaSetKeepsItsPodsAndFollowsKubectlScale() throws Exception {
        ok("1.33", "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: rs-e2e\nspec:\n  replicas: 3\n"
                + "  selector:\n    matchLabels:\n      app: rs-e2e\n  template:\n    metadata:\n      labels:\n"
                + "        app: rs-e2e\n    spec:\n      containers:\n      - name: c\n        image: busybox\n",
                "apply", "-f", "-");
        ok("1.33", null, "wait", "--for=jsonpath={.status.replicas}=3", "rs/rs-e2e", "--timeout=30s");
        assertEquals(3, ok("1.33", null, "get", "pods", "-l", "app=rs-e2e", "-o", "name").stdout().lines().count());
        ok("1.33", null, "scale", "rs/rs-e2e", "--replicas=1");
        ok("1.33", null, "wait", "--for=jsonpath={.status.replicas}=1", "rs/rs-e2e", "--timeout=30s");
        // the pods go with their ReplicaSet (garbage collector, background)
        ok("1.33", null, "delete", "rs", "rs-e2e");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!ok("1.33", null, "get", "pods", "-l", "app=rs-e2e", "-o", "name").stdout().isBlank()) {
            assertTrue(System.nanoTime() < deadline, "the ReplicaSet's pods outlived it");
            Thread.sleep(200);
        }
    }

    @Test
    void deploymentsRollOutNewTemplatesKeepHistoryAndUndo() throws Exception {
        // 1.31: `create deployment` from 1.32 on posts protobuf
        ok("1.31", null, "create", "deployment", "rollout-e2e", "--image=busybox:1", "--replicas=2");
        ok("1.33", null, "wait", "--for=jsonpath={.status.replicas}=2", "deployment/rollout-e2e", "--timeout=30s");
        String rs = ok("1.33", null, "get", "rs", "-l", "app=rollout-e2e", "-o", "name").stdout().trim();
        assertTrue(rs.matches("replicaset.apps/rollout-e2e-[bcdfghjklmnpqrstvwxz2456789]+"), rs);
        ok("1.33", null, "set", "image", "deployment/rollout-e2e", "busybox=busybox:2");
        ok("1.33", null, "wait", "--for=jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}=2",
                "deployment/rollout-e2e", "--timeout=30s");
        String history = ok("1.33", null, "rollout", "history", "deployment/rollout-e2e").stdout();
        assertTrue(history.lines().anyMatch(l -> l.startsWith("1 ")) && history.lines().anyMatch(l -> l.startsWith("2 ")),
                history);
        ok("1.33", null, "rollout", "undo", "deployment/rollout-e2e");
        ok("1.33", null, "wait", "--for=jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}=3",
                "deployment/rollout-e2e", "--timeout=30s");
        assertEquals("busybox:1", ok("1.33", null, "get", "deployment", "rollout-e2e", "-o",
                "jsonpath={.spec.template.spec.containers[0].image}").stdout());
        assertEquals(2, ok("1.33", null, "get", "rs", "-l", "app=rollout-e2e", "-o", "name").stdout().lines().count(),
                "the undo reuses the first ReplicaSet");
        ok("1.33", null, "delete", "deployment", "rollout-e2e");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.33"})
    void kubectlAutoscaleWorksWhetherItPostsAutoscalingV1OrV2(String version) throws Exception {
        // kubectl 1.27 posts autoscaling/v1, 1.33 autoscaling/v2; both land in the one (v2) storage
        String ns = "hpa-" + version.replace('.', '-');
        ok(version, null, "create", "namespace", ns);
        ok(version, null, "-n", ns, "create", "deployment", "web", "--image=nginx");
        ok(version, null, "-n", ns, "autoscale", "deployment", "web", "--cpu-percent=50", "--min=1", "--max=3");
        String table = ok(version, null, "-n", ns, "get", "hpa").stdout();
        List<String> header = List.of(table.lines().findFirst().orElseThrow().trim().split("\\s+"));
        assertEquals(List.of("NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"), header);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("web ") && l.contains("Deployment/web")
                && l.contains("<unknown>/50%")), table);
        String v1Table = ok(version, null, "-n", ns, "get", "horizontalpodautoscalers.v1.autoscaling").stdout();
        assertEquals(table.lines().findFirst(), v1Table.lines().findFirst(), "v1 prints upstream's columns too");
        assertTrue(v1Table.contains("<unknown>/50%"), v1Table);
        JsonNode v1 = JSON.readTree(ok(version, null, "-n", ns, "get", "horizontalpodautoscalers.v1.autoscaling",
                "web", "-o", "json").stdout());
        assertEquals("autoscaling/v1", v1.path("apiVersion").asText());
        assertEquals(50, v1.path("spec").path("targetCPUUtilizationPercentage").asInt());
        assertEquals(1, v1.path("spec").path("minReplicas").asInt());
        JsonNode v2 = JSON.readTree(ok(version, null, "-n", ns, "get", "horizontalpodautoscalers.v2.autoscaling",
                "web", "-o", "json").stdout());
        assertEquals("autoscaling/v2", v2.path("apiVersion").asText());
        JsonNode target = v2.path("spec").path("metrics").get(0).path("resource").path("target");
        assertEquals("Utilization", target.path("type").asText());
        assertEquals(50, target.path("averageUtilization").asInt());
        // a v2-only metric survives a v1 patch and shows in the v1 object's annotations
        ok(version, null, "-n", ns, "patch", "horizontalpodautoscalers.v2.autoscaling", "web", "--type=json", "-p",
                "[{\"op\":\"add\",\"path\":\"/spec/metrics/-\",\"value\":{\"type\":\"Resource\",\"resource\":"
                        + "{\"name\":\"memory\",\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"100Mi\"}}}}]");
        ok(version, null, "-n", ns, "patch", "horizontalpodautoscalers.v1.autoscaling", "web", "--type=merge", "-p",
                "{\"spec\":{\"maxReplicas\":5}}");
        JsonNode after = JSON.readTree(ok(version, null, "-n", ns, "get", "hpa", "web", "-o", "json").stdout());
        assertEquals(5, after.path("spec").path("maxReplicas").asInt());
        assertEquals(2, after.path("spec").path("metrics").size(), after.toString());
        assertTrue(ok(version, null, "-n", ns, "get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o",
                "jsonpath={.metadata.annotations}").stdout().contains("autoscaling.alpha.kubernetes.io/metrics"));
        // a v1 watch prints Table rows with every metric, as the v2 one
        Path out = tmp.resolve("hpa-watch-" + ns + ".out");
        Process watch = new ProcessBuilder(KUBECTLS.resolve("kubectl." + version).toString(), "--kubeconfig",
                server.kubeconfig.toString(), "-n", ns, "get", "horizontalpodautoscalers.v1.autoscaling", "-w",
                "--output-watch-events").redirectOutput(out.toFile()).redirectErrorStream(true).start();
        try {
            Thread.sleep(2000);
            ok(version, null, "-n", ns, "patch", "horizontalpodautoscalers.v1.autoscaling", "web", "--type=merge",
                    "-p", "{\"spec\":{\"minReplicas\":2}}");
            assertTrue(waitFor(() -> read(out).contains("MODIFIED"), 20), () -> read(out));
            // the CPU target comes last once a v1 write has carried it, as upstream's conversion orders it
            assertTrue(read(out).lines().anyMatch(l -> l.startsWith("MODIFIED")
                    && l.contains("memory: <unknown>/100Mi, cpu: <unknown>/50%")), read(out));
        } finally {
            watch.destroy();
            watch.waitFor(10, TimeUnit.SECONDS);
        }
        ok(version, null, "delete", "namespace", ns, "--timeout=60s");
    }

    @Test
    void coreAndEventsApiEventsAreOneStorage() throws Exception {
        ok("1.33", null, "create", "namespace", "ev-e2e");
        ok("1.33", """
                apiVersion: v1
                kind: Event
                metadata:
                  name: web.pulled
                involvedObject:
                  kind: Pod
                  namespace: ev-e2e
                  name: web
                reason: Pulled
                message: Pulled the image
                source:
                  component: kubelet
                type: Normal
                count: 1
                firstTimestamp: "2026-11-23T04:00:00Z"
                lastTimestamp: "2026-11-23T04:00:00Z"
                """, "-n", "ev-e2e", "create", "-f", "-");
        ok("1.29", """
                apiVersion: events.k8s.io/v1
                kind: Event
                metadata:
                  name: api.scaled
                eventTime: "2026-11-23T04:00:00.000000Z"
                reportingController: example.com/scaler
                reportingInstance: scaler-1
                action: Scale
                reason: Scaled
                regarding:
                  kind: Deployment
                  namespace: ev-e2e
                  name: api
                note: Scaled to 3
                type: Warning
                """, "-n", "ev-e2e", "create", "-f", "-");
        assertEquals("Pulled the image", ok("1.33", null, "-n", "ev-e2e", "get", "events.v1.events.k8s.io",
                "web.pulled", "-o", "jsonpath={.note}").stdout());
        JsonNode asCore = JSON.readTree(ok("1.33", null, "get", "--raw",
                "/api/v1/namespaces/ev-e2e/events/api.scaled").stdout());
        assertEquals("Scaled to 3", asCore.path("message").asText());
        assertEquals("api", asCore.path("involvedObject").path("name").asText());
        String core = ok("1.33", null, "-n", "ev-e2e", "get", "events", "--field-selector",
                "involvedObject.name=api").stdout();
        assertTrue(core.contains("Scaled to 3") && !core.contains("Pulled"), core);
        String events = ok("1.27", null, "-n", "ev-e2e", "get", "events.v1.events.k8s.io", "--field-selector",
                "regarding.name=web").stdout();
        assertTrue(events.contains("Pulled the image") && !events.contains("Scaled"), events);
        ok("1.33", null, "delete", "namespace", "ev-e2e", "--timeout=60s");
    }

    @Test
    void servicesGetEndpointsAndEndpointSlicesOfTheirPods() throws Exception {
        ok("1.33", "apiVersion: v1\nkind: Node\nmetadata:\n  name: ep-e2e-node\n  labels:\n"
                + "    topology.kubernetes.io/zone: zone-1\n", "apply", "-f", "-");
        StringBuilder manifest = new StringBuilder("apiVersion: v1\nkind: Service\nmetadata:\n  name: ep-e2e\n"
                + "spec:\n  selector:\n    app: ep-e2e\n  ports:\n  - name: http\n    port: 80\n"
                + "    targetPort: web\n");
        for (String pod : List.of("ep-e2e-a", "ep-e2e-b")) {
            manifest.append("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ").append(pod)
                    .append("\n  labels:\n    app: ep-e2e\nspec:\n  nodeName: ep-e2e-node\n  containers:\n"
                            + "  - name: c\n    image: busybox\n    ports:\n    - name: web\n"
                            + "      containerPort: 8080\n");
        }
        ok("1.33", manifest.toString(), "apply", "-f", "-");
        // what the kubelet would report: a running pod with an IP, ready or not
        String status = "{\"status\":{\"phase\":\"Running\",\"podIP\":\"%s\",\"podIPs\":[{\"ip\":\"%s\"}],"
                + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\"}]}}";
        ok("1.33", null, "patch", "pod", "ep-e2e-a", "--subresource=status", "--type=merge", "-p",
                String.format(status, "10.42.7.1", "10.42.7.1", "True"));
        ok("1.33", null, "patch", "pod", "ep-e2e-b", "--subresource=status", "--type=merge", "-p",
                String.format(status, "10.42.7.2", "10.42.7.2", "False"));
        ok("1.33", null, "wait", "--for=jsonpath={.subsets[0].notReadyAddresses[0].ip}=10.42.7.2", "endpoints/ep-e2e",
                "--timeout=30s");
        JsonNode ep = JSON.readTree(ok("1.33", null, "get", "endpoints", "ep-e2e", "-o", "json").stdout());
        JsonNode subset = ep.path("subsets").get(0);
        assertEquals("10.42.7.1", subset.path("addresses").get(0).path("ip").asText());
        assertEquals("ep-e2e-a", subset.path("addresses").get(0).path("targetRef").path("name").asText());
        assertEquals(8080, subset.path("ports").get(0).path("port").asInt());

        ok("1.33", null, "patch", "pod", "ep-e2e-b", "--subresource=status", "--type=merge", "-p",
                String.format(status, "10.42.7.2", "10.42.7.2", "True"));
        ok("1.33", null, "wait", "--for=jsonpath={.subsets[0].addresses[1].ip}=10.42.7.2", "endpoints/ep-e2e",
                "--timeout=30s");
        String table = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            table = ok("1.33", null, "get", "endpoints,endpointslices").stdout();
            if (table.lines().anyMatch(l -> l.matches("endpointslice\\.discovery\\.k8s\\.io/ep-e2e-\\w+\\s+IPv4\\s+"
                    + "8080\\s+10\\.42\\.7\\.[12],10\\.42\\.7\\.[12]\\s+\\S+"))) {
                break;
            }
            Thread.sleep(200);
        }
        String shown = table;
        assertTrue(shown.lines().anyMatch(l -> l.matches("endpoints/ep-e2e\\s+10\\.42\\.7\\.1:8080,10\\.42\\.7\\.2:8080"
                + "\\s+\\S+")), shown);
        assertTrue(shown.lines().anyMatch(l -> l.matches("endpointslice\\.discovery\\.k8s\\.io/ep-e2e-\\w+\\s+IPv4\\s+"
                + "8080\\s+10\\.42\\.7\\.[12],10\\.42\\.7\\.[12]\\s+\\S+")), shown);
        JsonNode slice = JSON.readTree(ok("1.33", null, "get", "endpointslices", "-l",
                "kubernetes.io/service-name=ep-e2e", "-o", "json").stdout()).path("items").get(0);
        assertEquals("zone-1", slice.path("endpoints").get(0).path("zone").asText());
        assertEquals("endpointslice-controller.k8s.io",
                slice.path("metadata").path("labels").path("endpointslice.kubernetes.io/managed-by").asText());

        // both go with the Service (the slices through the garbage collector)
        ok("1.33", null, "delete", "service", "ep-e2e");
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!ok("1.33", null, "get", "endpoints,endpointslices", "-l", "kubernetes.io/service-name=ep-e2e", "-o",
                "name").stdout().isBlank() || kubectl("1.33", null, "get", "endpoints", "ep-e2e").exit() == 0) {
            assertTrue(System.nanoTime() < deadline, "endpoints outlived their Service");
            Thread.sleep(200);
        }
        ok("1.33", null, "delete", "pod", "ep-e2e-a", "ep-e2e-b", "--force", "--grace-period=0");
        ok("1.33", null, "delete", "node", "ep-e2e-node");
    }

    @Test
    void kubectl133CreatesThatPostProtobuf() throws Exception {
        // kubectl ≥1.32 sends these typed creates as application/vnd.kubernetes.protobuf
        ok("1.33", null, "create", "namespace", "proto-e2e");
        ok("1.33", null, "create", "configmap", "cm", "-n", "proto-e2e", "--from-literal=k=v");
        ok("1.33", null, "create", "secret", "generic", "s", "-n", "proto-e2e", "--from-literal=password=p4ss");
        ok("1.33", null, "create", "deployment", "d", "-n", "proto-e2e", "--image=busybox", "--replicas=2");
        ok("1.33", null, "create", "service", "clusterip", "svc", "-n", "proto-e2e", "--tcp=80:8080");
        ok("1.33", null, "create", "job", "j", "-n", "proto-e2e", "--image=busybox");
        ok("1.33", null, "create", "serviceaccount", "sa", "-n", "proto-e2e");
        assertEquals("v", ok("1.33", null, "get", "configmap", "cm", "-n", "proto-e2e", "-o", "jsonpath={.data.k}")
                .stdout());
        assertEquals("cDRzcw==", ok("1.33", null, "get", "secret", "s", "-n", "proto-e2e", "-o",
                "jsonpath={.data.password}").stdout());
        assertEquals("8080", ok("1.33", null, "get", "service", "svc", "-n", "proto-e2e", "-o",
                "jsonpath={.spec.ports[0].targetPort}").stdout());
        assertEquals("2", ok("1.33", null, "get", "deployment", "d", "-n", "proto-e2e", "-o",
                "jsonpath={.spec.replicas}").stdout());
        ok("1.33", null, "delete", "namespace", "proto-e2e", "--timeout=60s");
    }

    @Test
    void deletingANamespaceDeletesItsContentThenTheNamespace() throws Exception {
        ok("1.31", null, "create", "namespace", "short-lived");
        // every namespace gets its default ServiceAccount and the CA bundle that verifies the API server
        ok("1.33", null, "wait", "--for=create", "serviceaccount/default", "-n", "short-lived", "--timeout=30s");
        ok("1.33", null, "wait", "--for=create", "configmap/kube-root-ca.crt", "-n", "short-lived", "--timeout=30s");
        assertEquals(java.nio.file.Files.readString(server.dataDir.resolve("server/tls/server-ca.crt")).trim(),
                ok("1.33", null, "get", "configmap", "kube-root-ca.crt", "-n", "short-lived", "-o",
                        "jsonpath={.data.ca\\.crt}").stdout().trim());
        ok("1.31", null, "create", "configmap", "settings", "-n", "short-lived", "--from-literal=a=b");
        ok("1.31", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: short-lived\n", "create",
                "-f", "-");
        // kubectl waits until the namespace is gone: the namespace controller must empty and finalize it
        ok("1.33", null, "delete", "namespace", "short-lived", "--timeout=60s");
        assertNotEquals(0, kubectl("1.33", null, "get", "namespace", "short-lived").exit());
        assertEquals("", ok("1.33", null, "get", "configmaps,secrets", "-n", "short-lived", "-o", "name")
                .stdout().trim());
        String leader = ok("1.33", null, "get", "lease", "-n", "kube-system", "kube-controller-manager", "-o",
                "jsonpath={.spec.holderIdentity}").stdout();
        assertFalse(leader.isBlank(), "the controller manager holds its Lease");
    }

    @Test
    void badInputGetsAStatusAndChangesNothing() throws Exception {
        String before = ok("1.33", null, "get", "cm", "-A", "-o", "name").stdout();
        assertStatus(400, "BadRequest", "POST", "/api/v1/namespaces/default/configmaps", "{\"apiVersion\":\"v1\",");
        assertStatus(400, "BadRequest", "POST", "/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}");
        assertStatus(404, "NotFound", "GET", "/api/v1/namespaces/default/widgets", null);
        assertStatus(404, "NotFound", "GET", "/apis/nothing.example.com/v1", null);
        Path big = tmp.resolve("big.json");
        Files.writeString(big, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},"
                + "\"data\":{\"x\":\"" + "a".repeat(10 * 1024 * 1024) + "\"}}");
        Commands.Result tooBig = curl("-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
                "@" + big, server.url("/api/v1/namespaces/default/configmaps"));
        assertTrue(tooBig.stdout().endsWith("413"), tooBig::toString);
        assertEquals(before, ok("1.33", null, "get", "cm", "-A", "-o", "name").stdout());

        // patches of an existing object: each refused with its Status, the object unchanged
        ok("1.33", null, "create", "configmap", "patch-target", "--from-literal=a=1");
        String target = "/api/v1/namespaces/default/configmaps/patch-target";
        String stored = ok("1.33", null, "get", "cm", "patch-target", "-o", "jsonpath={.data}").stdout();
        assertStatus(400, "BadRequest", "PATCH", target, "{\"data\":", "application/merge-patch+json");
        assertStatus(400, "BadRequest", "PATCH", target, "{\"op\":\"add\"}", "application/json-patch+json");
        assertStatus(422, "Invalid", "PATCH", target, "[{\"op\":\"test\",\"path\":\"/data/a\",\"value\":\"2\"},"
                + "{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"3\"}]", "application/json-patch+json");
        assertStatus(400, "BadRequest", "PATCH", target + "?fieldManager=e2e", "metadata:\n  name: patch-target\n"
                + "data:\n  a: \"4\"\n", "application/apply-patch+yaml");
        assertStatus(422, "Invalid", "PATCH", target, "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \"5\"\n",
                "application/apply-patch+yaml");
        assertEquals(stored, ok("1.33", null, "get", "cm", "patch-target", "-o", "jsonpath={.data}").stdout());
        ok("1.33", null, "delete", "cm", "patch-target");

        // a protobuf body that is not one, and a CRD whose schema is not structural
        Path garbage = tmp.resolve("garbage.pb");
        Files.write(garbage, new byte[] {'k', '8', 's', 0, 0x0a, (byte) 0xff, 0x7f, 0x12});
        assertStatus(400, "BadRequest", "POST", "/api/v1/namespaces/default/configmaps", "@" + garbage,
                "application/vnd.kubernetes.protobuf");
        assertStatus(422, "Invalid", "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":"
                        + "{\"name\":\"loose.example.com\"},\"spec\":{\"group\":\"example.com\",\"scope\":"
                        + "\"Namespaced\",\"names\":{\"plural\":\"loose\",\"kind\":\"Loose\"},\"versions\":[{"
                        + "\"name\":\"v1\",\"served\":true,\"storage\":true,\"schema\":{\"openAPIV3Schema\":"
                        + "{\"type\":\"object\",\"properties\":{\"spec\":{\"properties\":{\"a\":{}}}}}}}]}}");
        assertNotEquals(0, kubectl("1.33", null, "get", "crd", "loose.example.com").exit(), "nothing stored");
        assertEquals(before, ok("1.33", null, "get", "cm", "-A", "-o", "name").stdout());
        assertEquals("ok", server.get("/readyz").body());
    }

    @Test
    void bothHttpVersionsServeTheAdmin() throws Exception {
        for (String version : List.of("--http1.1", "--http2")) {
            Commands.Result r = curl(version, server.url("/api/v1/namespaces"));
            assertTrue(r.stdout().endsWith("200"), version + " " + r);
        }
    }

    @Test
    void watchOverWebSocketSendsOneMessagePerEvent() throws Exception {
        Path p12 = tmp.resolve("admin.p12");
        Commands.Result export = Commands.run(List.of("openssl", "pkcs12", "-export", "-in",
                server.tls("client-admin.crt").toString(), "-inkey", server.tls("client-admin.key").toString(),
                "-out", p12.toString(), "-passout", "pass:secret"), Map.of(), Duration.ofSeconds(30));
        assertEquals(0, export.exit(), export::toString);
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            keys.load(in, "secret".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "secret".toCharArray());
        java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = Files.newInputStream(server.serverCa())) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        ok("1.33", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: sockets\n", "create", "-f", "-");
        java.util.concurrent.BlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket socket = java.net.http.HttpClient.newBuilder().sslContext(tls).build()
                .newWebSocketBuilder().buildAsync(java.net.URI.create("wss://127.0.0.1:" + server.httpsPort
                        // the namespace's kube-root-ca.crt arrives on its own: watch only the test's ConfigMap
                        + "/api/v1/namespaces/sockets/configmaps?watch=true&fieldSelector=metadata.name%3Dover-ws"),
                        new java.net.http.WebSocket.Listener() {
                            private final StringBuilder partial = new StringBuilder();

                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws,
                                    CharSequence data, boolean last) {
                                partial.append(data);
                                if (last) {
                                    messages.add(partial.toString());
                                    partial.setLength(0);
                                }
                                ws.request(1);
                                return null;
                            }
                        }).get(30, TimeUnit.SECONDS);
        try {
            ok("1.33", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: over-ws\n", "-n", "sockets", "create",
                    "-f", "-");
            String first = messages.poll(20, TimeUnit.SECONDS);
            assertTrue(first != null, "no WebSocket message");
            JsonNode event = JSON.readTree(first);
            assertEquals("ADDED", event.path("type").asText());
            assertEquals("over-ws", event.path("object").path("metadata").path("name").asText());
        } finally {
            socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done");
        }
    }

    private void assertStatus(int code, String reason, String method, String path, String body) throws Exception {
        assertStatus(code, reason, method, path, body, "application/json");
    }

    private void assertStatus(int code, String reason, String method, String path, String body, String contentType)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("-X", method, "-H", "Content-Type: " + contentType));
        if (body != null) {
            args.addAll(List.of("--data-binary", body));
        }
        args.add(server.url(path));
        Commands.Result r = curlBody(args);
        String text = r.stdout();
        int split = text.lastIndexOf('\n');
        assertEquals(String.valueOf(code), text.substring(split + 1), r::toString);
        JsonNode status = JSON.readTree(text.substring(0, split));
        assertEquals("Status", status.path("kind").asText(), text);
        assertEquals(reason, status.path("reason").asText(), text);
        assertEquals(code, status.path("code").asInt(), text);
    }

    private Commands.Result curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--cacert", server.serverCa().toString(), "--cert", server.tls("client-admin.crt").toString(),
                "--key", server.tls("client-admin.key").toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of(), Duration.ofSeconds(60));
    }

    private Commands.Result curlBody(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-w", "\n%{http_code}",
                "--cacert", server.serverCa().toString(), "--cert", server.tls("client-admin.crt").toString(),
                "--key", server.tls("client-admin.key").toString()));
        cmd.addAll(args);
        return Commands.run(cmd, Map.of(), Duration.ofSeconds(60));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
