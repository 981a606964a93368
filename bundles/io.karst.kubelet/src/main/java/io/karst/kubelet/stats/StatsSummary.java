package io.karst.kubelet.stats;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerSummary;
import io.karst.api.node.ImageFsInfo;
import io.karst.api.node.ImageService;
import io.karst.api.node.PodSandbox;
import io.karst.api.node.SandboxState;
import io.karst.kubelet.KubeletConfig;

/**
 * The kubelet's {@code /stats/summary} (upstream's {@code stats/v1alpha1} Summary): the node's CPU, memory, network,
 * filesystem, image filesystem and process figures, and per pod with a ready sandbox its running containers' CPU,
 * memory and logs, the pod's sums (containers and sandbox: Karst's pods have no cgroup of their own), network,
 * volumes, ephemeral storage and process count. CPU rates come from the housekeeping's readings ({@link #sample}).
 * Containers' writable layers are not measured (no {@code rootfs}); inodes are not measured (Java has no statfs).
 */
public final class StatsSummary {
    private static final String POD_UID = "io.kubernetes.pod.uid";
    private static final String NODE_KEY = "node";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final KubeletConfig config;
    private final ContainerRuntime runtime;
    private final ImageService images;
    private final Supplier<Map<String, ObjectNode>> pods;
    private final Cgroups cgroups;
    private final MachineStats machine;
    private final Path proc;
    private final CpuSamples cpu = new CpuSamples();
    private final Clock clock;

    /** On this machine's cgroups and {@code /proc}. */
    public StatsSummary(KubeletConfig config, ContainerRuntime runtime, ImageService images,
            Supplier<Map<String, ObjectNode>> pods) {
        this(config, runtime, images, pods, new Cgroups(), Path.of("/proc"), Clock.systemUTC());
    }

    public StatsSummary(KubeletConfig config, ContainerRuntime runtime, ImageService images,
            Supplier<Map<String, ObjectNode>> pods, Cgroups cgroups, Path proc, Clock clock) {
        this.config = config;
        this.runtime = runtime;
        this.images = images;
        this.pods = pods;
        this.cgroups = cgroups;
        this.machine = new MachineStats(proc);
        this.proc = proc;
        this.clock = clock;
    }

    /** Records CPU readings of the node, its pods and containers, for the rates of later summaries. */
    public void sample() {
        Instant now = clock.instant();
        Set<String> live = new HashSet<>();
        machine.cpuNanos().ifPresent(n -> {
            cpu.record(NODE_KEY, now, n);
            live.add(NODE_KEY);
        });
        for (RunningPod pod : runningPods()) {
            long podNanos = 0;
            for (String id : pod.cgroupIds()) {
                OptionalLong n = cgroups.cpuNanos(id);
                if (n.isPresent()) {
                    cpu.record(id, now, n.getAsLong());
                    live.add(id);
                    podNanos += n.getAsLong();
                }
            }
            cpu.record("pod:" + pod.sandbox().uid(), now, podNanos);
            live.add("pod:" + pod.sandbox().uid());
        }
        cpu.retain(live);
    }

    /** A pod as the runtime runs it: its ready sandbox and running containers. */
    record RunningPod(PodSandbox sandbox, List<ContainerSummary> containers) {
        List<String> cgroupIds() {
            List<String> ids = new ArrayList<>();
            ids.add(sandbox.id());
            containers.forEach(c -> ids.add(c.id()));
            return ids;
        }
    }

    List<RunningPod> runningPods() {
        Map<String, List<ContainerSummary>> byPod = new HashMap<>();
        for (ContainerSummary c : runtime.listContainers()) {
            String uid = c.labels().get(POD_UID);
            if (uid != null && c.state() == ContainerState.RUNNING) {
                byPod.computeIfAbsent(c.sandboxId(), k -> new ArrayList<>()).add(c);
            }
        }
        List<RunningPod> out = new ArrayList<>();
        for (PodSandbox s : runtime.listPodSandboxes()) {
            if (s.state() == SandboxState.READY) {
                out.add(new RunningPod(s, byPod.getOrDefault(s.id(), List.of())));
            }
        }
        return out;
    }

