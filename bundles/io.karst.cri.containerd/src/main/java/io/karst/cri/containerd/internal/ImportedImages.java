package io.karst.cri.containerd.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The names of images imported from archives, one a line in {@code <data.dir>/agent/containerd/imported-images}.
 * containerd 1.6's CRI has no pinned label, so this record is what makes imported images pinned: image garbage
 * collection must never remove what an air-gapped node cannot pull again.
 */
final class ImportedImages {
    private final Path file;
    private final Set<String> names = new LinkedHashSet<>();

    ImportedImages(Path file) {
        this.file = file;
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        names.add(line.strip());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    synchronized boolean contains(String name) {
        return names.contains(name);
    }

    synchronized void addAll(Collection<String> imported) {
        if (names.addAll(imported)) {
            save();
        }
    }

    synchronized void remove(String name) {
        if (names.remove(name)) {
            save();
        }
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temp, names, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
