package io.karst.client.informers;

import java.time.Duration;

/**
 * Tuning of shared informers.
 *
 * @param minWatchTimeout informers ask for watches lasting between this and twice this (client-go: 5 minutes), so
 *        watches are renewed now and then and never all at once
 * @param listPageSize the page size of informers' lists
 * @param initialBackoff the first wait before an informer retries a failed list or watch; doubled per failure
 * @param maxBackoff the longest such wait
 */
public record InformerSettings(Duration minWatchTimeout, int listPageSize, Duration initialBackoff,
        Duration maxBackoff) {

    public static final InformerSettings DEFAULTS = new InformerSettings(Duration.ofMinutes(5), 500,
            Duration.ofMillis(800), Duration.ofSeconds(30));
}
