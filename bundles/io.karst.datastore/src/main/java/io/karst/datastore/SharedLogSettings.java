package io.karst.datastore;

import java.time.Duration;

/**
 * Tuning of a store whose log other servers append to as well (an external database shared by several servers).
 *
 * @param pollInterval how often the log is read for other servers' writes when nothing nudges the poller: the
 *        bound on how late another server's write reaches this server's watches
 * @param gapTimeout how long a revision missing from the log is left alone before the poller tries to fill it.
 *        Filling early is safe, unlike skipping: the fill insert waits for a transaction still holding the id and
 *        fails once that commits, and a writer whose insert meets a fill row runs its batch again. So the
 *        timeout only keeps the poller from contending with writes about to commit; the usual gap left by
 *        another server's lost race (MySQL cannot say which id it took) costs about this much watch delay
 * @param pollBatch the most rows read by one poll
 * @param catchUpTimeout how long a local write waits for the poller to publish it before its caller is released
 */
public record SharedLogSettings(Duration pollInterval, Duration gapTimeout, int pollBatch, Duration catchUpTimeout) {

    public static SharedLogSettings defaults() {
        return new SharedLogSettings(Duration.ofMillis(100), Duration.ofMillis(100), 500, Duration.ofSeconds(5));
    }
}
