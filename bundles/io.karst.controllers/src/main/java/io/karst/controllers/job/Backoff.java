package io.karst.controllers.job;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a Job waits before it replaces failed pods (upstream's pod failure backoff): after {@code n} failures
 * since the last success, {@code base * 2^(n-1)} counted from the last failure, at most {@code max}.
 *
 * @param failuresSinceSuccess failed pods counted since the last succeeded one
 * @param lastFailure when the last of them failed; null when none did
 */
record Backoff(int failuresSinceSuccess, Instant lastFailure) {
    static final Backoff NONE = new Backoff(0, null);

    /** After these pods finished, in this order of finish time. */
    Backoff record(boolean succeeded, Instant finished) {
        if (succeeded) {
            return NONE;
        }
        Instant last = lastFailure == null || finished.isAfter(lastFailure) ? finished : lastFailure;
        return new Backoff(failuresSinceSuccess + 1, last);
    }

    /** The wait left at {@code now}; zero when new pods may be created. */
    Duration remaining(Instant now, Duration base, Duration max) {
        if (failuresSinceSuccess == 0 || lastFailure == null) {
            return Duration.ZERO;
        }
        Duration backoff = base;
        for (int i = 1; i < failuresSinceSuccess && backoff.compareTo(max) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        if (backoff.compareTo(max) > 0) {
            backoff = max;
        }
        Duration elapsed = Duration.between(lastFailure, now);
        return elapsed.compareTo(backoff) >= 0 ? Duration.ZERO : backoff.minus(elapsed);
    }
}
