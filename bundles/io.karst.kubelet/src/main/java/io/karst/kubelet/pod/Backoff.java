package io.karst.kubelet.pod;

import java.time.Duration;
import java.time.Instant;

/**
 * Restart back-off of one container (upstream's CrashLoopBackOff): the first exit restarts at once, the next ones
 * wait 10 s, doubling up to 5 minutes; forgotten once the container has run for 10 minutes.
 */
final class Backoff {
    static final Duration INITIAL = Duration.ofSeconds(10);
    static final Duration MAX = Duration.ofMinutes(5);
    static final Duration RESET_AFTER = Duration.ofMinutes(10);

    private Duration delay = Duration.ZERO;
    private Instant until = Instant.EPOCH;
    /** The finish time of the exit the current delay was started for, so one exit is counted once. */
    private Instant countedExit = Instant.EPOCH;

    /**
     * Notes an exit (finished at {@code finishedAt} after running since {@code startedAt}) and returns when the
     * container may start again.
     */
    synchronized Instant exited(Instant startedAt, Instant finishedAt) {
        if (finishedAt == null || finishedAt.equals(countedExit)) {
            return until;
        }
        countedExit = finishedAt;
        if (startedAt != null && Duration.between(startedAt, finishedAt).compareTo(RESET_AFTER) >= 0) {
            delay = Duration.ZERO;
        }
        until = finishedAt.plus(delay);
        delay = delay.isZero() ? INITIAL : min(delay.multipliedBy(2), MAX);
        return until;
    }

    /** The wait before the restart that is pending (what CrashLoopBackOff's message names). */
    synchronized Duration waiting() {
        return Duration.between(countedExit, until);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
