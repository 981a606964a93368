package io.karst.datastore;

import java.time.Duration;
import java.time.Instant;

/**
 * How far the history is compacted. {@code floor} rises before a compaction step deletes anything and
 * {@code compacted} after it commits: a read checks the floor after its query, so a read that may have missed
 * compacted rows always notices.
 */
final class Compaction {
    private volatile long compacted;
    private volatile long floor;
    private volatile Instant lastFinished;
    private volatile Duration lastDuration;

    Compaction(long compacted) {
        this.compacted = compacted;
        this.floor = compacted;
    }

    long compacted() {
        return compacted;
    }

    long floor() {
        return floor;
    }

    void raiseFloor(long revision) {
        floor = Math.max(floor, revision);
    }

    void committed(long revision) {
        compacted = Math.max(compacted, revision);
    }

    void finished(Instant when, Duration duration) {
        lastDuration = duration;
        lastFinished = when;
    }

    Instant lastFinished() {
        return lastFinished;
    }

    Duration lastDuration() {
        return lastDuration;
    }
}
