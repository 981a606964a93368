package io.karst.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.node.ContainerConfig;
import io.karst.api.node.ContainerState;
import io.karst.apiserver.testing.InProcessApi;

/**
 * The kubelet against the real resource API over SQLite, with the container runtime replaced by
 * {@link RecordingRuntime}: registration, the Lease, pods brought to Running with their status, restarts by
 * policy, volumes and environment handed to the runtime, and deletion.
 */
class KubeletTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey NODES = new ResourceKey("", "v1", "nodes");

    @TempDir
    Path dir;
    InProcessApi api;
    RecordingRuntime runtime;
    Kubelet kubelet;
    ResourceOperations pods;

    @BeforeEach
    void start() throws Exception {
        api = new InProcessApi(dir.resolve("api"));
        runtime = new RecordingRuntime();
        pods = api.client().resource(PODS).inNamespace("default");
        KubeletConfig config = new KubeletConfig("node-a", List.of("10.0.0.5"), dir.resolve("data"),
                Map.of("zone", "a"), List.of("dedicated=edge:NoSchedule"), List.of("10.43.0.10"), "cluster.local",
                true, 110, "v1.33.0+karst0.1.0");
        kubelet = new Kubelet(config, api.client(), runtime, runtime).start();
    }

    @AfterEach
    void stop() {
        kubelet.close();
        api.close();
    }

    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
    }

    private ObjectNode pod(String name) {
        return pods.get(name);
    }

    @Test
    void theNodeIsRegisteredWithItsLabelsTaintsAndLease() throws Exception {
        eventually(() -> api.client().resource(NODES).find("node-a").isPresent());
        JsonNode node = api.client().resource(NODES).get("node-a");
        assertEquals("a", node.path("metadata").path("labels").path("zone").asText());
        assertEquals("true", node.path("metadata").path("labels").path("node-role.kubernetes.io/control-plane")
                .asText());
        assertEquals("dedicated", node.path("spec").path("taints").path(0).path("key").asText());
        eventually(() -> api.client().resource(NODES).get("node-a").path("status").has("capacity"));
        node = api.client().resource(NODES).get("node-a");
        assertEquals("110", node.path("status").path("allocatable").path("pods").asText());
        assertEquals("recording://1.0", node.path("status").path("nodeInfo").path("containerRuntimeVersion").asText());
        // no pod range yet: the network is not ready, so neither is the node
        assertEquals("False", condition(node, "Ready").path("status").asText());
        eventually(() -> api.client().resource(new ResourceKey("coordination.k8s.io", "v1", "leases"))
                .inNamespace("kube-node-lease").find("node-a").isPresent());
    }

    @Test
    void aBoundPodRunsAndReportsItsStatus() throws Exception {
        api.client().resource(new ResourceKey("", "v1", "configmaps")).inNamespace("default").create(json(
                "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'settings'},'data':{'greeting':'hi'}}"));
        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web'},'spec':{'nodeName':'node-a',"
                + "'automountServiceAccountToken':false,"
                + "'volumes':[{'name':'cfg','configMap':{'name':'settings'}},{'name':'scratch','emptyDir':{}}],"
                + "'containers':[{'name':'app','image':'localhost/karst/busybox:1.35.0',"
                + "'env':[{'name':'GREETING','valueFrom':{'configMapKeyRef':{'name':'settings','key':'greeting'}}},"
                + "{'name':'MSG','value':'$(GREETING) there'},"
                + "{'name':'ME','valueFrom':{'fieldRef':{'fieldPath':'metadata.name'}}}],"
                + "'volumeMounts':[{'name':'cfg','mountPath':'/etc/cfg'},{'name':'scratch','mountPath':'/scratch'}]}]}}"));
        eventually(() -> pod("web").path("status").path("phase").asText().equals("Running"));
        JsonNode status = pod("web").path("status");
        assertEquals("10.42.0.7", status.path("podIP").asText());
        assertEquals("10.0.0.5", status.path("hostIP").asText());
        JsonNode app = status.path("containerStatuses").path(0);
        assertTrue(app.path("state").has("running"), app.toString());
        assertTrue(app.path("ready").asBoolean(), app.toString());
        assertTrue(app.path("containerID").asText().startsWith("containerd://"), app.toString());
        eventually(() -> condition(pod("web"), "Ready").path("status").asText().equals("True"));

        ContainerConfig config = runtime.containers.values().iterator().next().config;
        Map<String, String> env = new java.util.HashMap<>();
        config.env().forEach(e -> env.put(e.name(), e.value()));
        assertEquals("hi", env.get("GREETING"));
        assertEquals("hi there", env.get("MSG"));
        assertEquals("web", env.get("ME"));
        Path cfg = Path.of(config.mounts().stream().filter(m -> m.containerPath().equals("/etc/cfg")).findFirst()
                .orElseThrow().hostPath());
        assertEquals("hi", Files.readString(cfg.resolve("greeting")));
        assertTrue(config.mounts().stream().anyMatch(m -> m.containerPath().equals("/etc/hosts")));
        assertTrue(config.mounts().stream().anyMatch(m -> m.containerPath().equals("/dev/termination-log")));
    }

    @Test
    void containersRestartByPolicyAndCountRestarts() throws Exception {
        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'crash'},'spec':{'nodeName':'node-a',"
                + "'automountServiceAccountToken':false,"
                + "'containers':[{'name':'app','image':'localhost/karst/busybox:1.35.0'}]}}"));
        eventually(() -> pod("crash").path("status").path("phase").asText().equals("Running"));
        runtime.exit("app", 1);
        // the first exit restarts at once
        eventually(() -> pod("crash").path("status").path("containerStatuses").path(0).path("restartCount")
                .asInt() == 1 && pod("crash").path("status").path("containerStatuses").path(0).path("state")
                .has("running"));
        JsonNode last = pod("crash").path("status").path("containerStatuses").path(0).path("lastState")
                .path("terminated");
        assertEquals(1, last.path("exitCode").asInt());
        assertEquals("Error", last.path("reason").asText());
        // the second waits in CrashLoopBackOff
        runtime.exit("app", 2);
        eventually(() -> pod("crash").path("status").path("containerStatuses").path(0).path("state")
                .path("waiting").path("reason").asText().equals("CrashLoopBackOff"));

        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'once'},'spec':{'nodeName':'node-a',"
                + "'restartPolicy':'Never','automountServiceAccountToken':false,"
                + "'containers':[{'name':'job','image':'localhost/karst/busybox:1.35.0'}]}}"));
        eventually(() -> pod("once").path("status").path("phase").asText().equals("Running"));
        runtime.exit("job", 0);
        eventually(() -> pod("once").path("status").path("phase").asText().equals("Succeeded"));
        assertEquals("Completed", pod("once").path("status").path("containerStatuses").path(0).path("state")
                .path("terminated").path("reason").asText());
    }

    @Test
    void initContainersRunFirstAndAMissingImageWithNeverIsReported() throws Exception {
        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'init'},'spec':{'nodeName':'node-a',"
                + "'automountServiceAccountToken':false,"
                + "'initContainers':[{'name':'setup','image':'localhost/karst/busybox:1.35.0'}],"
                + "'containers':[{'name':'app','image':'localhost/karst/busybox:1.35.0'}]}}"));
        eventually(() -> runtime.containers.values().stream().anyMatch(c -> c.config.name().equals("setup")));
        Thread.sleep(300);
        assertTrue(runtime.containers.values().stream().noneMatch(c -> c.config.name().equals("app")));
        assertEquals("PodInitializing", pod("init").path("status").path("containerStatuses").path(0).path("state")
                .path("waiting").path("reason").asText());
        runtime.exit("setup", 0);
        eventually(() -> pod("init").path("status").path("phase").asText().equals("Running"));

        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'missing'},'spec':{'nodeName':'node-a',"
                + "'automountServiceAccountToken':false,"
                + "'containers':[{'name':'app','image':'localhost/none:1','imagePullPolicy':'Never'}]}}"));
        eventually(() -> pod("missing").path("status").path("containerStatuses").path(0).path("state")
                .path("waiting").path("reason").asText().equals("ErrImageNeverPull"));
        assertEquals("Pending", pod("missing").path("status").path("phase").asText());
    }

    @Test
    void aDeletedPodIsStoppedThenRemovedAndItsSandboxCleanedUp() throws Exception {
        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'gone'},'spec':{'nodeName':'node-a',"
                + "'automountServiceAccountToken':false,"
                + "'containers':[{'name':'app','image':'localhost/karst/busybox:1.35.0',"
                + "'lifecycle':{'preStop':{'exec':{'command':['sh','-c','true']}}}}]}}"));
        eventually(() -> pod("gone").path("status").path("phase").asText().equals("Running"));
        pods.delete("gone", DeleteOptions.NONE.withGracePeriodSeconds(5L));
        eventually(() -> pods.find("gone").isEmpty());
        assertTrue(runtime.stopped.contains("app"));
        eventually(() -> runtime.sandboxes.isEmpty() && runtime.containers.isEmpty());
    }

    @Test
    void aPodAPatchedOntoAnotherNodeIsNotRun() throws Exception {
        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'elsewhere'},'spec':{'nodeName':'node-b',"
                + "'automountServiceAccountToken':false,"
                + "'containers':[{'name':'app','image':'localhost/karst/busybox:1.35.0'}]}}"));
        Thread.sleep(1500);
        assertTrue(runtime.sandboxes.isEmpty());
        assertTrue(runtime.containers.values().stream().noneMatch(c -> c.state == ContainerState.RUNNING));
        pods.patch("elsewhere", PatchTypes.MERGE_PATCH, json("{'metadata':{'labels':{'x':'y'}}}"));
    }

    private static JsonNode condition(JsonNode object, String type) {
        for (JsonNode c : object.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(50);
        }
    }
}
