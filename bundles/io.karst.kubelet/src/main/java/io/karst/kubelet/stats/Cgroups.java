package io.karst.kubelet.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The cgroups containerd gives a container or sandbox. Its CRI plugin with the cgroupfs driver and no cgroup parent
 * puts each at {@code k8s.io/<id>} of every hierarchy: {@code /sys/fs/cgroup/<controller>/k8s.io/<id>} on cgroup v1,
 * {@code /sys/fs/cgroup/k8s.io/<id>} on v2. Values the kernel does not give read as absent.
 */
public final class Cgroups {
    private final Path root;
    private final boolean v2;

    public Cgroups() {
        this(Path.of("/sys/fs/cgroup"));
    }

    public Cgroups(Path root) {
        this.root = root;
        this.v2 = Files.exists(root.resolve("cgroup.controllers"));
    }

    private Path dir(String controller, String id) {
        return (v2 ? root : root.resolve(controller)).resolve("k8s.io").resolve(id);
    }

    /** Whether the runtime made cgroups for this id (a stopped container's are gone). */
    public boolean exists(String id) {
        return Files.isDirectory(dir("memory", id));
    }

    /** Cumulative CPU time of the cgroup's tasks, in nanoseconds. */
    public OptionalLong cpuNanos(String id) {
        if (v2) {
            long usec = stat(dir("cpu", id).resolve("cpu.stat"), "usage_usec");
            return usec < 0 ? OptionalLong.empty() : OptionalLong.of(usec * 1000);
        }
        long nanos = number(dir("cpuacct", id).resolve("cpuacct.usage"));
        return nanos < 0 ? OptionalLong.empty() : OptionalLong.of(nanos);
    }

    /** Memory as cAdvisor reports it: the working set is the usage less inactive file pages. */
    public MemoryUsage memory(String id) {
        Path d = dir("memory", id);
        Path stat = d.resolve("memory.stat");
        long usage = number(d.resolve(v2 ? "memory.current" : "memory.usage_in_bytes"));
        if (usage < 0) {
            return null;
        }
        long inactive = Math.max(0, stat(stat, v2 ? "inactive_file" : "total_inactive_file"));
        long rss = stat(stat, v2 ? "anon" : "total_rss");
        long faults = stat(stat, v2 ? "pgfault" : "total_pgfault");
        long majorFaults = stat(stat, v2 ? "pgmajfault" : "total_pgmajfault");
        return new MemoryUsage(usage, Math.max(0, usage - inactive), rss, faults, majorFaults);
    }

    /** Tasks in the cgroup now ({@code pids.current}), or -1. */
    public long processes(String id) {
        return number(dir("pids", id).resolve("pids.current"));
    }

    /** One process of the cgroup (the sandbox's pause process holds the pod's network namespace), or -1. */
    public long firstProcess(String id) {
        try (var lines = Files.lines(dir("memory", id).resolve("cgroup.procs"))) {
            return lines.map(String::trim).filter(l -> !l.isEmpty()).mapToLong(Long::parseLong).findFirst()
                    .orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long number(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
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
            // not given by this kernel
        }
        return -1;
    }

    /**
     * Bytes of memory; -1 for what the kernel did not give.
     *
     * @param workingSet the usage less inactive file pages
     */
    public record MemoryUsage(long usage, long workingSet, long rss, long pageFaults, long majorPageFaults) {
    }
}
