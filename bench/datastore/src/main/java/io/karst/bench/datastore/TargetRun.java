package io.karst.bench.datastore;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measurements on one target, one method per phase. The phases must run in the order {@link DatastoreBench}
 * calls them, since each leaves the keys the next one needs: the single writer's keys, then the listed keys
 * (created by the concurrent writers), reads, updates, watches, and last the long run of updates to a tenth of
 * the listed keys, so that the list after it walks through their history.
 */
final class TargetRun {
    private static final String WARM = "/bench/warm/";
    private static final String WARM_ONE = "/bench/warm-one/";
    private static final String ONE = "/bench/one/";
    private static final String LISTED = "/bench/list/";
    private static final int WARM_KEYS = 2_000;
    /**
     * One writer warms up longer: a JVM server's request path is still being compiled after a few thousand
     * requests (bench/datastore EndpointCost: Karst's endpoint reached its steady rate after ~10,000), and the
     * single-writer rates are the ones that show it.
     */
    private static final int WARM_ONE_KEYS = 10_000;
    private static final long MIB = 1024 * 1024;
    /**
     * Compaction is checked until this long after the window has passed twice: SQLite's compaction of a million
     * revisions in a 4 GB file took minutes on a busy 2-core machine.
     */
    private static final long COMPACTION_GRACE_SECONDS = 300;
    /** A compaction round starts at most an interval later, and one that gives pages back takes a few seconds. */
    private static final long IDLE_ROUND_MARGIN_SECONDS = 15;

    private final String name;
    private final BenchTarget target;
    private final DiskFootprint footprint;
    private final BenchOptions options;
    private final Values values = new Values(42);
    private final Results results = new Results();
    /** The mod revision each listed key was last written at; each key is written by one writer only. */
    private final long[] listedRevisions;
    private final long[] singleRevisions;

    TargetRun(String name, BenchTarget target, DiskFootprint footprint, BenchOptions options) {
        this.name = name;
        this.target = target;
        this.footprint = footprint;
        this.options = options;
        this.listedRevisions = new long[options.listKeys()];
        this.singleRevisions = new long[options.singleWriterOps()];
    }

    Results results() {
        return results;
    }

    void createsOneWriter() {
        long elapsed = ConcurrentWriters.run(1, singleRevisions.length,
                (w, i) -> singleRevisions[(int) i] = target.create(key(ONE, i), values.next()));
        report(Metric.CREATES_ONE, ConcurrentWriters.rate(singleRevisions.length, elapsed));
    }

    /** Creates the keys the lists, gets and long run of updates work on. */
    void createsManyWriters() {
        long elapsed = ConcurrentWriters.run(options.writers(), options.listKeys(),
                (w, i) -> listedRevisions[(int) i] = target.create(key(LISTED, i), values.next()));
        report(Metric.CREATES_MANY, ConcurrentWriters.rate(options.listKeys(), elapsed));
    }

    void list() {
        report(Metric.LIST, listMillis());
    }

    void updatesOneWriter() {
        long elapsed = ConcurrentWriters.run(1, singleRevisions.length, (w, i) -> {
            int k = (int) i;
            singleRevisions[k] = target.update(key(ONE, k), values.next(), singleRevisions[k]);
        });
        report(Metric.UPDATES_ONE, ConcurrentWriters.rate(singleRevisions.length, elapsed));
    }

    void updatesManyWriters() {
        int writers = options.writers();
        long elapsed = ConcurrentWriters.run(writers, options.concurrentUpdates(),
                (w, i) -> updateListed(ownedKey(options.listKeys(), writers, w, i / writers)));
        report(Metric.UPDATES_MANY, ConcurrentWriters.rate(options.concurrentUpdates(), elapsed));
    }

    void watchOneWriter() throws Exception {
        Latencies watch = WatchLatency.measure(target, "/bench/watch/", 1, options.watchUpdates(), values);
        report(Metric.WATCH_P50, watch.percentileMillis(50));
        report(Metric.WATCH_P99, watch.percentileMillis(99));
    }

