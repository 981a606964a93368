package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metrics.k8s.io} and the HorizontalPodAutoscaler on a server with its real node (containerd, the project's
 * busybox): {@code kubectl top} (1.27 and 1.33) shows the node and a pod burning CPU, and {@code kubectl autoscale}
 * scales that pod's Deployment up on its CPU utilization; HPAs on a missing Deployment and on pods without CPU
 * requests get upstream's conditions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResourceMetricsEndToEndTest {
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));

    @TempDir
    static Path tmp;

    private NodeSandbox sandbox;
    private KarstServer server;

    @BeforeAll
    void startServer() throws Exception {
        Path data = tmp.resolve("data");
        sandbox = new NodeSandbox(data);
        server = new KarstServer(data, List.of("--node-ip", NodeSandbox.NODE_IP), true)
                .inNetworkNamespace(sandbox.netns).start();
        server.awaitReady(Duration.ofSeconds(120));
        ok(null, "create", "namespace", "e2e");
    }

    @AfterAll
    void stopServer() throws Exception {
        try {
            if (server != null && server.isAlive()) {
                kubectl("1.33", null, "delete", "namespace", "e2e", "--timeout=60s");
            }
        } finally {
            if (server != null) {
                server.close();
            }
            sandbox.close();
        }
    }

    private Commands.Result kubectl(String version, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(server.enter());
        cmd.addAll(List.of(KUBECTLS.resolve("kubectl." + version).toString(), "--kubeconfig",
                server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(150), stdin);
    }

    private Commands.Result ok(String stdin, String... args) throws Exception {
        Commands.Result r = kubectl("1.33", stdin, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r + "\n" + serverLog());
        return r;
    }

    private String serverLog() {
        try {
            String log = server.logText();
            return log.length() > 20_000 ? log.substring(log.length() - 20_000) : log;
        } catch (Exception e) {
            return "";
        }
    }

    /** Runs the kubectl command until its result passes (the metrics come with the scrapes, every 15 s). */
    private Commands.Result eventually(Duration limit, String version, Predicate<Commands.Result> done,
            String... args) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        Commands.Result r;
        while (!done.test(r = kubectl(version, null, args))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(String.join(" ", args) + " never passed: " + r + "\n" + serverLog());
            }
            Thread.sleep(2000);
        }
        return r;
    }

    /** A Deployment of busybox pods spinning on the CPU (throttled by a limit, so the shared machine copes). */
    private void burner(String name, String resources) throws Exception {
        deployment(name, "'while :; do :; done'", resources);
    }

    private void deployment(String name, String script, String resources) throws Exception {
        ok("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %s, namespace: e2e}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: burn
                        image: %s
                        imagePullPolicy: IfNotPresent
                        command: [sh, -c, %s]
                        resources: %s
                """.formatted(name, name, name, NodeEndToEndTest.BUSYBOX, script, resources), "apply", "-f", "-");
        ok(null, "-n", "e2e", "rollout", "status", "deployment/" + name, "--timeout=120s");
    }

    private static int millicores(String text) {
        return text.endsWith("m") ? Integer.parseInt(text.substring(0, text.length() - 1))
                : Integer.parseInt(text) * 1000;
    }

    @Test
    @Order(1)
    void kubectlTopShowsTheNodeAndAPodBurningCpu() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (kubectl("1.33", null, "get", "node", "e2e-node").exit() != 0) {
            assertTrue(System.nanoTime() < deadline, "node e2e-node not registered within 120 s");
            Thread.sleep(500);
        }
        ok(null, "wait", "--for=condition=Ready", "node/e2e-node", "--timeout=120s");
        burner("burner", "{requests: {cpu: 20m}, limits: {cpu: 200m}}");
        for (String version : List.of("1.27", "1.33")) {
            Commands.Result nodes = eventually(Duration.ofSeconds(90), version, r -> r.exit() == 0, "top", "node");
            assertTrue(nodes.stdout().contains("CPU(cores)") && nodes.stdout().contains("e2e-node"), nodes.toString());
            Commands.Result pods = eventually(Duration.ofSeconds(90), version,
                    r -> r.exit() == 0 && r.stdout().contains("burner-"), "-n", "e2e", "top", "pod");
            Matcher m = Pattern.compile("burner-\\S+\\s+(\\d+m?)\\s+(\\d+)Mi").matcher(pods.stdout());
            assertTrue(m.find(), pods.toString());
            // the loop (throttled at 200m where the runtime applies the limit) uses well above its 20m request
            int used = millicores(m.group(1));
            assertTrue(used >= 40 && used <= 2100, pods.toString());
        }
        Commands.Result labelled = ok(null, "-n", "e2e", "top", "pod", "-l", "app=burner", "--containers");
        assertTrue(labelled.stdout().contains("burn"), labelled.toString());
        String table = ok(null, "get", "nodes.metrics.k8s.io").stdout();
        assertTrue(table.contains("WINDOW") && table.contains("e2e-node"), table);
        String raw = ok(null, "get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes/e2e-node").stdout();
        assertTrue(raw.contains("\"kind\":\"NodeMetrics\"") && raw.contains("\"window\":\""), raw);
    }

    @Test
    @Order(2)
    void kubectlTopRefusesWhatDoesNotExist() throws Exception {
        Commands.Result pod = kubectl("1.33", null, "-n", "e2e", "top", "pod", "nosuch");
        assertTrue(pod.exit() != 0 && pod.stderr().contains("pods \"nosuch\" not found"), pod.toString());
        Commands.Result node = kubectl("1.33", null, "top", "node", "nosuch");
        // metrics-server's node lister names a missing Node in the singular
        assertTrue(node.exit() != 0 && node.stderr().contains("node \"nosuch\" not found"), node.toString());
        Commands.Result none = kubectl("1.33", null, "-n", "e2e", "top", "pod", "-l", "app=nothing");
        assertTrue(none.stderr().contains("No resources found") || none.stdout().contains("No resources found"),
                none.toString());
        Commands.Result watch = kubectl("1.33", null, "get", "--raw",
                "/apis/metrics.k8s.io/v1beta1/pods?watch=true");
        assertTrue(watch.exit() != 0 && watch.stderr().contains("MethodNotAllowed"), watch.toString());
    }

    @Test
    @Order(3)
    void kubectlAutoscaleScalesTheBurnerUpOnItsCpu() throws Exception {
        ok(null, "-n", "e2e", "autoscale", "deployment", "burner", "--cpu-percent=50", "--min=1", "--max=2");
        eventually(Duration.ofSeconds(120), "1.33", r -> r.stdout().trim().equals("2"), "-n", "e2e", "get",
                "deployment", "burner", "-o", "jsonpath={.spec.replicas}");
        Commands.Result status = eventually(Duration.ofSeconds(60), "1.33", r -> !r.stdout().isBlank(), "-n", "e2e",
                "get", "hpa", "burner", "-o", "jsonpath={.status.currentMetrics[0].resource.current.averageUtilization}");
        assertTrue(Integer.parseInt(status.stdout().trim()) > 50, status.toString());
        String describe = ok(null, "-n", "e2e", "describe", "hpa", "burner").stdout();
        assertTrue(describe.contains("SuccessfulRescale")
                && describe.contains("New size: 2; reason: cpu resource utilization (percentage of request) above "
                        + "target"), describe);
        // the 1.27 client reads it as autoscaling/v1: the utilization is there too
        String v1 = kubectl("1.27", null, "-n", "e2e", "get", "hpa", "burner").stdout();
        assertTrue(v1.contains("burner") && Pattern.compile("\\d+%/50%").matcher(v1).find(), v1);
        ok(null, "-n", "e2e", "delete", "hpa", "burner");
        ok(null, "-n", "e2e", "scale", "deployment", "burner", "--replicas=0");
    }

    @Test
    @Order(4)
    void hpasOnAMissingTargetOrPodsWithoutRequestsReportWhy() throws Exception {
        ok("""
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: orphan, namespace: e2e}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: nosuch}
                  maxReplicas: 3
                  metrics:
                  - type: Resource
                    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
                """, "apply", "-f", "-");
        eventually(Duration.ofSeconds(60), "1.33", r -> r.stdout().contains("FailedGetScale"), "-n", "e2e", "get",
                "hpa", "orphan", "-o", "jsonpath={.status.conditions[?(@.type==\"AbleToScale\")].reason}");
        String message = ok(null, "-n", "e2e", "get", "hpa", "orphan", "-o",
                "jsonpath={.status.conditions[?(@.type==\"AbleToScale\")].message}").stdout();
        assertEquals("the HPA controller was unable to get the target's current scale: deployments.apps \"nosuch\" "
                + "not found", message);

        deployment("norequests", "'sleep 3600'", "{limits: {memory: 64Mi}}");
        ok(null, "-n", "e2e", "autoscale", "deployment", "norequests", "--cpu-percent=50", "--max=3");
        Commands.Result why = eventually(Duration.ofSeconds(90), "1.33",
                r -> r.stdout().contains("missing request for cpu"), "-n", "e2e", "get", "hpa", "norequests", "-o",
                "jsonpath={.status.conditions[?(@.type==\"ScalingActive\")].message}");
        assertTrue(why.stdout().startsWith("the HPA was unable to compute the replica count: failed to get cpu "
                + "utilization: missing request for cpu in container burn of Pod norequests-"), why.toString());
        assertEquals("1", ok(null, "-n", "e2e", "get", "deployment", "norequests", "-o",
                "jsonpath={.spec.replicas}").stdout().trim());
        String events = ok(null, "-n", "e2e", "get", "events", "--field-selector",
                "involvedObject.kind=HorizontalPodAutoscaler").stdout();
        assertTrue(events.contains("FailedGetScale") && events.contains("FailedGetResourceMetric")
                && events.contains("FailedComputeMetricsReplicas"), events);
    }
}
