package io.karst.kubelet.volume;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a set of files into a directory so that a reader never sees a mix of old and new content, with upstream's
 * layout (the kubelet's AtomicWriter): the files live in a timestamped {@code ..<time>} directory, {@code ..data}
 * is a symlink to the current one, swapped by one rename, and each top-level name is a symlink through
 * {@code ..data}. That is what lets a mounted ConfigMap or Secret change under a running container.
 */
final class AtomicDirectory {
    private static final String DATA = "..data";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss.SSSSSSSSS");

    /** One file: its bytes and POSIX mode. */
    record Payload(byte[] content, int mode) {
    }

    private AtomicDirectory() {
    }

    /** Makes {@code dir} hold exactly {@code files} (relative paths); nothing is written when nothing changed. */
    static void write(Path dir, Map<String, Payload> files) throws IOException {
        Files.createDirectories(dir);
        Path data = dir.resolve(DATA);
        if (Files.exists(data) && same(data, files)) {
            return;
        }
        Path stamped = dir.resolve(".." + LocalDateTime.now().format(STAMP));
        Files.createDirectories(stamped);
        for (Map.Entry<String, Payload> file : files.entrySet()) {
            Path target = stamped.resolve(file.getKey()).normalize();
            if (!target.startsWith(stamped)) {
                throw new IOException("path " + file.getKey() + " leaves the volume");
            }
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue().content());
            Files.setPosixFilePermissions(target, permissions(file.getValue().mode()));
        }
        Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
        Path link = dir.resolve(DATA + "_tmp");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, stamped.getFileName());
        Files.move(link, data, StandardCopyOption.ATOMIC_MOVE);

        Set<String> top = new HashSet<>();
        for (String path : files.keySet()) {
            top.add(Path.of(path).getName(0).toString());
        }
        for (String name : top) {
            try {
                Files.createSymbolicLink(dir.resolve(name), Path.of(DATA, name));
            } catch (FileAlreadyExistsException e) {
                // already linked through ..data
            }
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.startsWith("..") && !top.contains(name) && Files.isSymbolicLink(entry)) {
                    Files.delete(entry);
                }
            }
        }
        if (old != null && !old.equals(stamped)) {
            deleteTree(old);
        }
    }

    private static boolean same(Path data, Map<String, Payload> files) throws IOException {
        Set<String> present = new HashSet<>();
        try (Stream<Path> walk = Files.walk(data.toRealPath())) {
            Path root = data.toRealPath();
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                present.add(root.relativize(p).toString());
            }
        }
        if (!present.equals(files.keySet())) {
            return false;
        }
        for (Map.Entry<String, Payload> file : files.entrySet()) {
            Path p = data.resolve(file.getKey());
            if (!Arrays.equals(Files.readAllBytes(p), file.getValue().content())
                    || !Files.getPosixFilePermissions(p).equals(permissions(file.getValue().mode()))) {
                return false;
            }
        }
        return true;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = new HashSet<>();
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
