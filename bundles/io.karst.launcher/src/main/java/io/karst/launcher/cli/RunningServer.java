package io.karst.launcher.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether a server runs on a data directory. A running server's Karaf holds an OS lock on
 * {@code <data-dir>/server/karaf/data/lock} for its whole life (karst points {@code karaf.lock.dir} there), and
 * the OS drops it when the process dies, even by kill -9: so a lock we can take means no server, and a stale
 * file left by a crash is no obstacle. SQLite's own locks cannot tell: in WAL mode an idle server holds none.
 */
final class RunningServer {
    private RunningServer() {
    }

    static Path lockFile(Path dataDir) {
        return dataDir.resolve("server/karaf/data/lock");
    }

    /** Whether a server holds the data directory's instance lock. */
    static boolean isRunning(Path dataDir) throws CommandFailure {
        Path lock = lockFile(dataDir);
        if (!Files.exists(lock)) {
            return false; // never started, or the instance was removed: nothing can be running on it
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock taken = channel.tryLock();
            if (taken == null) {
                return true;
            }
            taken.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            throw new CommandFailure("cannot tell whether a server runs on " + dataDir + ": " + lock + ": " + e);
        }
    }

    /** Fails when a server holds the data directory's instance lock. */
    static void requireStopped(Path dataDir) throws CommandFailure {
        if (isRunning(dataDir)) {
            throw running(dataDir, lockFile(dataDir));
        }
    }

    private static CommandFailure running(Path dataDir, Path lock) {
        return new CommandFailure("a Karst server is running on " + dataDir + " (it holds the instance lock " + lock
                + "): stop it first");
    }
}