    /** The Summary document. */
    public ObjectNode summary() {
        Instant now = clock.instant();
        ObjectNode summary = JSON.objectNode();
        summary.set("node", node(now));
        ArrayNode items = summary.putArray("pods");
        Map<String, ObjectNode> known = pods.get();
        for (RunningPod pod : runningPods()) {
            items.add(pod(pod, known.get(pod.sandbox().uid()), now));
        }
        return summary;
    }

    private ObjectNode node(Instant now) {
        ObjectNode node = JSON.objectNode().put("nodeName", config.nodeName());
        Instant boot = machine.bootTime();
        if (boot != null) {
            node.put("startTime", time(boot));
        }
        OptionalLong nanos = machine.cpuNanos();
        if (nanos.isPresent()) {
            node.set("cpu", cpu(NODE_KEY, now, nanos.getAsLong()));
        }
        MachineStats.MachineMemory m = machine.memory();
        if (m != null) {
            ObjectNode memory = JSON.objectNode().put("time", time(now)).put("availableBytes", m.available())
                    .put("usageBytes", m.usage()).put("workingSetBytes", m.workingSet());
            putKnown(memory, "rssBytes", m.rss());
            putKnown(memory, "pageFaults", m.pageFaults());
            putKnown(memory, "majorPageFaults", m.majorPageFaults());
            node.set("memory", memory);
        }
        node.set("network", network(machine.interfaces(), machine.defaultInterface(), now));
        ObjectNode fs = fs(config.dataDir(), now);
        if (fs != null) {
            node.set("fs", fs);
        }
        ObjectNode imageFs = imageFs(now);
        if (imageFs != null) {
            // containerd keeps writable layers in the same snapshotter as images
            node.putObject("runtime").<ObjectNode>set("imageFs", imageFs).set("containerFs", imageFs.deepCopy());
        }
        ObjectNode rlimit = JSON.objectNode().put("time", time(now));
        putKnown(rlimit, "maxpid", machine.maxProcesses());
        putKnown(rlimit, "curproc", machine.processes());
        node.set("rlimit", rlimit);
        return node;
    }

    private ObjectNode pod(RunningPod pod, ObjectNode apiPod, Instant now) {
        PodSandbox s = pod.sandbox();
        ObjectNode out = JSON.objectNode();
        out.putObject("podRef").put("name", s.name()).put("namespace", s.namespace()).put("uid", s.uid());
        String started = apiPod == null ? "" : apiPod.path("status").path("startTime").asText("");
        out.put("startTime", started.isEmpty() ? time(s.createdAt()) : started);
        ArrayNode containers = out.putArray("containers");
        Path logs = config.podLogDir(s.namespace(), s.name(), s.uid());
        long podCpu = 0;
        boolean cpuKnown = false;
        long[] memory = new long[5];
        long logBytes = 0;
        for (ContainerSummary c : pod.containers()) {
            ObjectNode container = containers.addObject().put("name", c.name());
            if (c.createdAt() != null) {
                container.put("startTime", time(c.createdAt()));
            }
            OptionalLong n = cgroups.cpuNanos(c.id());
            if (n.isPresent()) {
                container.set("cpu", cpu(c.id(), now, n.getAsLong()));
            }
            Cgroups.MemoryUsage mem = cgroups.memory(c.id());
            if (mem != null) {
                container.set("memory", memory(mem, now));
            }
            long[] used = DirectoryUsage.walk(logs.resolve(c.name()));
            logBytes += used[0];
            ObjectNode logFs = fs(config.agentDir(), now);
            if (logFs != null) {
                container.set("logs", logFs.put("usedBytes", used[0]).put("inodesUsed", used[1]));
            }
        }
        for (String id : pod.cgroupIds()) {
            OptionalLong n = cgroups.cpuNanos(id);
            if (n.isPresent()) {
                podCpu += n.getAsLong();
                cpuKnown = true;
            }
            Cgroups.MemoryUsage mem = cgroups.memory(id);
            if (mem != null) {
                memory[0] += mem.usage();
                memory[1] += mem.workingSet();
                memory[2] += Math.max(0, mem.rss());
                memory[3] += Math.max(0, mem.pageFaults());
                memory[4] += Math.max(0, mem.majorPageFaults());
            }
        }
        if (cpuKnown) {
            out.set("cpu", cpu("pod:" + s.uid(), now, podCpu));
        }
        out.set("memory", memory(new Cgroups.MemoryUsage(memory[0], memory[1], memory[2], memory[3], memory[4]),
                now));
        long pid = cgroups.firstProcess(s.id());
        if (pid > 0) {
            out.set("network", network(NetworkDevices.read(proc.resolve(pid + "/net/dev")), "eth0", now));
        }
        Path podDir = config.podDir(s.uid());
        ArrayNode volumes = volumes(podDir.resolve("volumes"), now);
        if (!volumes.isEmpty()) {
            out.set("volume", volumes);
        }
        ObjectNode ephemeral = fs(config.agentDir(), now);
        if (ephemeral != null) {
            long[] local = DirectoryUsage.walk(podDir);
            out.set("ephemeral-storage", ephemeral.put("usedBytes", local[0] + logBytes).put("inodesUsed", local[1]));
        }
        long processes = 0;
        for (String id : pod.cgroupIds()) {
            processes += Math.max(0, cgroups.processes(id));
        }
        out.putObject("process_stats").put("process_count", processes);
        return out;
    }

