package io.karst.kubelet.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerSummary;
import io.karst.api.node.ImageFsInfo;
import io.karst.api.node.ImageService;
import io.karst.api.node.KubeletHttpResponse;
import io.karst.api.node.PodSandbox;
import io.karst.api.node.SandboxState;
import io.karst.kubelet.KubeletConfig;
import io.karst.kubelet.server.KubeletHttpApi;

/** The summary, the resource metrics and the kubelet's HTTP API over cgroup and /proc files laid out as Linux's. */
class StatsSummaryTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Path cgroups;
    private Path proc;
    private KubeletConfig config;
    private Instant now = T0;
    private StatsSummary stats;

    @BeforeEach
    void machine() throws IOException {
        cgroups = dir.resolve("cgroup");
        proc = dir.resolve("proc");
        config = new KubeletConfig("node-a", List.of("10.0.0.1"), dir.resolve("data"), Map.of(), List.of(),
                List.of("10.43.0.10"), "cluster.local", false, 110, "v1.33.0");
        write(proc.resolve("stat"), "cpu  100 0 50 1000 7 0 0 0 0 0\ncpu0 100 0 50 1000 7 0 0 0 0 0\n"
                + "btime 1763888400\n");
        write(proc.resolve("meminfo"), "MemTotal:       1000 kB\nMemFree:         400 kB\n"
                + "Inactive(file):   100 kB\nAnonPages:       300 kB\n");
        write(proc.resolve("vmstat"), "pgfault 55\npgmajfault 2\n");
        write(proc.resolve("net/dev"), "Inter-|   Receive |  Transmit\n face |bytes packets\n"
                + "    lo: 9 1 0 0 0 0 0 0 9 1 0 0 0 0 0 0\n"
                + "  eth0: 1000 10 1 0 0 0 0 0 2000 20 2 0 0 0 0 0\n");
        write(proc.resolve("net/route"), "Iface\tDestination\tGateway\n eth0\t00000000\t0102A8C0\n");
        write(proc.resolve("sys/kernel/pid_max"), "4194304\n");
        write(proc.resolve("loadavg"), "0.10 0.20 0.30 2/345 999\n");
        write(proc.resolve("4242/net/dev"), "header\nheader\n  eth0: 500 5 0 0 0 0 0 0 700 7 0 0 0 0 0 0\n");
        cgroup("sandbox1", 1_000_000_000L, 1_000, 4242, 1);
        cgroup("c1", 3_000_000_000L, 50_000, 4300, 2);
        stats = new StatsSummary(config, runtime(), images(), () -> Map.of(), new Cgroups(cgroups), proc,
                new Clock() {
                    @Override
                    public Instant instant() {
                        return now;
                    }

                    @Override
                    public java.time.ZoneId getZone() {
                        return ZoneOffset.UTC;
                    }

                    @Override
                    public Clock withZone(java.time.ZoneId zone) {
                        return this;
                    }
                });
        Files.write(Files.createDirectories(config.podLogDir("default", "web", "u1").resolve("app"))
                .resolve("0.log"), new byte[300]);
        Files.write(Files.createDirectories(config.podDir("u1").resolve("volumes/kubernetes.io~empty-dir/scratch"))
                .resolve("data"), new byte[40]);
    }

    private void cgroup(String id, long cpuNanos, long memory, long pid, long tasks) throws IOException {
        write(cgroups.resolve("cpuacct/k8s.io/" + id + "/cpuacct.usage"), cpuNanos + "\n");
        write(cgroups.resolve("memory/k8s.io/" + id + "/memory.usage_in_bytes"), memory + "\n");
        write(cgroups.resolve("memory/k8s.io/" + id + "/memory.stat"),
                "total_rss 600\ntotal_inactive_file 100\ntotal_pgfault 9\ntotal_pgmajfault 1\n");
        write(cgroups.resolve("memory/k8s.io/" + id + "/cgroup.procs"), pid + "\n");
        write(cgroups.resolve("pids/k8s.io/" + id + "/pids.current"), tasks + "\n");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private ContainerRuntime runtime() {
        List<PodSandbox> sandboxes = List.of(
                new PodSandbox("sandbox1", "web", "default", "u1", 0, SandboxState.READY, T0, Map.of(), Map.of()),
                new PodSandbox("gone", "old", "default", "u0", 0, SandboxState.NOT_READY, T0, Map.of(), Map.of()));
        List<ContainerSummary> containers = List.of(
                new ContainerSummary("c1", "sandbox1", "app", 0, "img", "sha256:1", ContainerState.RUNNING,
                        T0.plusSeconds(1), Map.of("io.kubernetes.pod.uid", "u1"), Map.of()),
                new ContainerSummary("c0", "sandbox1", "app", 0, "img", "sha256:1", ContainerState.EXITED,
                        T0, Map.of("io.kubernetes.pod.uid", "u1"), Map.of()));
        return (ContainerRuntime) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ContainerRuntime.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "listContainers" -> containers;
                    case "listPodSandboxes" -> sandboxes;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private ImageService images() {
        return (ImageService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ImageService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("imageFsInfo")) {
                        return new ImageFsInfo("/var/lib/containerd", 300, 1000, 700, T0);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void nodeFiguresComeFromProc() {
        JsonNode node = stats.summary().path("node");
        assertEquals("node-a", node.path("nodeName").asText());
        assertEquals("2025-11-23T09:00:00Z", node.path("startTime").asText());
        // user + system ticks, 10 ms each
        assertEquals(1_500_000_000L, node.path("cpu").path("usageCoreNanoSeconds").asLong());
        assertFalse(node.path("cpu").has("usageNanoCores"), "no rate before a second reading");
        assertEquals(600 * 1024, node.path("memory").path("usageBytes").asLong());
        assertEquals(500 * 1024, node.path("memory").path("workingSetBytes").asLong());
        assertEquals(500 * 1024, node.path("memory").path("availableBytes").asLong());
        assertEquals(55, node.path("memory").path("pageFaults").asLong());
        assertEquals("eth0", node.path("network").path("name").asText());
        assertEquals(2000, node.path("network").path("txBytes").asLong());
        assertEquals(1, node.path("network").path("interfaces").size(), "loopback is left out");
        assertEquals(700, node.path("runtime").path("imageFs").path("availableBytes").asLong());
        assertEquals(4194304, node.path("rlimit").path("maxpid").asLong());
        assertEquals(345, node.path("rlimit").path("curproc").asLong());
        assertTrue(node.path("fs").path("capacityBytes").asLong() > 0);
    }

    @Test
    void podsWithReadySandboxesAndTheirRunningContainers() {
        JsonNode pods = stats.summary().path("pods");
        assertEquals(1, pods.size());
        JsonNode pod = pods.get(0);
        assertEquals("web", pod.path("podRef").path("name").asText());
        assertEquals("u1", pod.path("podRef").path("uid").asText());
        assertEquals(1, pod.path("containers").size(), "the exited attempt is not reported");
        JsonNode app = pod.path("containers").get(0);
        assertEquals("app", app.path("name").asText());
        assertEquals(3_000_000_000L, app.path("cpu").path("usageCoreNanoSeconds").asLong());
        assertEquals(49_900, app.path("memory").path("workingSetBytes").asLong());
        assertEquals(300, app.path("logs").path("usedBytes").asLong());
        // the pod is its containers and its sandbox
        assertEquals(4_000_000_000L, pod.path("cpu").path("usageCoreNanoSeconds").asLong());
        assertEquals(51_000, pod.path("memory").path("usageBytes").asLong());
        assertEquals(700, pod.path("network").path("txBytes").asLong());
        assertEquals("scratch", pod.path("volume").get(0).path("name").asText());
        assertEquals(40, pod.path("volume").get(0).path("usedBytes").asLong());
        assertEquals(340, pod.path("ephemeral-storage").path("usedBytes").asLong());
        assertEquals(3, pod.path("process_stats").path("process_count").asLong());
    }

    @Test
    void cpuRatesAreBetweenHousekeepingReadings() throws IOException {
        stats.sample();
        now = T0.plusSeconds(10);
        // the container used half a core for ten seconds
        cgroup("c1", 8_000_000_000L, 50_000, 4300, 2);
        write(proc.resolve("stat"), "cpu  300 0 50 1000 7 0 0 0 0 0\nbtime 1763888400\n");
        ObjectNode summary = stats.summary();
        assertEquals(500_000_000L, summary.path("pods").get(0).path("containers").get(0).path("cpu")
                .path("usageNanoCores").asLong());
        assertEquals(500_000_000L, summary.path("pods").get(0).path("cpu").path("usageNanoCores").asLong());
        assertEquals(200_000_000L, summary.path("node").path("cpu").path("usageNanoCores").asLong());
    }

    @Test
    void resourceMetricsInPrometheusText() {
        String text = ResourceMetrics.of(stats.summary());
        long millis = T0.toEpochMilli();
        assertTrue(text.contains("# TYPE container_cpu_usage_seconds_total counter\n"), text);
        assertTrue(text.contains("container_cpu_usage_seconds_total{container=\"app\",namespace=\"default\","
                + "pod=\"web\"} 3.0 " + millis + "\n"), text);
        assertTrue(text.contains("container_memory_working_set_bytes{container=\"app\",namespace=\"default\","
                + "pod=\"web\"} 49900 " + millis + "\n"), text);
        assertTrue(text.contains("container_start_time_seconds{container=\"app\",namespace=\"default\",pod=\"web\"} "
                + T0.plusSeconds(1).getEpochSecond() + " " + millis + "\n"), text);
        assertTrue(text.contains("node_cpu_usage_seconds_total 1.5 " + millis + "\n"), text);
        assertTrue(text.contains("pod_memory_working_set_bytes{namespace=\"default\",pod=\"web\"} 50800 "), text);
        assertTrue(text.endsWith("resource_scrape_error 0\n"), text);
    }

    @Test
    void kubeletHttpApiRoutes() throws IOException {
        ObjectNode web = (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"}}");
        KubeletHttpApi api = new KubeletHttpApi(config, stats, () -> Map.of("u1", web));
        assertEquals("ok", body(api.serve("GET", "/healthz", null)));
        JsonNode pods = JSON.readTree(api.serve("GET", "/pods/", null).body());
        assertEquals("PodList", pods.path("kind").asText());
        assertEquals("web", pods.path("items").get(0).path("metadata").path("name").asText());

        JsonNode small = JSON.readTree(api.serve("GET", "/stats/summary", "only_cpu_and_memory=true").body());
        assertTrue(small.path("node").has("cpu"));
        assertFalse(small.path("node").has("fs"));
        assertFalse(small.path("pods").get(0).has("network"));
        assertFalse(small.path("pods").get(0).path("containers").get(0).has("logs"));
        assertTrue(JSON.readTree(api.serve("POST", "/stats/summary", null).body()).path("node").has("fs"));

        KubeletHttpResponse metrics = api.serve("GET", "/metrics/resource", null);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.contentType());
        JsonNode configz = JSON.readTree(api.serve("GET", "/configz", null).body()).path("kubeletconfig");
        assertEquals("10.43.0.10", configz.path("clusterDNS").get(0).asText());
        assertEquals("100Mi", configz.path("evictionHard").path("memory.available").asText());
        assertEquals("5m0s", configz.path("evictionPressureTransitionPeriod").asText());

        KubeletHttpResponse missing = api.serve("GET", "/spec", null);
        assertEquals(404, missing.status());
        assertEquals("404 page not found\n", body(missing));
        assertEquals(405, api.serve("DELETE", "/healthz", null).status());
    }

    private static String body(KubeletHttpResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
