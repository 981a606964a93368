package io.karst.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
import io.karst.api.node.LogsNotFoundException;
import io.karst.api.node.PodLogs;
import io.karst.apiserver.ResourceStack;
import io.karst.apiserver.endpoint.ApiResponse;
import io.karst.apiserver.endpoint.PodLogServices;
import io.karst.apiserver.endpoint.RequestPath;
import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;
import io.karst.kubelet.logs.ContainerLogs;

/**
 * {@code pods/log} end to end below HTTP: the real resource API resolves the pod and its node's service, and the
 * kubelet's {@link ContainerLogs} reads the file at the path the kubelet gave the runtime for the container.
 */
class PodLogsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private LogStructuredStore kv;
    private ScheduledExecutorService timers;
    private ResourceStack stack;
    private RecordingRuntime runtime;
    private Kubelet kubelet;
    private KubeletConfig config;

    @BeforeEach
    void start() {
        kv = SqliteStore.openInDataDir(dir.resolve("api"), SqliteSync.NORMAL, StoreSettings.defaults());
        timers = Executors.newSingleThreadScheduledExecutor();
        PodLogServices services = new PodLogServices();
        stack = new ResourceStack(() -> kv, "10.43.0.0/16", "30000-32767", timers, Clock.systemUTC(), null,
                services);
        stack.bootstrap("10.43.0.1", 6443);
        runtime = new RecordingRuntime();
        config = new KubeletConfig("node-a", List.of("10.0.0.5"), dir.resolve("data"), Map.of(), List.of(),
                List.of(), "cluster.local", false, 110, "v1.33.0+karst0.1.0");
        services.add(new ContainerLogs(config, runtime, java.util.function.UnaryOperator.identity()), Map.of(PodLogs.NODE_NAME, "node-a"));
        kubelet = new Kubelet(config, stack.client(), runtime, runtime).start();
    }

    @AfterEach
    void stop() {
        kubelet.close();
        stack.close();
        timers.shutdownNow();
        kv.close();
    }

    private ApiResponse.Log log(String query) {
        String path = "/api/v1/namespaces/default/pods/web/log";
        Map<String, List<String>> params = new HashMap<>();
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], List.of(kv[1]));
        }
        return (ApiResponse.Log) stack.endpoint().handle(new ResourceRequest(RequestPath.parse(path).orElseThrow(),
                stack.registry().find("", "v1", "pods").orElseThrow(), "GET", params, new byte[0], null));
    }

    private static String text(ApiResponse.Log log) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        log.logs().write(log.namespace(), log.pod(), log.podUid(), log.container(), log.options(), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theApiServesTheLogFileTheRuntimeWasToldToWrite() throws Exception {
        ResourceOperations pods = stack.client().resource(new ResourceKey("", "v1", "pods")).inNamespace("default");
        ObjectNode pod = (ObjectNode) JSON.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web'},"
                + "'spec':{'nodeName':'node-a','automountServiceAccountToken':false,"
                + "'containers':[{'name':'app','image':'localhost/karst/busybox:1.35.0'}]}}").replace('\'', '"'));
        pods.create(pod);
        eventually(() -> runtime.containers.values().stream().anyMatch(c -> c.state == ContainerState.RUNNING));
        RecordingRuntime.Container app = runtime.containers.values().iterator().next();
        String uid = pods.get("web").path("metadata").path("uid").asText();
        Path file = config.podLogDir("default", "web", uid).resolve(app.config.logPath());
        Files.createDirectories(file.getParent());
        Files.writeString(file, "2026-11-23T08:00:00.1Z stdout F hello\n2026-11-23T08:00:01Z stderr F world\n");

        assertEquals("hello\nworld\n", text(log("")));
        assertEquals("2026-11-23T08:00:01.000000000Z world\n", text(log("tailLines=1&timestamps=true")));
        LogsNotFoundException previous = assertThrows(LogsNotFoundException.class,
                () -> text(log("previous=true")));
        assertEquals("previous terminated container \"app\" in pod \"web\" not found", previous.getMessage());

        ApiResponse.Log followed = log("follow=true");
        CompletableFuture<String> following = CompletableFuture.supplyAsync(() -> {
            try {
                return text(followed);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        Files.writeString(file, "2026-11-23T08:00:02Z stdout F bye\n", StandardOpenOption.APPEND);
        runtime.exit("app", 0);
        assertEquals("hello\nworld\nbye\n", following.get(10, TimeUnit.SECONDS));
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(50);
        }
    }
}
