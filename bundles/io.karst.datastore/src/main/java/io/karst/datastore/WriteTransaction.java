package io.karst.datastore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.WatchEvent;

/**
 * The writer's view of the transaction its current batch runs in: reads see the batch's own earlier writes,
 * each appended row takes the next revision, and events and follow-up actions wait for the commit.
 */
final class WriteTransaction {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements;
    private final List<WatchEvent> events = new ArrayList<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    private final Set<Long> revokedLeases = new HashSet<>();
    private long revision;

    WriteTransaction(Connection connection, Map<String, PreparedStatement> statements, long committedRevision) {
        this.connection = connection;
        this.statements = statements;
        this.revision = committedRevision;
    }

    /** The key's latest row, live or a deletion marker, as this transaction sees it. */
    Optional<LogRow> latest(String key) throws SQLException {
        PreparedStatement select = statement(LogSql.LATEST);
        select.setString(1, key);
        try (ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new LogRow(rs.getLong(1), rs.getInt(7) != 0, LogRows.keyValue(rs)));
        }
    }

    /** Appends a creation, update or deletion of {@code key} at the next revision and records its event. */
    long append(String key, boolean created, boolean deleted, long createRevision, long prevRevision, long lease,
            long version, byte[] value, KeyValue prev) throws SQLException {
        long id = ++revision;
        PreparedStatement insert = statement(LogSql.INSERT);
        insert.setLong(1, id);
        insert.setString(2, key);
        insert.setInt(3, created ? 1 : 0);
        insert.setInt(4, deleted ? 1 : 0);
        insert.setLong(5, created ? id : createRevision);
        insert.setLong(6, prevRevision);
        insert.setLong(7, lease);
        insert.setLong(8, version);
        insert.setBytes(9, value);
        insert.setBytes(10, prev == null ? null : prev.value());
        insert.executeUpdate();
        if (deleted) {
            events.add(new WatchEvent(WatchEvent.Type.DELETE, LogRows.tombstone(key, id), prev));
        } else {
            KeyValue kv = new KeyValue(key, value, created ? id : createRevision, id, version, lease);
            events.add(new WatchEvent(WatchEvent.Type.PUT, kv, prev));
        }
        return id;
    }

    /** A prepared statement cached on the writer connection for the store's lifetime. */
    PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    Connection connection() {
        return connection;
    }

    void afterCommit(Runnable action) {
        afterCommit.add(action);
    }

    /** Marks a lease revoked by this transaction, so later writes of the same batch cannot attach to it. */
    void revoke(long leaseId) {
        revokedLeases.add(leaseId);
    }

    boolean revokedHere(long leaseId) {
        return revokedLeases.contains(leaseId);
    }

    long revision() {
        return revision;
    }

    List<WatchEvent> events() {
        return events;
    }

    List<Runnable> afterCommitActions() {
        return afterCommit;
    }

    /**
     * A key's latest row.
     *
     * @param id its revision
     * @param deleted whether it marks a deletion
     * @param kv the live key, {@code null} for a deletion marker
     */
    record LogRow(long id, boolean deleted, KeyValue kv) {
    }
}
