package io.karst.kubelet.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the node reports about the machine: CPU count, memory, the data dir's file system, and the identifiers and
 * versions {@code status.nodeInfo} carries, read from {@code /proc}, {@code /etc} and {@code /sys} as the kubelet
 * (cAdvisor) reads them.
 */
public record MachineInfo(int cpus, long memoryBytes, long ephemeralStorageBytes, String machineId,
        String systemUuid, String bootId, String kernelVersion, String osImage, String architecture) {

    public static MachineInfo read(Path dataDir) {
        long storage;
        try {
            Files.createDirectories(dataDir);
            storage = Files.getFileStore(dataDir).getTotalSpace();
        } catch (IOException e) {
            storage = 0;
        }
        String machineId = firstLine(Path.of("/etc/machine-id"));
        if (machineId.isEmpty()) {
            machineId = firstLine(Path.of("/var/lib/dbus/machine-id"));
        }
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), memTotal(), storage, machineId,
                firstLine(Path.of("/sys/class/dmi/id/product_uuid")).toLowerCase(),
                firstLine(Path.of("/proc/sys/kernel/random/boot_id")),
                firstLine(Path.of("/proc/sys/kernel/osrelease")), readOsImage(), hostArchitecture());
    }

    private static long memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static String readOsImage() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/etc/os-release"));
            for (String line : lines) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return System.getProperty("os.name");
    }

    static String hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    private static String firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? "" : lines.get(0).trim();
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
