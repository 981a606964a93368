package io.karst.cri.containerd.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the image archives of some directories: those present at start, and any that appear or change later. A
 * file is imported only once its size and modification time have stayed the same for a second, so an archive
 * still being copied in is not read half-written; one that changes again after its import is imported again.
 */
final class ImageDirWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDirWatcher.class);
    private static final long SETTLE_MILLIS = 1000;

    private record Seen(long size, long modified, long sinceMillis) {
    }

    private final List<Path> dirs;
    private final Consumer<Path> importer;
    private final WatchService watcher;
    private final Thread thread;
    /** Archives waiting to settle, with what they looked like when last seen to change. */
    private final Map<Path, Seen> pending = new HashMap<>();
    /** Archives imported, with their size and time then, so a repeated event does not import them again. */
    private final Map<Path, Seen> done = new HashMap<>();
    private volatile boolean closed;

    ImageDirWatcher(List<Path> dirs, Consumer<Path> importer) throws IOException {
        this.dirs = List.copyOf(dirs);
        this.importer = importer;
        this.watcher = dirs.isEmpty() ? null : dirs.get(0).getFileSystem().newWatchService();
        for (Path dir : dirs) {
            Files.createDirectories(dir);
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        }
        this.thread = new Thread(this::run, "karst-image-dirs");
        thread.setDaemon(true);
    }

    void start() {
        if (watcher != null) {
            thread.start();
        }
    }

    private void run() {
        for (Path dir : dirs) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    consider(file);
                }
            } catch (IOException e) {
                LOG.warn("Cannot list image directory {}: {}", dir, e.toString());
            }
        }
        while (!closed) {
            try {
                WatchKey key = watcher.poll(SETTLE_MILLIS / 2, TimeUnit.MILLISECONDS);
                if (key != null) {
                    Path dir = (Path) key.watchable();
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.context() instanceof Path name) {
                            consider(dir.resolve(name));
                        } else {
                            rescan(dir); // OVERFLOW: events were lost
                        }
                    }
                    key.reset();
                }
                importSettled();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Image directory watcher: {}", e.toString(), e);
            }
        }
    }

    private void rescan(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                consider(file);
            }
        } catch (IOException e) {
            LOG.warn("Cannot list image directory {}: {}", dir, e.toString());
        }
    }

    private void consider(Path file) {
        if (!ArchiveImporter.isArchive(file) || file.getFileName().toString().startsWith(".")) {
            return;
        }
        Seen now = look(file);
        if (now == null) {
            return;
        }
        Seen imported = done.get(file);
        if (imported != null && imported.size() == now.size() && imported.modified() == now.modified()) {
            return;
        }
        Seen before = pending.get(file);
        if (before == null || before.size() != now.size() || before.modified() != now.modified()) {
            pending.put(file, now);
        }
    }

    private void importSettled() {
        long nowMillis = System.currentTimeMillis();
        for (Iterator<Map.Entry<Path, Seen>> it = pending.entrySet().iterator(); it.hasNext() && !closed;) {
            Map.Entry<Path, Seen> entry = it.next();
            Path file = entry.getKey();
            Seen now = look(file);
            if (now == null) {
                it.remove();
                continue;
            }
            Seen before = entry.getValue();
            if (before.size() != now.size() || before.modified() != now.modified()) {
                entry.setValue(now);
                continue;
            }
            if (nowMillis - before.sinceMillis() < SETTLE_MILLIS) {
                continue;
            }
            it.remove();
            done.put(file, now);
            try {
                importer.accept(file);
            } catch (RuntimeException e) {
                LOG.warn("Cannot import image archive {}: {}", file, e.getMessage());
            }
        }
    }

    private static Seen look(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return null;
            }
            return new Seen(attributes.size(), attributes.lastModifiedTime().toMillis(), System.currentTimeMillis());
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (watcher == null) {
            return;
        }
        try {
            watcher.close();
        } catch (IOException e) {
            // closing only ends the thread's wait
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
