package io.karst.launcher.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The snapshots folder, named as K3s names etcd snapshots: {@code <name>-<node>-<unix time>}. A snapshot being
 * written is a hidden {@code .partial} file until complete, so a listing never shows half a snapshot.
 */
final class SnapshotDirectory {
    /** What the name part may hold: it becomes a file name. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern UNIX_TIME_SUFFIX = Pattern.compile(".*-(\\d{9,12})");

    /** One snapshot file. */
    record Snapshot(String name, Path path, long sizeBytes, Instant created) {
    }

    private final Path dir;

    SnapshotDirectory(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    static String fileName(String name, String node, Instant now) {
        return name + "-" + node + "-" + now.getEpochSecond();
    }

    /** The snapshots, oldest first. */
    List<Snapshot> list() throws CommandFailure {
        List<Snapshot> snapshots = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return snapshots;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(file)) {
                    snapshots.add(new Snapshot(name, file, Files.size(file), created(file, name)));
                }
            }
        } catch (IOException e) {
            throw new CommandFailure("cannot list " + dir + ": " + e);
        }
        snapshots.sort(Comparator.comparing(Snapshot::created).thenComparing(Snapshot::name));
        return snapshots;
    }

    /** A snapshot by its file name in this folder, or by a path to any file. */
    Path find(String nameOrPath) throws CommandFailure {
        Path inDir = dir.resolve(nameOrPath);
        if (!nameOrPath.contains("/") && Files.isRegularFile(inDir)) {
            return inDir;
        }
        Path given = Path.of(nameOrPath);
        if (nameOrPath.contains("/") && Files.isRegularFile(given)) {
            return given;
        }
        throw new CommandFailure("no snapshot \"" + nameOrPath + "\" in " + dir
                + ": give a name that 'karst datastore snapshot ls' shows, or a path");
    }

    /** The time in the name, which survives copying between machines; else the file's modification time. */
    private static Instant created(Path file, String name) throws IOException {
        Matcher time = UNIX_TIME_SUFFIX.matcher(name);
        if (time.matches()) {
            return Instant.ofEpochSecond(Long.parseLong(time.group(1)));
        }
        return Files.getLastModifiedTime(file).toInstant();
    }
}
