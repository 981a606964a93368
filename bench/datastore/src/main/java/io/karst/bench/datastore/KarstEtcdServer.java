package io.karst.bench.datastore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

import io.karst.datastore.CompactionSchedule;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;
import io.karst.etcdserver.internal.EtcdEndpoint;

/**
 * Karst's store and etcd endpoint in a process of their own, as etcd runs in its own: the SQLite store opened as
 * {@code karst server} opens it (synchronous=FULL, default settings, automatic compaction), served on a free
 * loopback port that is written to a file once the endpoint listens. Runs until terminated.
 *
 * <p>Usage: {@code KarstEtcdServer <data-dir> <port-file> <compaction-window-seconds>}
 */
public final class KarstEtcdServer {

    private KarstEtcdServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: KarstEtcdServer <data-dir> <port-file> <compaction-window-s>");
        }
        Path dataDir = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        LogStructuredStore store = SqliteStore.openInDataDir(dataDir, SqliteSync.FULL, StoreSettings.defaults());
        CompactionSchedule compaction = CompactionSchedule.start(store,
                DatastoreBench.compactionPolicy(Long.parseLong(args[2])), "karst-datastore-sqlite-compaction");
        EtcdEndpoint endpoint = EtcdEndpoint.start(store, "127.0.0.1", 0);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            endpoint.close();
            compaction.close();
            store.close();
            stopped.countDown();
        }, "karst-bench-shutdown"));
        // written whole, then renamed, so the script never reads half a port number
        Path partial = portFile.resolveSibling(portFile.getFileName() + ".partial");
        Files.writeString(partial, Integer.toString(endpoint.port()));
        Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE);
        stopped.await();
    }
}
