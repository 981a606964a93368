package io.karst.datastore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.CompactedException;
import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.KeyValueStore;

/**
 * Compacts a store automatically by a {@link CompactionPolicy}, on one daemon thread that {@link #close()}
 * releases. A failed round (database away, a manual compaction got there first) is logged and tried again at
 * the next interval: compaction is never urgent, but it must never stall.
 */
public final class CompactionSchedule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompactionSchedule.class);
    /** Samples finer than this add nothing: revisions a second apart are well inside any sensible retention. */
    private static final Duration MIN_SAMPLE_PERIOD = Duration.ofMillis(200);

    private final KeyValueStore store;
    private final CompactionPolicy policy;
    private final Clock clock;
    private final RevisionSamples samples = new RevisionSamples();
    private final ScheduledExecutorService executor;

    CompactionSchedule(KeyValueStore store, CompactionPolicy policy, Clock clock, String threadName) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts compacting {@code store} by {@code policy}; a disabled policy starts no rounds. */
    public static CompactionSchedule start(KeyValueStore store, CompactionPolicy policy, String threadName) {
        CompactionSchedule schedule = new CompactionSchedule(store, policy, Clock.systemUTC(), threadName);
        schedule.sample();
        if (policy.enabled()) {
            long samplePeriod = samplePeriod(policy).toMillis();
            schedule.executor.scheduleAtFixedRate(schedule::sample, samplePeriod, samplePeriod, TimeUnit.MILLISECONDS);
            long interval = policy.interval().toMillis();
            schedule.executor.scheduleWithFixedDelay(schedule::round, interval, interval, TimeUnit.MILLISECONDS);
        }
        return schedule;
    }

    /** A twentieth of the retention, so the time rule errs by at most 5 % towards keeping more. */
    static Duration samplePeriod(CompactionPolicy policy) {
        Duration period = policy.retention().dividedBy(20);
        if (period.compareTo(MIN_SAMPLE_PERIOD) < 0) {
            period = MIN_SAMPLE_PERIOD;
        }
        return period.compareTo(policy.interval()) > 0 ? policy.interval() : period;
    }

    void sample() {
        try {
            samples.record(clock.instant(), store.currentRevision());
        } catch (DatastoreException e) {
            LOG.debug("Datastore revision not sampled: {}", e.getMessage());
        }
    }

    /**
     * One compaction round; returns the revision compacted to, or 0 when there was nothing to compact.
     */
    long round() {
        try {
            Instant now = clock.instant();
            // Sampled first, so a zero retention means "up to now".
            samples.record(now, store.currentRevision());
            long target = policy.target(store.currentRevision(), samples.revisionAt(now.minus(policy.retention())));
            if (target <= store.compactedRevision()) {
                return 0;
            }
            store.compact(target);
            LOG.debug("Datastore compacted automatically to revision {}", target);
            return target;
        } catch (CompactedException e) {
            return 0; // a manual compaction went further meanwhile
        } catch (DatastoreException | IllegalStateException e) {
            LOG.warn("Automatic datastore compaction failed, retrying in {}: {}", policy.interval(), e.getMessage());
            return 0;
        }
    }

    /** Stops the schedule; a round in progress finishes its current step first. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
