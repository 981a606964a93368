package io.karst.api.node;

import java.time.Instant;

/**
 * What part of a container's log to read ({@code PodLogOptions}).
 *
 * @param previous the log of the attempt before the current one
 * @param tailLines only the last lines; {@code null} for all
 * @param since only lines at or after this time; {@code null} for all ({@code sinceSeconds} is resolved by the
 *              caller)
 * @param limitBytes stop after this many bytes; {@code null} for no limit
 */
public record LogOptions(boolean follow, boolean previous, boolean timestamps, Long tailLines, Instant since,
        Long limitBytes) {
}
