package io.karst.datastore;

import io.karst.api.datastore.KeyRange;

/**
 * The portable SQL over the log. "Latest row of a key at revision R" is the row with the highest id not after R;
 * it is found with {@code NOT EXISTS} over the {@code (name, id)} index rather than {@code GROUP BY name}, so a
 * paged range stops after {@code limit} keys instead of aggregating the whole prefix's history first.
 */
final class LogSql {
    static final String KV_COLUMNS = "kv.id, kv.name, kv.create_revision, kv.lease, kv.version, kv.value, kv.deleted";

    static final String LATEST = "SELECT " + KV_COLUMNS
            + " FROM kv_log kv WHERE kv.name = ? ORDER BY kv.id DESC LIMIT 1";

    static final String LATEST_AT = "SELECT " + KV_COLUMNS
            + " FROM kv_log kv WHERE kv.name = ? AND kv.id <= ? ORDER BY kv.id DESC LIMIT 1";

    static final String INSERT = "INSERT INTO kv_log(id, name, created, deleted, create_revision, prev_revision, "
            + "lease, version, value, old_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** The same row with the id left to the database (a shared log); {@code create_revision} is set after. */
    static final String INSERT_GENERATED = "INSERT INTO kv_log(name, created, deleted, create_revision, "
            + "prev_revision, lease, version, value, old_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** A creation learns its revision only from the insert, and its create revision is that revision. */
    static final String SET_CREATE_REVISION = "UPDATE kv_log SET create_revision = id WHERE id = ?";

    /**
     * A fill row takes a revision some transaction allocated but never committed, so the log has no gap left
     * there: {@code created = 1 AND deleted = 1} marks it (no real write has both), its own id as
     * {@code prev_revision} keeps it clear of the {@code (name, prev_revision)} uniqueness of real keys.
     */
    static final String FILL = "INSERT INTO kv_log(id, name, created, deleted, create_revision, prev_revision, "
            + "lease, version, value, old_value) VALUES (?, ?, 1, 1, 0, ?, 0, 0, ?, NULL)";
    static final String NOT_FILL = "NOT (r.created = 1 AND r.deleted = 1)";

    /** Every row after a revision, fill rows included, as {@link #history} reads them: what the poller reads. */
    static final String AFTER = "SELECT r.id, r.name, r.created, r.deleted, r.create_revision, r.prev_revision, "
            + "r.lease, r.version, r.value, r.old_value, p.lease, p.version FROM kv_log r "
            + "LEFT JOIN kv_log p ON p.id = r.prev_revision WHERE r.id > ? ORDER BY r.id LIMIT ?";

    static final String LIVE_KEYS_OF_LEASE = "SELECT " + KV_COLUMNS + " FROM kv_log kv WHERE kv.lease = ? "
            + "AND kv.deleted = 0 AND NOT EXISTS (SELECT 1 FROM kv_log nx WHERE nx.name = kv.name AND nx.id > kv.id)";

    /** The names {@link #LIVE_KEYS_OF_LEASE} selects, in key order: what LeaseTimeToLive lists. */
    static final String LIVE_KEY_NAMES_OF_LEASE = "SELECT kv.name FROM kv_log kv WHERE kv.lease = ? "
            + "AND kv.deleted = 0 AND NOT EXISTS (SELECT 1 FROM kv_log nx WHERE nx.name = kv.name AND nx.id > kv.id) "
            + "ORDER BY kv.name";

    static final String MAX_ID = "SELECT MAX(id) FROM kv_log";
    static final String ROW_COUNT = "SELECT COUNT(*) FROM kv_log";
    static final String READ_META = "SELECT value FROM kv_meta WHERE name = ?";
    static final String COMPACTED_REVISION = "compacted_revision";

    /** Rows superseded by a row of the step: the history compaction removes. */
    static final String DELETE_SUPERSEDED = "DELETE FROM kv_log WHERE id IN "
            + "(SELECT prev_revision FROM kv_log WHERE id > ? AND id <= ? AND prev_revision <> 0)";
    /** Deletion markers of the step: once compacted, an absent key needs no marker. */
    static final String DELETE_TOMBSTONES = "DELETE FROM kv_log WHERE deleted = 1 AND id > ? AND id <= ?";


    private LogSql() {
    }

    /**
     * Live keys of {@code name >= ? [AND name < ?]} at revision {@code ?}, in key order; {@code name > ?} when
     * {@code exclusiveStart}, which is how a continue key ({@code last + "\0"}) is asked for: PostgreSQL text
     * cannot hold NUL.
     */
    static String range(KeyRange range, boolean limited, boolean exclusiveStart) {
        return range(range, limited, exclusiveStart, true);
    }

    /**
     * @param ordered whether the database must sort; without it the rows come in the order the walk found the
     *        keys, which on SQLite is key order (see {@link Dialect#walksKeysInOrder()}), and no sort copies them
     */
    static String range(KeyRange range, boolean limited, boolean exclusiveStart, boolean ordered) {
        return latestLiveAt(range, exclusiveStart, "SELECT " + KV_COLUMNS) + (ordered ? " ORDER BY kv.name" : "")
                + (limited ? " LIMIT ?" : "");
    }

    static String count(KeyRange range) {
        return latestLiveAt(range, false, "SELECT COUNT(*)");
    }

    /**
     * Rows with {@code ? <= id <= ?} in the range, in revision order, each joined to the row it superseded for
     * the previous key's lease and version (its value is in {@code old_value}).
     */
    static String history(KeyRange range) {
        return "SELECT r.id, r.name, r.created, r.deleted, r.create_revision, r.prev_revision, r.lease, r.version, "
                + "r.value, r.old_value, p.lease, p.version FROM kv_log r LEFT JOIN kv_log p ON p.id = r.prev_revision "
                + "WHERE r.id >= ? AND r.id <= ? AND r.name >= ?" + (range.end() == null ? "" : " AND r.name < ?")
                + " AND " + NOT_FILL
                + " ORDER BY r.id LIMIT ?";
    }

    /**
     * The latest row at revision {@code ?} of each live key of the range, found by a loose index scan: a recursive
     * walk from key to next key over the {@code (name, id)} index, then one seek for each key's latest row. Its cost
     * grows with the number of keys, not with their history: a million old revisions of a thousand keys that
     * compaction has not reached yet cost nothing here (a plain scan of the range reads every one of them).
     * Parameters: start, [end], [end], revision.
     */
    private static String latestLiveAt(KeyRange range, boolean exclusiveStart, String select) {
        String end = range.end() == null ? "" : " AND k.name < ?";
        return "WITH RECURSIVE names(n) AS ("
                + "SELECT MIN(k.name) FROM kv_log k WHERE k.name " + (exclusiveStart ? ">" : ">=") + " ?" + end
                + " UNION ALL SELECT (SELECT MIN(k.name) FROM kv_log k WHERE k.name > names.n" + end + ")"
                + " FROM names WHERE names.n IS NOT NULL) "
                + select + " FROM names JOIN kv_log kv ON kv.id = "
                + "(SELECT MAX(m.id) FROM kv_log m WHERE m.name = names.n AND m.id <= ?) WHERE kv.deleted = 0";
    }
}
