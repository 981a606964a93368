package io.karst.kubelet.stats;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** What the files under a directory take on disk, as upstream's {@code du} of local ephemeral volumes. */
public final class DirectoryUsage {
    private DirectoryUsage() {
    }

    /**
     * Bytes of the regular files under {@code dir}, on its own filesystem only: a memory-backed emptyDir is a tmpfs
     * mounted inside the pod's directory and, as upstream's local ephemeral volumes, does not count as disk. Zero for
     * a missing directory.
     */
    public static long bytes(Path dir) {
        return walk(dir)[0];
    }

    /** {@code [bytes, files and directories]} under {@code dir} (the inodes it uses), on its own filesystem. */
    public static long[] walk(Path dir) {
        long[] total = {0, 0};
        if (!Files.isDirectory(dir)) {
            return total;
        }
        try {
            Object device = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    if (!device.equals(Files.getAttribute(d, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    total[1]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    total[1]++;
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
        return total;
    }
}
