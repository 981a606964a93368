package io.karst.kubelet.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pressure conditions, measured against upstream's default hard eviction thresholds: memory.available below
 * 100Mi, nodefs.available below 10 %, and (as upstream's PID pressure) fewer than 10 % of pid_max left.
 */
final class NodeConditions {
    static final long MEMORY_AVAILABLE_MIN = 100L * 1024 * 1024;

    private NodeConditions() {
    }

    static boolean memoryPressure() {
        long available = meminfo("MemAvailable:");
        return available >= 0 && available < MEMORY_AVAILABLE_MIN;
    }

    static boolean diskPressure(Path dataDir) {
        try {
            var store = Files.getFileStore(dataDir);
            return store.getTotalSpace() > 0 && store.getUsableSpace() * 10 < store.getTotalSpace();
        } catch (IOException e) {
            return false;
        }
    }

    static boolean pidPressure() {
        try {
            long max = Long.parseLong(Files.readString(Path.of("/proc/sys/kernel/pid_max")).trim());
            String[] loadavg = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            long running = Long.parseLong(loadavg[3].substring(loadavg[3].indexOf('/') + 1));
            return running * 10 > max * 9;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A /proc/meminfo value in bytes, -1 when absent. */
    private static long meminfo(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.trim().split("\\s+")[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }
}
