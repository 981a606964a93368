package io.karst.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
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
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.node.ContainerState;
import io.karst.api.node.PodSandbox;
import io.karst.api.node.SandboxState;
import io.karst.apiserver.testing.InProcessApi;

/**
 * Static pods from {@code <data-dir>/agent/pod-manifests}, run by the kubelet against the real resource API over
 * SQLite and the {@link RecordingRuntime}: the manifest's pod runs and is mirrored in the API, a changed manifest
 * is a new pod, a removed one stops, broken files are skipped, mirrors are never run as pods, and with no API at
 * all the pod still runs.
 */
class StaticPodsTest {
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey NODES = new ResourceKey("", "v1", "nodes");
    static final String WEB = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels:
                app: web
            spec:
              # no token volume on the mirror (the API server adds one otherwise), so a mirror run by mistake would
              # start where the test looks
              automountServiceAccountToken: false
              containers:
              - name: app
                image: localhost/karst/busybox:1.35.0
                command: [sleep, "3600"]
            """;

    @TempDir
    Path dir;
    InProcessApi api;
    RecordingRuntime runtime;
    Kubelet kubelet;
    ResourceOperations pods;
    Path manifests;
    KubeletConfig config;

    @BeforeEach
    void start() throws Exception {
        api = new InProcessApi(dir.resolve("api"));
        runtime = new RecordingRuntime();
        pods = api.client().resource(PODS).inNamespace("default");
        config = config(dir.resolve("data"));
        manifests = config.podManifestDir();
        kubelet = new Kubelet(config, api.client(), runtime, runtime).start();
    }

    @AfterEach
    void stop() {
        kubelet.close();
        api.close();
    }

    static KubeletConfig config(Path dataDir) {
        return new KubeletConfig("node-a", List.of("10.0.0.5"), dataDir, Map.of(), List.of(), List.of("10.43.0.10"),
                "cluster.local", true, 110, "v1.33.0+karst0.1.0");
    }

    @Test
    void aManifestRunsAsAStaticPodMirroredInTheApiAndOwnedByTheNode() throws Exception {
        assertTrue(Files.isDirectory(manifests), "the kubelet creates the manifest directory");
        Files.writeString(manifests.resolve("web.yaml"), WEB);
        eventually(() -> runningContainers("app") == 1);
        PodSandbox sandbox = runtime.sandboxes.values().iterator().next();
        assertEquals("web-node-a", sandbox.name());
        assertEquals("default", sandbox.namespace());
        String uid = sandbox.uid();
        assertEquals(32, uid.length(), uid);

        eventually(() -> pods.find("web-node-a").isPresent());
        ObjectNode mirror = pods.get("web-node-a");
        JsonNode annotations = mirror.path("metadata").path("annotations");
        assertEquals(uid, annotations.path("kubernetes.io/config.mirror").asText());
        assertEquals(uid, annotations.path("kubernetes.io/config.hash").asText());
        assertEquals("file", annotations.path("kubernetes.io/config.source").asText());
        assertFalse(annotations.path("kubernetes.io/config.seen").asText().isEmpty());
        assertNotEquals(uid, mirror.path("metadata").path("uid").asText(), "the API gives the mirror its own uid");
        assertEquals("node-a", mirror.path("spec").path("nodeName").asText());
        assertEquals("web", mirror.path("metadata").path("labels").path("app").asText());
        JsonNode owner = mirror.path("metadata").path("ownerReferences").path(0);
        assertEquals("Node", owner.path("kind").asText());
        assertEquals("node-a", owner.path("name").asText());
        assertEquals(api.client().resource(NODES).get("node-a").path("metadata").path("uid").asText(),
                owner.path("uid").asText());
        assertTrue(owner.path("controller").asBoolean());

        // the kubelet's status of the static pod shows on the mirror
        eventually(() -> pods.get("web-node-a").path("status").path("phase").asText().equals("Running"));
        JsonNode status = pods.get("web-node-a").path("status").path("containerStatuses").path(0);
        assertTrue(status.path("state").has("running"), status.toString());
        // logs and exec of the mirror reach the static pod's containers: the mirror's uid stands for the static one
        assertEquals(uid, kubelet.pods().runtimeUid(mirror.path("metadata").path("uid").asText()));
        assertEquals("some-api-pod-uid", kubelet.pods().runtimeUid("some-api-pod-uid"));
        // the mirror, an API pod bound to this node, is not run a second time
        Thread.sleep(1500);
        assertEquals(1, runtime.sandboxes.size());
        assertEquals(1, runningContainers("app"));
    }

    @Test
    void aChangedManifestRestartsThePodUnderANewUidOnceTheOldOneStopped() throws Exception {
        String slowToStop = WEB.replace("    command: [sleep, \"3600\"]\n", "    command: [sleep, \"3600\"]\n"
                + "    lifecycle:\n      preStop:\n        sleep:\n          seconds: 2\n");
        assertNotEquals(WEB, slowToStop);
        Files.writeString(manifests.resolve("web.yaml"), slowToStop);
        eventually(() -> runningContainers("app") == 1 && pods.find("web-node-a").isPresent());
        String first = runtime.sandboxes.values().iterator().next().uid();

        Files.writeString(manifests.resolve("web.yaml"), slowToStop.replace("app: web", "app: web2"));
        // the new pod waits out the old one's preStop hook: never two pods of one name at once
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (readySandboxUids().stream().noneMatch(uid -> !uid.equals(first))) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(20);
        }
        assertEquals(1, readySandboxUids().size(), "the old pod was still running: " + readySandboxUids());
        eventually(() -> runningContainers("app") == 1);
        String second = readySandboxUids().get(0);
        assertNotEquals(first, second);
        assertTrue(runtime.stopped.contains("app"), "the old pod's container was stopped");
        eventually(() -> runtime.sandboxes.values().stream().noneMatch(s -> s.uid().equals(first)));
        eventually(() -> pods.find("web-node-a").map(m -> m.path("metadata").path("annotations")
                .path("kubernetes.io/config.mirror").asText().equals(second)).orElse(false));
        assertEquals("web2", pods.get("web-node-a").path("metadata").path("labels").path("app").asText());
    }

    @Test
    void aRemovedManifestStopsThePodAndDeletesItsMirror() throws Exception {
        Files.writeString(manifests.resolve("web.yaml"), WEB);
        eventually(() -> runningContainers("app") == 1 && pods.find("web-node-a").isPresent());

        Files.delete(manifests.resolve("web.yaml"));
        eventually(() -> runtime.sandboxes.isEmpty() && runtime.containers.isEmpty());
        assertTrue(runtime.stopped.contains("app"));
        eventually(() -> pods.find("web-node-a").isEmpty());
        eventually(() -> kubelet.pods().pods().isEmpty());
    }

    @Test
    void brokenHiddenAndForeignFilesAreSkippedWhileAGoodManifestRuns() throws Exception {
        Files.writeString(manifests.resolve("broken.yaml"), "apiVersion: v1\nkind: Pod\nspec: [unclosed\n");
        Files.writeString(manifests.resolve("configmap.json"),
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
        Files.writeString(manifests.resolve("nocontainers.yml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n");
        Files.writeString(manifests.resolve(".hidden.yaml"), WEB.replace("name: web", "name: hidden"));
        Files.writeString(manifests.resolve("notes.txt"), WEB.replace("name: web", "name: notes"));
        Files.writeString(manifests.resolve("good.json"), "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                + "\"metadata\":{\"name\":\"good\",\"namespace\":\"kube-system\"},\"spec\":{\"containers\":"
                + "[{\"name\":\"app\",\"image\":\"localhost/karst/busybox:1.35.0\"}]}}");
        eventually(() -> runningContainers("app") == 1);
        assertEquals("good-node-a", runtime.sandboxes.values().iterator().next().name());
        assertEquals("kube-system", runtime.sandboxes.values().iterator().next().namespace());
        Thread.sleep(6000); // past the next poll
        assertEquals(1, runtime.sandboxes.size());
        ResourceOperations events = api.client().resource(new ResourceKey("", "v1", "events")).inNamespace("default");
        List<String> warnings = events.list().items().stream()
                .filter(e -> e.path("involvedObject").path("kind").asText().equals("Node")
                        && e.path("reason").asText().equals("FailedStaticPodManifest"))
                .map(e -> e.path("message").asText()).toList();
        assertEquals(3, warnings.size(), "one Warning per broken file, not per poll: " + warnings);
        assertTrue(warnings.stream().anyMatch(m -> m.contains("broken.yaml")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(m -> m.contains("configmap.json") && m.contains("not a v1 Pod")),
                warnings.toString());

        // the kubelet still reads the directory
        Files.writeString(manifests.resolve("web.yml"), WEB);
        eventually(() -> runningContainers("app") == 2);
    }

    @Test
    void anApiPodCarryingTheMirrorAnnotationIsNeitherRunNorKeptWithoutItsStaticPod() throws Exception {
        eventually(() -> api.client().resource(NODES).find("node-a").isPresent());
        pods.create(KubeletTest.json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'fake-node-a',"
                + "'annotations':{'kubernetes.io/config.mirror':'0123456789abcdef0123456789abcdef'}},"
                + "'spec':{'nodeName':'node-a','automountServiceAccountToken':false,"
                + "'containers':[{'name':'app','image':'localhost/karst/busybox:1.35.0'}]}}"));
        Thread.sleep(1500);
        assertTrue(runtime.sandboxes.isEmpty());
        assertTrue(runtime.containers.isEmpty());
        // upstream deletes mirror pods whose static pod it does not run
        eventually(() -> pods.find("fake-node-a").isEmpty());
    }

    @Test
    void aMirrorDeletedByAUserIsRecreatedWithoutRestartingThePod() throws Exception {
        Files.writeString(manifests.resolve("web.yaml"), WEB);
        eventually(() -> runningContainers("app") == 1 && pods.find("web-node-a").isPresent());
        String mirrorUid = pods.get("web-node-a").path("metadata").path("uid").asText();

        pods.delete("web-node-a");
        eventually(() -> pods.find("web-node-a").map(m -> !m.path("metadata").path("uid").asText().equals(mirrorUid)
                && !m.path("metadata").has("deletionTimestamp")).orElse(false));
        eventually(() -> pods.get("web-node-a").path("status").path("phase").asText().equals("Running"));
        assertTrue(runtime.stopped.isEmpty(), "the static pod kept running: " + runtime.stopped);
        assertEquals(1, runningContainers("app"));
    }

    @Test
    void aRestartedKubeletAdoptsItsStaticPodAndMirror() throws Exception {
        Files.writeString(manifests.resolve("web.yaml"), WEB);
        eventually(() -> runningContainers("app") == 1 && pods.find("web-node-a").isPresent());
        String container = runtime.containers.keySet().iterator().next();
        String mirrorUid = pods.get("web-node-a").path("metadata").path("uid").asText();

        kubelet.close();
        kubelet = new Kubelet(config, api.client(), runtime, runtime).start();
        Thread.sleep(3000); // registration, the informer's list and a few relists
        assertEquals(List.of(container), List.copyOf(runtime.containers.keySet()));
        assertEquals(1, runningContainers("app"));
        assertTrue(runtime.stopped.isEmpty(), runtime.stopped.toString());
        assertEquals(mirrorUid, pods.get("web-node-a").path("metadata").path("uid").asText());
    }

    @Test
    void aStaticPodRunsWithNoApiAtAll() throws Exception {
        ResourceClient unreachable = (ResourceClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ResourceClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return "unreachable";
                    }
                    throw new ResourceException(503, "ServiceUnavailable", "no API server", null);
                });
        RecordingRuntime alone = new RecordingRuntime();
        KubeletConfig config = config(dir.resolve("offline"));
        Files.createDirectories(config.podManifestDir());
        Files.writeString(config.podManifestDir().resolve("web.yaml"), WEB);
        try (Kubelet offline = new Kubelet(config, unreachable, alone, alone).start()) {
            eventually(() -> alone.containers.values().stream().anyMatch(c -> c.state == ContainerState.RUNNING));
            eventually(() -> offline.pods().pods().values().stream()
                    .anyMatch(p -> p.path("status").path("phase").asText().equals("Running")));
            Files.delete(config.podManifestDir().resolve("web.yaml"));
            eventually(() -> alone.sandboxes.isEmpty() && alone.containers.isEmpty());
            assertTrue(alone.stopped.contains("app"));
        }
    }

    private long runningContainers(String name) {
        return runtime.containers.values().stream()
                .filter(c -> c.config.name().equals(name) && c.state == ContainerState.RUNNING).count();
    }

    private List<String> readySandboxUids() {
        return runtime.sandboxes.values().stream().filter(s -> s.state() == SandboxState.READY).map(PodSandbox::uid)
                .toList();
    }

    static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(50);
        }
    }
}
