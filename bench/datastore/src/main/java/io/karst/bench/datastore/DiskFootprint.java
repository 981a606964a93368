package io.karst.bench.datastore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a store occupies on disk: its database file(s), and its whole data directory (which for etcd adds the
 * raft WAL and snapshots, for SQLite the shared-memory index).
 *
 * @param dbFiles the database proper: SQLite's main file and its WAL; etcd's bbolt file
 * @param dataDir the directory holding everything the store writes
 */
record DiskFootprint(List<Path> dbFiles, Path dataDir) {

    /** Karst's SQLite store in a server data directory, as the store itself counts its size. */
    static DiskFootprint karst(Path dataDir) {
        Path db = dataDir.resolve("server/db/state.db");
        return new DiskFootprint(List.of(db, db.resolveSibling("state.db-wal")), dataDir);
    }

    /** etcd 3.4's data directory: {@code member/snap/db} is the bbolt database. */
    static DiskFootprint etcd(Path dataDir) {
        return new DiskFootprint(List.of(dataDir.resolve("member/snap/db")), dataDir);
    }

    long dbBytes() {
        return dbFiles.stream().mapToLong(DiskFootprint::size).sum();
    }

    /** Each database file's size, e.g. "state.db 40.1 MiB + state.db-wal 64.0 MiB". */
    String describe() {
        StringBuilder text = new StringBuilder();
        for (Path file : dbFiles) {
            text.append(text.length() == 0 ? "" : " + ").append(file.getFileName())
                    .append(String.format(" %.1f MiB", size(file) / (1024.0 * 1024)));
        }
        return text.toString();
    }

    long dataDirBytes() {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.mapToLong(DiskFootprint::size).sum();
        } catch (UncheckedIOException | IOException e) {
            // a file the store removed while being walked (a rotated WAL segment): walk again
            return dataDirBytesRetry();
        }
    }

    private long dataDirBytesRetry() {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.mapToLong(DiskFootprint::size).sum();
        } catch (UncheckedIOException | IOException e) {
            return -1;
        }
    }

    private static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
