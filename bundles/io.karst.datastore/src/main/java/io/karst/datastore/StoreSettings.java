package io.karst.datastore;

import java.time.Duration;

/**
 * Tuning of a {@link LogStructuredStore}.
 *
 * @param maxValueBytes the largest value accepted; etcd's default request limit is 1.5 MiB
 * @param readConnections connections serving reads and watch replays concurrently
 * @param maxBatchSize the most writes committed in one transaction
 * @param compactionStep revisions compacted per transaction, so a large compaction never holds up writes long
 * @param watchBacklog events a watch may have queued before it is ended as too slow
 * @param watchThreads threads delivering events to all watch listeners
 * @param leaseCheckInterval how often expired leases are looked for
 */
public record StoreSettings(int maxValueBytes, int readConnections, int maxBatchSize, long compactionStep,
        int watchBacklog, int watchThreads, Duration leaseCheckInterval) {

    public static final int DEFAULT_MAX_VALUE_BYTES = 3 * 512 * 1024;

    public static StoreSettings defaults() {
        return new StoreSettings(DEFAULT_MAX_VALUE_BYTES, 4, 256, 10_000, 100_000, 2, Duration.ofMillis(250));
    }

    public StoreSettings withMaxValueBytes(int bytes) {
        return new StoreSettings(bytes, readConnections, maxBatchSize, compactionStep, watchBacklog, watchThreads,
                leaseCheckInterval);
    }

    public StoreSettings withReadConnections(int connections) {
        return new StoreSettings(maxValueBytes, connections, maxBatchSize, compactionStep, watchBacklog, watchThreads,
                leaseCheckInterval);
    }

    public StoreSettings withCompactionStep(long revisions) {
        return new StoreSettings(maxValueBytes, readConnections, maxBatchSize, revisions, watchBacklog, watchThreads,
                leaseCheckInterval);
    }
}
