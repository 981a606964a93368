package io.karst.kubelet.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * This machine's figures from {@code /proc}: CPU time of all cores, memory, the host's network interfaces, the
 * process limit, boot time. Memory follows cAdvisor's root container: usage is what is not free, the working set
 * that less inactive file pages, and available what the working set leaves of the total.
 */
public final class MachineStats {
    /** USER_HZ: the kernel's {@code /proc/stat} tick, 100 on every Linux architecture Karst runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final Path proc;

    public MachineStats() {
        this(Path.of("/proc"));
    }

    public MachineStats(Path proc) {
        this.proc = proc;
    }

    /** CPU time spent not idle, all cores, since boot (user, nice, system, irq, softirq, steal). */
    public OptionalLong cpuNanos() {
        for (String line : lines(proc.resolve("stat"))) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                long ticks = 0;
                for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                    if (i < f.length) {
                        ticks += Long.parseLong(f[i]);
                    }
                }
                return OptionalLong.of(ticks * NANOS_PER_TICK);
            }
        }
        return OptionalLong.empty();
    }

    /** When the machine booted, or null. */
    public Instant bootTime() {
        for (String line : lines(proc.resolve("stat"))) {
            if (line.startsWith("btime ")) {
                return Instant.ofEpochSecond(Long.parseLong(line.substring(6).trim()));
            }
        }
        return null;
    }

    /** The machine's memory, or null when {@code /proc/meminfo} cannot be read. */
    public MachineMemory memory() {
        Map<String, Long> info = new HashMap<>();
        for (String line : lines(proc.resolve("meminfo"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String[] value = line.substring(colon + 1).trim().split("\\s+");
                long n = Long.parseLong(value[0]);
                info.put(line.substring(0, colon), value.length > 1 && value[1].equals("kB") ? n * 1024 : n);
            }
        }
        Long total = info.get("MemTotal");
        Long free = info.get("MemFree");
        if (total == null || free == null) {
            return null;
        }
        long usage = total - free;
        long workingSet = Math.max(0, usage - info.getOrDefault("Inactive(file)", 0L));
        Map<String, Long> vm = new HashMap<>();
        for (String line : lines(proc.resolve("vmstat"))) {
            String[] f = line.split(" ");
            if (f.length == 2) {
                vm.put(f[0], Long.parseLong(f[1]));
            }
        }
        return new MachineMemory(total, total - workingSet, usage, workingSet, info.getOrDefault("AnonPages", -1L),
                vm.getOrDefault("pgfault", -1L), vm.getOrDefault("pgmajfault", -1L));
    }

    /** The interfaces of the host's network namespace. */
    public List<NetworkDevices.Interface> interfaces() {
        return NetworkDevices.read(proc.resolve("net/dev"));
    }

    /** The interface of the default route, or null. */
    public String defaultInterface() {
        for (String line : lines(proc.resolve("net/route"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 2 && f[1].equals("00000000") && !f[0].equals("Iface")) {
                return f[0];
            }
        }
        return null;
    }

    /** The most processes the kernel allows ({@code pid_max}), or -1. */
    public long maxProcesses() {
        List<String> l = lines(proc.resolve("sys/kernel/pid_max"));
        return l.isEmpty() ? -1 : Long.parseLong(l.get(0).trim());
    }

    /** Tasks the kernel has now (the fourth field of {@code /proc/loadavg}, after its slash), or -1. */
    public long processes() {
        List<String> l = lines(proc.resolve("loadavg"));
        if (l.isEmpty()) {
            return -1;
        }
        String[] f = l.get(0).split("\\s+");
        return f.length > 3 && f[3].contains("/") ? Long.parseLong(f[3].substring(f[3].indexOf('/') + 1)) : -1;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Bytes; -1 for what the kernel did not give. */
    public record MachineMemory(long total, long available, long usage, long workingSet, long rss, long pageFaults,
            long majorPageFaults) {
    }
}