    void watchManyWriters() throws Exception {
        Latencies loaded = WatchLatency.measure(target, "/bench/watch-loaded/", options.writers(),
                options.watchUpdates() * 10, values);
        report(Metric.WATCH_LOADED_P50, loaded.percentileMillis(50));
        report(Metric.WATCH_LOADED_P99, loaded.percentileMillis(99));
    }

    /**
     * Writes, reads and lists a little first, so JIT, connections and caches are warm on every target: with one
     * writer as well as with many, since a store may take another path for a write that finds it idle.
     */
    void warmUp() throws Exception {
        long[] single = new long[WARM_ONE_KEYS];
        ConcurrentWriters.run(1, WARM_ONE_KEYS, (w, i) -> single[(int) i] = target.create(key(WARM_ONE, i),
                values.next()));
        ConcurrentWriters.run(1, WARM_ONE_KEYS, (w, i) -> single[(int) i] = target.update(key(WARM_ONE, i),
                values.next(), single[(int) i]));
        long[] revisions = new long[WARM_KEYS];
        int writers = options.writers();
        ConcurrentWriters.run(writers, WARM_KEYS, (w, i) -> revisions[(int) i] = target.create(key(WARM, i),
                values.next()));
        ConcurrentWriters.run(writers, 2L * WARM_KEYS, (w, i) -> {
            int k = ownedKey(WARM_KEYS, writers, w, i / writers);
            revisions[k] = target.update(key(WARM, k), values.next(), revisions[k]);
        });
        for (int i = 0; i < WARM_KEYS; i++) {
            target.get(key(WARM, i));
        }
        target.list(WARM);
    }

    void gets() {
        Random random = new Random(7);
        Latencies latencies = new Latencies();
        for (int i = 0; i < options.gets(); i++) {
            String key = key(LISTED, random.nextInt(options.listKeys()));
            long started = System.nanoTime();
            boolean found = target.get(key);
            latencies.add(System.nanoTime() - started);
            if (!found) {
                throw new IllegalStateException(name + ": " + key + " is missing");
            }
        }
        report(Metric.GET_P50, latencies.percentileMillis(50));
        report(Metric.GET_P99, latencies.percentileMillis(99));
    }

