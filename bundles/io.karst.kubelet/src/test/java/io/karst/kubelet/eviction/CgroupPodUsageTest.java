package io.karst.kubelet.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerSummary;
import io.karst.kubelet.KubeletConfig;
import io.karst.kubelet.stats.Cgroups;

/** Usage read from cgroup files laid out as containerd's cgroupfs driver leaves them, v1 and v2. */
class CgroupPodUsageTest {
    @TempDir
    Path dir;

    private final JsonNode pod = read("{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"u1\"}}");

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ContainerRuntime runtime() {
        List<ContainerSummary> containers = List.of(
                new ContainerSummary("c1", "s1", "app", 0, "img", "sha256:1", ContainerState.RUNNING, Instant.now(),
                        Map.of("io.kubernetes.pod.uid", "u1"), Map.of()),
                new ContainerSummary("c2", "s2", "other", 0, "img", "sha256:1", ContainerState.RUNNING, Instant.now(),
                        Map.of("io.kubernetes.pod.uid", "u2"), Map.of()));
        return (ContainerRuntime) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ContainerRuntime.class}, (proxy, method, args) -> {
                    if (method.getName().equals("listContainers")) {
                        return containers;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private KubeletConfig config() {
        return new KubeletConfig("node-a", List.of("10.0.0.1"), dir.resolve("data"), Map.of(), List.of(), List.of(),
                "cluster.local", false, 110, "v1.33.0");
    }

    @Test
    void cgroupV1WorkingSetProcessesLogsAndVolumes() throws IOException {
        Path root = dir.resolve("v1");
        Path memory = Files.createDirectories(root.resolve("memory/k8s.io/c1"));
        Files.writeString(memory.resolve("memory.usage_in_bytes"), "5000\n");
        Files.writeString(memory.resolve("memory.stat"), "cache 100\ntotal_inactive_file 1000\n");
        Files.writeString(Files.createDirectories(root.resolve("pids/k8s.io/c1")).resolve("pids.current"), "7\n");
        KubeletConfig config = config();
        Path log = Files.createDirectories(config.podLogDir("default", "web", "u1").resolve("app"));
        Files.write(log.resolve("0.log"), new byte[300]);
        Path volume = Files.createDirectories(config.podDir("u1").resolve("volumes/scratch"));
        Files.write(volume.resolve("data"), new byte[40]);

        PodStats stats = new CgroupPodUsage(runtime(), config, new Cgroups(root)).of(pod).orElseThrow();
        assertEquals(Map.of("app", 4000L), stats.memory());
        assertEquals(7, stats.processes());
        assertEquals(Map.of("app", 300L), stats.disk());
        assertEquals(40, stats.volumeBytes());
        assertEquals(340, stats.diskBytes());
    }

    @Test
    void cgroupV2() throws IOException {
        Path root = Files.createDirectories(dir.resolve("v2"));
        Files.writeString(root.resolve("cgroup.controllers"), "memory pids\n");
        Path c1 = Files.createDirectories(root.resolve("k8s.io/c1"));
        Files.writeString(c1.resolve("memory.current"), "9000\n");
        Files.writeString(c1.resolve("memory.stat"), "anon 8000\ninactive_file 2000\n");
        Files.writeString(c1.resolve("pids.current"), "3\n");

        PodStats stats = new CgroupPodUsage(runtime(), config(), new Cgroups(root)).of(pod).orElseThrow();
        assertEquals(Map.of("app", 7000L), stats.memory());
        assertEquals(3, stats.processes());
    }
}
