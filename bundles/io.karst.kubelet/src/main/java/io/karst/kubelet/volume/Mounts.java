package io.karst.kubelet.volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tmpfs mounts for memory-backed emptyDirs, through the host's mount and umount commands. */
final class Mounts {
    private Mounts() {
    }

    static void mountTmpfs(Path dir, long sizeBytes) throws IOException {
        List<String> command = new ArrayList<>(List.of("mount", "-t", "tmpfs"));
        if (sizeBytes > 0) {
            command.addAll(List.of("-o", "size=" + sizeBytes));
        }
        command.addAll(List.of("tmpfs", dir.toString()));
        run(command);
    }

    static void unmount(Path dir) throws IOException {
        run(List.of("umount", dir.toString()));
    }

    static boolean isMountPoint(Path dir) throws IOException {
        return mountPoints().contains(dir.toAbsolutePath().normalize().toString());
    }

    /** Mount points at or below {@code dir}, deepest first. */
    static List<Path> under(Path dir) throws IOException {
        String root = dir.toAbsolutePath().normalize().toString();
        List<Path> found = new ArrayList<>();
        for (String point : mountPoints()) {
            if (point.equals(root) || point.startsWith(root + "/")) {
                found.add(Path.of(point));
            }
        }
        found.sort((a, b) -> b.getNameCount() - a.getNameCount());
        return found;
    }

    private static List<String> mountPoints() throws IOException {
        List<String> points = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            if (fields.length > 1) {
                // /proc/mounts escapes spaces and other characters as octal
                points.add(fields[1].replace("\\040", " "));
            }
        }
        return points;
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": "
                    + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        }
    }
}
