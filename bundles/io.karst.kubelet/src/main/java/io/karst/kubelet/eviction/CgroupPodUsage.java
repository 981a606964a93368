package io.karst.kubelet.eviction;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerSummary;
import io.karst.kubelet.KubeletConfig;

/**
 * A pod's usage from the cgroups of its running containers (the runtime has no stats call yet). containerd's CRI
 * plugin with the cgroupfs driver and no cgroup parent puts a container at {@code k8s.io/<container id>} of each
 * hierarchy: {@code /sys/fs/cgroup/memory/k8s.io/<id>} on cgroup v1, {@code /sys/fs/cgroup/k8s.io/<id>} on v2.
 * Memory is the working set (usage less inactive file pages, as cAdvisor), processes {@code pids.current}, disk the
 * container's log files plus the pod's directory (its local volumes, without memory-backed ones); writable layers
 * are not measured.
 */
public final class CgroupPodUsage implements PodUsage {
    /** upstream's runtime label tying a container to its pod */
    private static final String POD_UID = "io.kubernetes.pod.uid";

    private final ContainerRuntime runtime;
    private final KubeletConfig config;
    private final Path root;
    private final boolean v2;

    public CgroupPodUsage(ContainerRuntime runtime, KubeletConfig config) {
        this(runtime, config, Path.of("/sys/fs/cgroup"));
    }

    CgroupPodUsage(ContainerRuntime runtime, KubeletConfig config, Path root) {
        this.runtime = runtime;
        this.config = config;
        this.root = root;
        this.v2 = Files.exists(root.resolve("cgroup.controllers"));
    }

    @Override
    public Optional<PodStats> of(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        String uid = meta.path("uid").asText();
        List<ContainerSummary> containers;
        try {
            containers = runtime.listContainers().stream().filter(c -> uid.equals(c.labels().get(POD_UID)))
                    .toList();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        Map<String, Long> memory = new HashMap<>();
        Map<String, Long> disk = new HashMap<>();
        long processes = 0;
        Path logs = config.podLogDir(meta.path("namespace").asText(), meta.path("name").asText(), uid);
        for (ContainerSummary c : containers) {
            disk.merge(c.name(), size(logs.resolve(c.name())), Long::sum);
            if (c.state() != ContainerState.RUNNING) {
                continue;
            }
            memory.merge(c.name(), workingSet(c.id()), Long::sum);
            processes += read(cgroup("pids", c.id()).resolve("pids.current"));
        }
        return Optional.of(new PodStats(memory, disk, size(config.podDir(uid)), processes));
    }

    private Path cgroup(String controller, String containerId) {
        return (v2 ? root : root.resolve(controller)).resolve("k8s.io").resolve(containerId);
    }

    private long workingSet(String containerId) {
        Path dir = cgroup("memory", containerId);
        long usage = read(dir.resolve(v2 ? "memory.current" : "memory.usage_in_bytes"));
        long inactive = stat(dir.resolve("memory.stat"), v2 ? "inactive_file" : "total_inactive_file");
        return Math.max(0, usage - inactive);
    }

    private static long read(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static long stat(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key + " ")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: counted as none
        }
        return 0;
    }

    /**
     * Bytes of the regular files under {@code dir}, on its own filesystem only: a memory-backed emptyDir is a tmpfs
     * mounted inside the pod's directory and, as upstream's local ephemeral volumes, does not count as disk.
     */
    private static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long[] total = {0};
        try {
            Object device = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    return device.equals(Files.getAttribute(d, "unix:dev", LinkOption.NOFOLLOW_LINKS))
                            ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException e) {
            // what was counted so far
        }
        return total[0];
    }
}
