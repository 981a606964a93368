package io.karst.datastore;

import java.sql.ResultSet;
import java.sql.SQLException;

import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.WatchEvent;

/** Turns log rows into the API's records. */
final class LogRows {
    private static final byte[] EMPTY = new byte[0];

    private LogRows() {
    }

    /** A row read with {@link LogSql#KV_COLUMNS}; {@code null} when it marks a deletion. */
    static KeyValue keyValue(ResultSet rs) throws SQLException {
        if (rs.getInt(7) != 0) {
            return null;
        }
        return new KeyValue(rs.getString(2), bytes(rs.getBytes(6)), rs.getLong(3), rs.getLong(1), rs.getLong(5),
                rs.getLong(4));
    }

    /** A row read with {@link LogSql#history}, as the event it recorded. */
    static WatchEvent event(ResultSet rs) throws SQLException {
        long revision = rs.getLong(1);
        String key = rs.getString(2);
        boolean created = rs.getInt(3) != 0;
        boolean deleted = rs.getInt(4) != 0;
        long createRevision = rs.getLong(5);
        long prevRevision = rs.getLong(6);
        KeyValue prev = null;
        if (!created) {
            // The value comes from old_value; lease and version from the superseded row, which compaction keeps
            // as long as this row is after the compacted revision (a later step may only drop both together).
            prev = new KeyValue(key, bytes(rs.getBytes(10)), createRevision, prevRevision, rs.getLong(12),
                    rs.getLong(11));
        }
        if (deleted) {
            return new WatchEvent(WatchEvent.Type.DELETE, tombstone(key, revision), prev);
        }
        KeyValue kv = new KeyValue(key, bytes(rs.getBytes(9)), createRevision, revision, rs.getLong(8), rs.getLong(7));
        return new WatchEvent(WatchEvent.Type.PUT, kv, prev);
    }

    /** Whether a row read with {@link LogSql#AFTER} fills a gap rather than records a write. */
    static boolean isFill(ResultSet rs) throws SQLException {
        return rs.getInt(3) != 0 && rs.getInt(4) != 0;
    }

    /** How etcd shows a deleted key in a DELETE event: its name and the deletion's revision. */
    static KeyValue tombstone(String key, long revision) {
        return new KeyValue(key, EMPTY, 0, revision, 0, 0);
    }

    static byte[] bytes(byte[] value) {
        return value == null ? EMPTY : value;
    }
}
