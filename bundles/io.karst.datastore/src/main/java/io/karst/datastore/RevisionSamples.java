package io.karst.datastore;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Which revision was current when: the log has no timestamps (as in kine), so "the revision five minutes ago"
 * is remembered from periodic samples. Only samples that can still answer a question about the cutoff are kept,
 * so memory stays at retention / sampling period entries.
 */
final class RevisionSamples {
    private record Sample(Instant at, long revision) {
    }

    private final Deque<Sample> samples = new ArrayDeque<>();

    synchronized void record(Instant at, long revision) {
        samples.addLast(new Sample(at, revision));
    }

    /**
     * The revision of the newest sample taken at or before {@code cutoff}, 0 when there is none. That revision is
     * at most the one current at the cutoff, so compacting to it never drops history younger than the cutoff.
     */
    synchronized long revisionAt(Instant cutoff) {
        Sample found = null;
        while (!samples.isEmpty() && !samples.peekFirst().at().isAfter(cutoff)) {
            found = samples.pollFirst();
        }
        if (found == null) {
            return 0;
        }
        // Put it back: the cutoff only moves forward, and until a newer sample passes it, this one answers.
        samples.addFirst(found);
        return found.revision();
    }

    synchronized int size() {
        return samples.size();
    }
}
