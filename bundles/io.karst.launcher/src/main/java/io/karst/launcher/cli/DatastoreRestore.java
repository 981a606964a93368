package io.karst.launcher.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * Puts a snapshot in place of a stopped server's {@code state.db}. The one step the server could observe is an
 * atomic rename, and everything before it leaves the old database whole: the snapshot is copied and checked
 * next to the database first, the old database's WAL is folded into its file (so dropping {@code -wal} and
 * {@code -shm} loses nothing and no stale WAL can be replayed onto the new file), and the old file stays as
 * {@code state.db.pre-restore-<unix time>}.
 */
final class DatastoreRestore {
    /** What a restore did. */
    record Result(SqliteFiles.Revisions revisions, Path backup) {
    }

    private final Path database;
    private final Instant now;

    DatastoreRestore(Path database, Instant now) {
        this.database = database;
        this.now = now;
    }

    Result restore(Path snapshot) throws CommandFailure {
        Path incoming = sibling(".restoring");
        try {
            Files.createDirectories(database.getParent());
            Files.copy(snapshot, incoming, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(incoming, PosixFilePermissions.fromString("rw-------"));
            SqliteFiles.Revisions revisions = SqliteFiles.verify(incoming);
            DatastoreCommand.force(incoming);
            Path backup = null;
            if (Files.exists(database)) {
                SqliteFiles.checkpoint(database);
                backup = sibling(".pre-restore-" + now.getEpochSecond());
                keep(backup);
            }
            Files.deleteIfExists(sibling("-wal"));
            Files.deleteIfExists(sibling("-shm"));
            Files.move(incoming, database, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(database.getParent());
            return new Result(revisions, backup);
        } catch (IOException e) {
            throw new CommandFailure("cannot restore into " + database + ": " + e);
        } finally {
            DatastoreCommand.deleteQuietly(incoming);
            DatastoreCommand.deleteQuietly(sibling(".restoring-journal"));
        }
    }

    /** A hard link costs no copy of a large database; a file system without links gets a copy. */
    private void keep(Path backup) throws IOException {
        if (Files.exists(backup)) {
            throw new IOException(backup + " exists already");
        }
        try {
            Files.createLink(backup, database);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(database, backup);
        }
    }

    private Path sibling(String suffix) {
        return database.resolveSibling(database.getFileName() + suffix);
    }

    /** Makes the rename itself durable; best effort, as not every file system lets a directory be synced. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // The rename is atomic either way; only its durability across a power loss is at stake.
        }
    }
}
