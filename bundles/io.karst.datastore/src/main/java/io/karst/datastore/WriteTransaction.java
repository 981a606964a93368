package io.karst.datastore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private final boolean generatedIds;
    private final List<Long> generated = new ArrayList<>();
    private long revision;

    /**
     * @param generatedIds whether the database hands out the revisions (a log other servers append to) rather
     *        than this writer counting them from {@code committedRevision}
     */
    WriteTransaction(Connection connection, Map<String, PreparedStatement> statements, long committedRevision,
            boolean generatedIds) {
        this.connection = connection;
        this.statements = statements;
        this.revision = committedRevision;
        this.generatedIds = generatedIds;
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
        long id = generatedIds
                ? insertGenerated(key, created, deleted, createRevision, prevRevision, lease, version, value, prev)
                : insertCounted(key, created, deleted, createRevision, prevRevision, lease, version, value, prev);
        if (deleted) {
            events.add(new WatchEvent(WatchEvent.Type.DELETE, LogRows.tombstone(key, id), prev));
        } else {
            KeyValue kv = new KeyValue(key, value, created ? id : createRevision, id, version, lease);
            events.add(new WatchEvent(WatchEvent.Type.PUT, kv, prev));
        }
        return id;
    }

    private long insertCounted(String key, boolean created, boolean deleted, long createRevision, long prevRevision,
            long lease, long version, byte[] value, KeyValue prev) throws SQLException {
        long id = ++revision;
        PreparedStatement insert = statement(LogSql.INSERT);
        insert.setLong(1, id);
        bindRow(insert, 2, key, created, deleted, created ? id : createRevision, prevRevision, lease, version, value,
                prev);
        insert.executeUpdate();
        return id;
    }

    /** The database picks the id; a creation then records it as its create revision too. */
    private long insertGenerated(String key, boolean created, boolean deleted, long createRevision,
            long prevRevision, long lease, long version, byte[] value, KeyValue prev) throws SQLException {
        PreparedStatement insert = statements.get(LogSql.INSERT_GENERATED);
        if (insert == null) {
            // Only the id comes back: RETURN_GENERATED_KEYS would make PostgreSQL return the whole row.
            insert = connection.prepareStatement(LogSql.INSERT_GENERATED, new String[] {"id"});
            statements.put(LogSql.INSERT_GENERATED, insert);
        }
        bindRow(insert, 1, key, created, deleted, createRevision, prevRevision, lease, version, value, prev);
        insert.executeUpdate();
        long id;
        try (ResultSet keys = insert.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("the database returned no id for the appended row");
            }
            id = keys.getLong(1);
        }
        // Recorded before anything else can fail, so a rollback knows which ids it left unused.
        generated.add(id);
        if (created) {
            PreparedStatement update = statement(LogSql.SET_CREATE_REVISION);
            update.setLong(1, id);
            update.executeUpdate();
        }
        revision = Math.max(revision, id);
        return id;
    }

    private static void bindRow(PreparedStatement insert, int first, String key, boolean created, boolean deleted,
            long createRevision, long prevRevision, long lease, long version, byte[] value, KeyValue prev)
            throws SQLException {
        int i = first;
        insert.setString(i++, key);
        insert.setInt(i++, created ? 1 : 0);
        insert.setInt(i++, deleted ? 1 : 0);
        insert.setLong(i++, createRevision);
        insert.setLong(i++, prevRevision);
        insert.setLong(i++, lease);
        insert.setLong(i++, version);
        insert.setBytes(i++, value);
        insert.setBytes(i, prev == null ? null : prev.value());
    }

    /** Ids the database handed to this transaction's rows; after a rollback they are gaps in the log. */
    List<Long> generatedIds() {
        return generated;
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
