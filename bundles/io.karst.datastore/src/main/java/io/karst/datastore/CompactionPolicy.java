package io.karst.datastore;

import java.time.Duration;

/**
 * How much history automatic compaction keeps: the last {@code minRevisions} revisions and everything written in
 * the last {@code retention}, whichever is more (the compaction target is the lower of the two), checked every
 * {@code interval}. Kine keeps a fixed 1000 revisions; the time rule also protects a watcher that fell a few
 * minutes behind during a burst of writes.
 *
 * @param interval how often to compact; zero disables automatic compaction
 * @param retention history younger than this is kept
 * @param minRevisions at least this many of the latest revisions are kept
 */
public record CompactionPolicy(Duration interval, Duration retention, long minRevisions) {

    public CompactionPolicy {
        if (interval.isNegative() || retention.isNegative() || minRevisions < 0) {
            throw new IllegalArgumentException("compaction interval, retention and revisions must not be negative");
        }
    }

    /** Every 5 minutes, keeping 5 minutes' worth or 1000 revisions, whichever is more. */
    public static CompactionPolicy defaults() {
        return new CompactionPolicy(Duration.ofMinutes(5), Duration.ofMinutes(5), 1000);
    }

    public boolean enabled() {
        return !interval.isZero();
    }

    /**
     * The revision to compact to, 0 for none.
     *
     * @param current the current revision
     * @param revisionAtCutoff the revision {@code retention} ago, 0 when unknown (the store has not run so long)
     */
    long target(long current, long revisionAtCutoff) {
        return Math.max(0, Math.min(current - minRevisions, revisionAtCutoff));
    }
}
