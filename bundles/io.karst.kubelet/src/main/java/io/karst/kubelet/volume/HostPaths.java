package io.karst.kubelet.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

/** hostPath volumes: the path, created or checked according to its {@code type}, as upstream does. */
final class HostPaths {
    private HostPaths() {
    }

    static Path check(JsonNode hostPath) throws IOException, VolumeException {
        Path path = Path.of(hostPath.path("path").asText());
        String type = hostPath.path("type").asText("");
        switch (type) {
            case "", "Socket", "CharDevice", "BlockDevice" -> {
                if (!type.isEmpty() && !Files.exists(path)) {
                    throw new VolumeException("hostPath type check failed: " + path + " is not a " + type);
                }
            }
            case "DirectoryOrCreate" -> {
                if (!Files.isDirectory(path)) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, AtomicDirectory.permissions(0755));
                }
            }
            case "Directory" -> {
                if (!Files.isDirectory(path)) {
                    throw new VolumeException("hostPath type check failed: " + path + " is not a directory");
                }
            }
            case "FileOrCreate" -> {
                if (!Files.exists(path)) {
                    Files.createDirectories(path.getParent());
                    Files.createFile(path);
                    Files.setPosixFilePermissions(path, AtomicDirectory.permissions(0644));
                }
            }
            case "File" -> {
                if (!Files.isRegularFile(path)) {
                    throw new VolumeException("hostPath type check failed: " + path + " is not a file");
                }
            }
            default -> throw new VolumeException("hostPath type " + type + " is not a valid type");
        }
        return path;
    }
}
