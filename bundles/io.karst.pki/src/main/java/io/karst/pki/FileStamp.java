package io.karst.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * What identifies one version of a file another process may replace: modification time, size and file key.
 * Atomic rewrites rename a new file into place, so the file key (inode) changes even when time and size do not.
 */
public record FileStamp(FileTime modified, long size, Object fileKey) {

    /** The stamp of {@code file}, or empty when it does not exist. */
    public static Optional<FileStamp> of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new FileStamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }
}