    /**
     * The long run of updates to the hot keys (every n-th listed key), then what it left behind: file sizes and
     * list time right after, and again once automatic compaction has caught up with it.
     */
    void history() throws Exception {
        int writers = options.writers();
        int step = options.listKeys() / options.hotKeys();
        AtomicLong done = new AtomicLong();
        Thread progress = progressReporter(done);
        long elapsed;
        try {
            elapsed = ConcurrentWriters.run(writers, options.updates(), done,
                    (w, i) -> updateListed(step * ownedKey(options.hotKeys(), writers, w, i / writers)));
        } finally {
            progress.interrupt();
        }
        long ended = System.nanoTime();
        long finalRevision = target.currentRevision();
        report(Metric.HISTORY_RATE, ConcurrentWriters.rate(options.updates(), elapsed));
        report(Metric.HISTORY_SECONDS, elapsed / 1e9);
        report(Metric.DB_AFTER_HISTORY, footprint.dbBytes() / (double) MIB);
        System.err.printf("[%s]   %s%n", name, footprint.describe());
        report(Metric.DIR_AFTER_HISTORY, footprint.dataDirBytes() / (double) MIB);
        report(Metric.LIST_AFTER_HISTORY, listMillis());

        // Caught up: history more than the last 1000 revisions is gone, whichever rule the store compacts by.
        long probe = finalRevision - 1001;
        long deadline = ended + TimeUnit.SECONDS.toNanos(2 * options.compactionWindow().toSeconds()
                + COMPACTION_GRACE_SECONDS);
        boolean caughtUp = probe <= 0;
        while (!caughtUp && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            caughtUp = target.compactedPast(probe);
        }
        if (!caughtUp) {
            System.err.printf("[%s] WARNING: automatic compaction had not reached revision %d after %d s%n", name,
                    probe, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - ended));
            return;
        }
        report(Metric.COMPACTION_CATCH_UP, (System.nanoTime() - ended) / 1e9);
        long db = settledDbBytes(true);
        report(Metric.DB_AFTER_COMPACTION, db / (double) MIB);
        System.err.printf("[%s]   %s%n", name, footprint.describe());
        report(Metric.DIR_AFTER_COMPACTION, footprint.dataDirBytes() / (double) MIB);
        report(Metric.LIST_AFTER_COMPACTION, listMillis());
        // Karst's SQLite store keeps the free pages the writes took since the previous compaction for the writes to
        // come, and gives them back at the first compaction that finds the load gone.
        Thread.sleep(TimeUnit.SECONDS.toMillis(options.compactionWindow().toSeconds() + IDLE_ROUND_MARGIN_SECONDS));
        report(Metric.DB_AFTER_IDLE_ROUND, settledDbBytes(false) / (double) MIB);
        System.err.printf("[%s]   %s%n", name, footprint.describe());
        if (target.defragment()) {
            report(Metric.DB_AFTER_DEFRAG, footprint.dbBytes() / (double) MIB);
        }
    }

    void refusedWrites() {
        report(Metric.WRITES_REFUSED, target.refusedWrites());
    }

    private void updateListed(int k) {
        listedRevisions[k] = target.update(key(LISTED, k), values.next(), listedRevisions[k]);
    }

    /**
     * The database size once compaction has finished deleting: after its logical step, SQLite's vacuum and
     * etcd's background deletion run on for a while. etcd's file keeps its size meanwhile, so what the store
     * reports in use is watched too, and reported when asked.
     */
    private long settledDbBytes(boolean reportInUse) throws InterruptedException {
        long last = footprint.dbBytes();
        long lastInUse = target.dbBytesInUse();
        int stable = 0;
        for (int polls = 0; polls < 60 && stable < 3; polls++) {
            Thread.sleep(2000);
            long now = footprint.dbBytes();
            long inUse = target.dbBytesInUse();
            stable = now == last && inUse == lastInUse ? stable + 1 : 0;
            last = now;
            lastInUse = inUse;
        }
        if (reportInUse && lastInUse >= 0) {
            report(Metric.DB_IN_USE_AFTER_COMPACTION, lastInUse / (double) MIB);
        }
        return last;
    }

    /** The median of a few timed lists of the listed keys, after one untimed. */
    private double listMillis() {
        double[] millis = new double[options.listRuns()];
        checkedList();
        for (int i = 0; i < millis.length; i++) {
            long started = System.nanoTime();
            checkedList();
            millis[i] = (System.nanoTime() - started) / 1e6;
        }
        Arrays.sort(millis);
        return millis[millis.length / 2];
    }

    private void checkedList() {
        int listed = target.list(LISTED);
        if (listed != options.listKeys()) {
            throw new IllegalStateException(name + ": listed " + listed + " keys, expected " + options.listKeys());
        }
    }

    private Thread progressReporter(AtomicLong done) {
        long started = System.nanoTime();
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(30_000);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    System.err.printf("[%s]   %,d of %,d updates after %.0f s (%,.0f/s)%n", name, done.get(),
                            options.updates(), seconds, done.get() / seconds);
                }
            } catch (InterruptedException e) {
                // the updates are done
            }
        }, "bench-progress");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void report(Metric metric, double value) {
        results.put(metric, value);
        System.err.printf("[%s] %s: " + metric.unit.format + "%n", name, metric.label(options), value);
    }

    /**
     * Writer {@code w}'s {@code j}-th key among {@code keys} shared by {@code writers}: a writer owns the keys
     * {@code k % writers == w}, so no two writers ever race on one key and every guarded update succeeds.
     */
    static int ownedKey(int keys, int writers, int w, long j) {
        int owned = (keys - w + writers - 1) / writers;
        return (int) (w + (long) writers * (j % owned));
    }

    private static String key(String prefix, long i) {
        return prefix + String.format("%06d", i);
    }
}
