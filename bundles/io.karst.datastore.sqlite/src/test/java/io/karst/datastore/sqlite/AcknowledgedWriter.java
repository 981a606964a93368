package io.karst.datastore.sqlite;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import io.karst.api.datastore.KeyValue;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;

/**
 * The process {@link KillDuringWritesTest} kills: opens the store of a data directory and writes from several
 * threads until killed, printing {@code ack <key> <revision> .} for each write only after the store returned it.
 * The trailing dot lets the test ignore a line the kill cut short.
 */
public final class AcknowledgedWriter {
    private AcknowledgedWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        SqliteSync sync = SqliteSync.valueOf(args[1]);
        int threads = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        LogStructuredStore store = SqliteStore.openInDataDir(dataDir, sync, StoreSettings.defaults());
        AtomicBoolean failed = new AtomicBoolean();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread writer = new Thread(() -> write(store, thread, out, failed), "writer-" + t);
            writer.start();
        }
        out.println("ready");
        // Never returns normally: the test ends this process with SIGKILL.
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Creates ten keys per thread, then updates them in turn: both appends of a new key and of a new version. */
    private static void write(LogStructuredStore store, int thread, PrintStream out, AtomicBoolean failed) {
        byte[] value = new byte[256];
        for (long i = 0; !failed.get(); i++) {
            String key = "/durability/" + thread + "/" + (i % 10);
            value[0] = (byte) i;
            try {
                KeyValue kv = i < 10 ? store.create(key, value, 0) : store.update(key, value, 0, 0);
                synchronized (out) {
                    out.println("ack " + key + " " + kv.modRevision() + " .");
                }
            } catch (RuntimeException e) {
                failed.set(true);
                synchronized (out) {
                    out.println("error " + e);
                }
            }
        }
    }
}
