package io.karst.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Whole-file reads, and whole-file writes that are either fully visible or not at all: the content goes to a
 * temporary file in the same directory, is flushed to disk, and is renamed over the target, so a crash never
 * leaves half a key or certificate.
 */
public final class AtomicFiles {
    /** {@code 0600}: keys, tokens, kubeconfigs. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** {@code 0644}: certificates and public keys. */
    public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code content}, leaving it with exactly {@code permissions}. */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            // Set before any byte is written so a secret is never readable by others, whatever the umask.
            setPermissions(temp, permissions);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IllegalStateException(target + ": the file system cannot replace files atomically", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The write already failed; a stray temporary file is the lesser problem.
                }
            }
        }
    }

    /** The exact bytes of a file; a failure names the file, as an unusable PKI file must. */
    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(file + ": missing", e);
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** Creates {@code dir} (and its parents) when missing; a directory this creates is {@code 0700}. */
    public static void privateDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                return;
            }
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(dir)) {
                    throw new IllegalStateException(dir + " exists and is not a directory", e);
                }
                return;
            }
            setPermissions(dir, PRIVATE_DIRECTORY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * Parses an octal file mode as {@code --write-kubeconfig-mode} takes it ({@code 0600}, {@code 644}).
     *
     * @throws IllegalArgumentException when it is not an octal mode of at most {@code 0777}
     */
    public static Set<PosixFilePermission> permissions(String octalMode) {
        String mode = octalMode == null ? "" : octalMode.strip();
        if (!mode.matches("0?[0-7]{1,3}")) {
            throw new IllegalArgumentException("'" + octalMode + "' is not an octal file mode such as 0600");
        }
        int bits = Integer.parseInt(mode, 8);
        PosixFilePermission[] order = { PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ };
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < order.length; bit++) {
            if ((bits & (1 << bit)) != 0) {
                permissions.add(order[bit]);
            }
        }
        return permissions;
    }

    private static void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
        // Non-POSIX file systems (tests on other platforms) have no modes to set.
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }
}
