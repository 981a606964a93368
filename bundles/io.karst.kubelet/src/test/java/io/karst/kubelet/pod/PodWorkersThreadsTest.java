package io.karst.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.node.ContainerState;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.kubelet.KubeletConfig;
import io.karst.kubelet.RecordingRuntime;

/**
 * The pod workers' threads against the real resource API over SQLite and the {@code RecordingRuntime}: a burst of
 * pods starts workers, they all end once idle past their keep-alive (a fixed pool kept all 16 for ever), and a pod
 * created after that still runs.
 */
class PodWorkersThreadsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    /** short, so the test waits little; passes of running pods come only every 10 s (the resync) */
    static final Duration KEEP_ALIVE = Duration.ofMillis(300);

    @TempDir
    Path dir;
    InProcessApi api;
    RecordingRuntime runtime;
    PodWorkers workers;
    ResourceOperations pods;

    @BeforeEach
    void start() throws Exception {
        api = new InProcessApi(dir.resolve("api"));
        runtime = new RecordingRuntime();
        pods = api.client().resource(PODS).inNamespace("default");
        KubeletConfig config = new KubeletConfig("node-a", List.of("10.0.0.5"), dir.resolve("data"), Map.of(),
                List.of(), List.of("10.43.0.10"), "cluster.local", true, 110, "v1.33.0+karst0.1.0");
        workers = new PodWorkers(config, api.client(), runtime, runtime, JsonNodeFactory.instance::objectNode,
                KEEP_ALIVE);
        workers.startLocal();
        workers.start();
    }

    @AfterEach
    void stop() {
        workers.close();
        api.close();
    }

    @Test
    void workerThreadsOfABurstEndOnceIdleAndTheNextPodIsStillHandled() throws Exception {
        for (int i = 0; i < 30; i++) {
            pods.create(pod("burst-" + i));
        }
        eventually(() -> runningContainers() == 30);
        assertTrue(workerThreads() > 1, "the burst ran on several workers");

        eventually(() -> workerThreads() == 0);

        pods.create(pod("after"));
        eventually(() -> runningContainers() == 31);
        eventually(() -> pods.get("after").path("status").path("phase").asText().equals("Running"));
    }

    @Test
    void closeEndsTheWorkerAndTimerThreads() throws Exception {
        pods.create(pod("one"));
        eventually(() -> runningContainers() == 1);
        workers.close();
        assertEquals(0, threadsNamed("kubelet-pod-"), "worker and timer threads after close");
    }

    private static ObjectNode pod(String name) throws Exception {
        return (ObjectNode) JSON.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "'},"
                + "'spec':{'nodeName':'node-a','automountServiceAccountToken':false,"
                + "'containers':[{'name':'app','image':'localhost/karst/busybox:1.35.0'}]}}")
                .replace('\'', '"'));
    }

    private long runningContainers() {
        return runtime.listContainers().stream().filter(c -> c.state() == ContainerState.RUNNING).count();
    }

    private static long workerThreads() {
        return threadsNamed("kubelet-pod-worker-");
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(50);
        }
    }
}
