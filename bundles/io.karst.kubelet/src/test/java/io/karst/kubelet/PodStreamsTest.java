package io.karst.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.node.ContainerState;
import io.karst.api.node.PodStreams;
import io.karst.apiserver.ResourceStack;
import io.karst.apiserver.endpoint.ApiResponse;
import io.karst.apiserver.endpoint.PodLogServices;
import io.karst.apiserver.endpoint.PodStreamServices;
import io.karst.apiserver.endpoint.RequestPath;
import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.apiserver.status.ApiException;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;
import io.karst.kubelet.streams.ContainerStreams;

/**
 * {@code pods/exec}, {@code attach} and {@code portforward} below HTTP: the real resource API resolves the pod and
 * its node's service, and the kubelet's {@link ContainerStreams} finds the running container (or the sandbox) the
 * kubelet created for it and asks the runtime for the streaming URL.
 */
class PodStreamsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private LogStructuredStore kv;
    private ScheduledExecutorService timers;
    private ResourceStack stack;
    private RecordingRuntime runtime;
    private Kubelet kubelet;

    @BeforeEach
    void start() {
        kv = SqliteStore.openInDataDir(dir.resolve("api"), SqliteSync.NORMAL, StoreSettings.defaults());
        timers = Executors.newSingleThreadScheduledExecutor();
        PodStreamServices services = new PodStreamServices();
        stack = new ResourceStack(() -> kv, "10.43.0.0/16", "30000-32767", timers, Clock.systemUTC(), null,
                new PodLogServices(), services);
        stack.bootstrap("10.43.0.1", 6443);
        runtime = new RecordingRuntime();
        KubeletConfig config = new KubeletConfig("node-a", List.of("10.0.0.5"), dir.resolve("data"), Map.of(),
                List.of(), List.of(), "cluster.local", false, 110, "v1.33.0+karst0.1.0");
        services.add(new ContainerStreams(runtime), Map.of(PodStreams.NODE_NAME, "node-a"));
        kubelet = new Kubelet(config, stack.client(), runtime, runtime).start();
    }

    @AfterEach
    void stop() {
        kubelet.close();
        stack.close();
        timers.shutdownNow();
        kv.close();
    }

    private ApiResponse connect(String subresource, String query) {
        Map<String, List<String>> params = new HashMap<>();
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            String[] kv = pair.split("=", 2);
            params.computeIfAbsent(kv[0], k -> new java.util.ArrayList<>()).add(kv[1]);
        }
        String path = "/api/v1/namespaces/default/pods/web/" + subresource;
        return stack.endpoint().handle(new ResourceRequest(RequestPath.parse(path).orElseThrow(),
                stack.registry().find("", "v1", "pods").orElseThrow(), "POST", params, new byte[0], null));
    }

    @Test
    void theRunningContainerAndTheSandboxAreResolvedToTheRuntimesUrls() throws Exception {
        ResourceOperations pods = stack.client().resource(new ResourceKey("", "v1", "pods")).inNamespace("default");
        pods.create((ObjectNode) JSON.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web'},"
                + "'spec':{'nodeName':'node-a','automountServiceAccountToken':false,'restartPolicy':'Never',"
                + "'containers':[{'name':'app','image':'localhost/karst/busybox:1.35.0'},"
                + "{'name':'side','image':'localhost/karst/busybox:1.35.0'}]}}").replace('\'', '"')));
        eventually(() -> runtime.containers.values().stream().filter(c -> c.state == ContainerState.RUNNING)
                .count() == 2);
        RecordingRuntime.Container app = runtime.containers.values().stream()
                .filter(c -> c.config.name().equals("app")).findFirst().orElseThrow();

        ApiResponse.Connect exec = (ApiResponse.Connect) connect("exec",
                "container=app&command=ls&command=-l&stdin=true&stdout=true&stderr=true&tty=true");
        assertEquals(URI.create("http://127.0.0.1:1/exec/" + app.id), exec.location());
        assertTrue(exec.tty() && exec.stdin() && exec.stdout() && !exec.stderr(), "a tty has no stderr");
        ApiResponse.Connect attach = (ApiResponse.Connect) connect("attach", "container=app&stdout=true");
        assertEquals(URI.create("http://127.0.0.1:1/attach/" + app.id), attach.location());
        ApiResponse.Connect forward = (ApiResponse.Connect) connect("portforward", "ports=8080");
        assertEquals(URI.create("http://127.0.0.1:1/portforward/" + app.sandboxId), forward.location());

        runtime.exit("side", 0);
        ApiException notRunning = assertThrows(ApiException.class,
                () -> connect("exec", "container=side&command=ls&stdout=true"));
        assertEquals(400, notRunning.code());
        assertEquals("container not found (\"side\")", notRunning.getMessage());
        ApiException unnamed = assertThrows(ApiException.class, () -> connect("exec", "command=ls&stdout=true"));
        assertEquals("a container name must be specified for pod web, choose one of: [app side]",
                unnamed.getMessage());
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(50);
        }
    }
}
