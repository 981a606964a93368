package io.karst.api.datastore;

import java.time.Duration;
import java.time.Instant;

/**
 * Health and size of a store, as {@code karst:datastore} and etcd's Maintenance Status show them.
 *
 * @param revision the current revision
 * @param compactedRevision the revision the history was last compacted to, 0 if never
 * @param rowCount rows in the log: live keys plus the history compaction has not yet removed
 * @param dbSizeBytes bytes the database occupies on disk (or in its server), -1 when the backend cannot tell
 * @param lastCompaction when the last compaction finished, {@code null} if none ran since the store started
 * @param lastCompactionDuration how long it took, {@code null} if none ran since the store started
 */
public record DatastoreStatus(long revision, long compactedRevision, long rowCount, long dbSizeBytes,
        Instant lastCompaction, Duration lastCompactionDuration) {
}