    private ObjectNode cpu(String key, Instant now, long nanos) {
        ObjectNode cpuStats = JSON.objectNode().put("time", time(now));
        cpu.nanoCores(key, now, nanos).ifPresent(rate -> cpuStats.put("usageNanoCores", rate));
        return cpuStats.put("usageCoreNanoSeconds", nanos);
    }

    private ObjectNode memory(Cgroups.MemoryUsage m, Instant now) {
        ObjectNode memory = JSON.objectNode().put("time", time(now)).put("usageBytes", m.usage())
                .put("workingSetBytes", m.workingSet());
        putKnown(memory, "rssBytes", m.rss());
        putKnown(memory, "pageFaults", m.pageFaults());
        putKnown(memory, "majorPageFaults", m.majorPageFaults());
        return memory;
    }

    private static ObjectNode network(List<NetworkDevices.Interface> interfaces, String preferred, Instant now) {
        ObjectNode network = JSON.objectNode().put("time", time(now));
        NetworkDevices.Interface main = interfaces.stream().filter(i -> i.name().equals(preferred)).findFirst()
                .orElse(interfaces.isEmpty() ? null : interfaces.get(0));
        if (main != null) {
            counters(network.put("name", main.name()), main);
        }
        ArrayNode all = network.putArray("interfaces");
        interfaces.forEach(i -> counters(all.addObject().put("name", i.name()), i));
        return network;
    }

    private static void counters(ObjectNode node, NetworkDevices.Interface i) {
        node.put("rxBytes", i.rxBytes()).put("rxErrors", i.rxErrors()).put("txBytes", i.txBytes())
                .put("txErrors", i.txErrors());
    }

    /** The volumes under {@code kubernetes.io~<plugin>/<name>}, by name, with their filesystem's size. */
    private static ArrayNode volumes(Path dir, Instant now) {
        ArrayNode out = JSON.arrayNode();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> plugins = Files.newDirectoryStream(dir)) {
            for (Path plugin : plugins) {
                try (DirectoryStream<Path> volumes = Files.newDirectoryStream(plugin)) {
                    for (Path volume : volumes) {
                        ObjectNode fs = fs(volume, now);
                        if (fs != null) {
                            long[] used = DirectoryUsage.walk(volume);
                            out.add(fs.put("usedBytes", used[0]).put("inodesUsed", used[1])
                                    .put("name", volume.getFileName().toString()));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // a pod going away while it is listed
        }
        return out;
    }

    private static ObjectNode fs(Path path, Instant now) {
        try {
            FileStore store = Files.getFileStore(path);
            long capacity = store.getTotalSpace();
            long available = store.getUsableSpace();
            return JSON.objectNode().put("time", time(now)).put("availableBytes", available)
                    .put("capacityBytes", capacity).put("usedBytes", capacity - store.getUnallocatedSpace());
        } catch (IOException e) {
            return null;
        }
    }

    private ObjectNode imageFs(Instant now) {
        try {
            ImageFsInfo info = images.imageFsInfo();
            return JSON.objectNode().put("time", time(info.timestamp() == null ? now : info.timestamp()))
                    .put("availableBytes", info.availableBytes()).put("capacityBytes", info.capacityBytes())
                    .put("usedBytes", info.usedBytes());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void putKnown(ObjectNode node, String field, long value) {
        if (value >= 0) {
            node.put(field, value);
        }
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
