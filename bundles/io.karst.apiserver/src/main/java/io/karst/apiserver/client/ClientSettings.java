package io.karst.apiserver.client;

import java.time.Duration;

import io.karst.client.informers.InformerSettings;

/**
 * Tuning of the in-process client and its informers.
 *
 * @param watchQueueLimit events a watcher may leave undelivered before its watch is ended (it then watches again,
 *        as a slow HTTP client does)
 * @param minWatchTimeout informers ask for watches lasting between this and twice this (client-go: 5 minutes), so
 *        watches are renewed now and then and never all at once
 * @param listPageSize the page size of informers' lists
 * @param initialBackoff the first wait before an informer retries a failed list or watch; doubled per failure
 * @param maxBackoff the longest such wait
 */
public record ClientSettings(int watchQueueLimit, Duration minWatchTimeout, int listPageSize,
        Duration initialBackoff, Duration maxBackoff) {

    public static final ClientSettings DEFAULTS = new ClientSettings(10_000, Duration.ofMinutes(5), 500,
            Duration.ofMillis(800), Duration.ofSeconds(30));

    /** What of these the shared informers use. */
    public InformerSettings informerSettings() {
        return new InformerSettings(minWatchTimeout, listPageSize, initialBackoff, maxBackoff);
    }
}
