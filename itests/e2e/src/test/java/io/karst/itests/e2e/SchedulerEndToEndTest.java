package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler in the assembled server, driven by the real kubectl 1.33: Nodes applied by hand (there is no
 * kubelet yet), a Deployment's pods placed on the node they fit, an oversized pod reported as FailedScheduling.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulerEndToEndTest {
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

    private Commands.Result ok(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTLS.resolve("kubectl.1.33").toString(),
                "--kubeconfig", server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        Commands.Result r = Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(60), stdin);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
        return r;
    }

    private void node(String name, String cpu, String taints) throws Exception {
        ok("apiVersion: v1\nkind: Node\nmetadata:\n  name: " + name + "\nspec:\n  taints: " + taints + "\n",
                "apply", "-f", "-");
        String resources = "{\"cpu\":\"" + cpu + "\",\"memory\":\"4Gi\",\"pods\":\"110\"}";
        ok(null, "patch", "node", name, "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"capacity\":" + resources + ",\"allocatable\":" + resources + "}}");
    }

    private static String deployment(String name, int replicas, String cpu) {
        return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n  replicas: " + replicas
                + "\n  selector:\n    matchLabels:\n      app: " + name + "\n  template:\n    metadata:\n      labels:\n"
                + "        app: " + name + "\n    spec:\n      containers:\n      - name: c\n        image: busybox\n"
                + "        resources:\n          requests:\n            cpu: " + cpu + "\n";
    }

    @Test
    void aDeploymentsPodsGetTheNodeTheyFitAndAnOversizedPodIsReported() throws Exception {
        node("node-a", "1", "[]");
        node("node-b", "8", "[{key: dedicated, value: gpu, effect: NoSchedule}]");
        ok(deployment("web", 2, "400m"), "apply", "-f", "-");
        ok(null, "wait", "--for=jsonpath={.spec.nodeName}=node-a", "pod", "-l", "app=web", "--timeout=60s");
        String nodes = ok(null, "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.nodeName}").stdout();
        assertEquals("node-a node-a", nodes.trim());

        ok(deployment("big", 1, "2"), "apply", "-f", "-");
        ok(null, "wait", "--for=jsonpath={.status.conditions[0].reason}=Unschedulable", "pod", "-l", "app=big",
                "--timeout=60s");
        String message = "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint "
                + "{dedicated: gpu}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming "
                + "pod, 1 Preemption is not helpful for scheduling.";
        assertEquals(message, ok(null, "get", "pods", "-l", "app=big", "-o",
                "jsonpath={.items[0].status.conditions[0].message}").stdout());
        String events = ok(null, "get", "events", "--field-selector", "reason=FailedScheduling", "-o",
                "jsonpath={.items[*].message}").stdout();
        assertTrue(events.contains(message), events);
        String scheduled = ok(null, "get", "events", "--field-selector", "reason=Scheduled", "-o",
                "jsonpath={.items[*].message}").stdout();
        assertTrue(scheduled.matches(".*Successfully assigned default/web-[a-z0-9]+-[a-z0-9]+ to node-a.*"),
                scheduled);

        // a node with room appears: the pod waiting is placed on it
        node("node-c", "4", "[]");
        ok(null, "wait", "--for=jsonpath={.spec.nodeName}=node-c", "pod", "-l", "app=big", "--timeout=60s");
    }

    @Test
    void aHigherPriorityPodPreemptsALowerPriorityOneAndTakesItsRoom() throws Exception {
        ok("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: batch\nvalue: 10\n---\n"
                + "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: critical\n"
                + "value: 100000\n", "apply", "-f", "-");
        node("node-p", "2", "[]");
        ok(null, "label", "node", "node-p", "pool=preempt");
        String filler = deployment("filler", 1, "2").replace("    spec:\n      containers:",
                "    spec:\n      priorityClassName: batch\n      nodeSelector:\n        pool: preempt\n"
                        + "      containers:");
        ok(filler, "apply", "-f", "-");
        ok(null, "wait", "--for=jsonpath={.spec.nodeName}=node-p", "pod", "-l", "app=filler", "--timeout=60s");
        String victim = ok(null, "get", "pods", "-l", "app=filler", "-o", "jsonpath={.items[0].metadata.name}")
                .stdout();

        ok("apiVersion: v1\nkind: Pod\nmetadata:\n  name: vip\nspec:\n  priorityClassName: critical\n"
                + "  nodeSelector:\n    pool: preempt\n  containers:\n  - name: c\n    image: busybox\n"
                + "    resources:\n      requests:\n        cpu: \"2\"\n", "apply", "-f", "-");

        ok(null, "wait", "--for=jsonpath={.status.nominatedNodeName}=node-p", "pod", "vip", "--timeout=60s");
        assertEquals("True", ok(null, "get", "pod", victim, "-o",
                "jsonpath={.status.conditions[?(@.type==\"DisruptionTarget\")].status}").stdout());
        assertTrue(!ok(null, "get", "pod", victim, "-o", "jsonpath={.metadata.deletionTimestamp}").stdout()
                .isEmpty(), "the victim is being deleted");
        String uid = ok(null, "get", "pod", "vip", "-o", "jsonpath={.metadata.uid}").stdout();
        String preempted = ok(null, "get", "events", "--field-selector", "reason=Preempted,involvedObject.name="
                + victim, "-o", "jsonpath={.items[*].message}").stdout();
        assertEquals("Preempted by pod " + uid + " on node node-p", preempted.trim());

        // no kubelet runs here: end the victim as its kubelet would once its containers stopped
        ok(null, "delete", "pod", victim, "--grace-period=0", "--force");
        ok(null, "wait", "--for=jsonpath={.spec.nodeName}=node-p", "pod", "vip", "--timeout=60s");
        // the filler's replacement has no lower-priority pod to evict and waits
        ok(null, "wait", "--for=jsonpath={.status.conditions[0].reason}=Unschedulable", "pod", "-l", "app=filler",
                "--timeout=60s");
    }
}
