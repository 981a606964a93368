package io.karst.bench.datastore;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long a watcher waits for an event after its write was acknowledged: for each revision, the time the
 * watch delivered it minus the time the writer had the put's response. A store that publishes on commit may
 * deliver an event before the writer hears back, so a latency can be negative.
 */
final class WatchLatency {
    private static final long DRAIN_TIMEOUT_NANOS = 30_000_000_000L;

    private WatchLatency() {
    }

    /** Updates one key per writer under {@code prefix}, {@code updates} times in all, with a watch on it. */
    static Latencies measure(BenchTarget target, String prefix, int writers, int updates, Values values)
            throws Exception {
        long[] modRevisions = new long[writers];
        for (int w = 0; w < writers; w++) {
            modRevisions[w] = target.create(prefix + w, values.next());
        }
        Map<Long, Long> answered = new ConcurrentHashMap<>();
        Map<Long, Long> delivered = new ConcurrentHashMap<>();
        try (AutoCloseable watch = target.watch(prefix, revision -> delivered.put(revision, System.nanoTime()))) {
            ConcurrentWriters.run(writers, updates, (w, i) -> {
                long revision = target.update(prefix + w, values.next(), modRevisions[w]);
                answered.put(revision, System.nanoTime());
                modRevisions[w] = revision;
            });
            long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
            while (!delivered.keySet().containsAll(answered.keySet()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        Latencies latencies = new Latencies();
        int missing = 0;
        for (Map.Entry<Long, Long> write : answered.entrySet()) {
            Long event = delivered.get(write.getKey());
            if (event == null) {
                missing++;
            } else {
                latencies.add(event - write.getValue());
            }
        }
        if (missing > 0) {
            System.err.printf("  WARNING: %d of %d events never arrived within 30 s%n", missing, answered.size());
        }
        return latencies;
    }
}
