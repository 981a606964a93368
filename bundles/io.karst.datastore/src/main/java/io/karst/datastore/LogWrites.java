package io.karst.datastore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.karst.api.datastore.KeyExistsException;
import io.karst.api.datastore.KeyNotFoundException;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.Lease;
import io.karst.api.datastore.LeaseNotFoundException;
import io.karst.api.datastore.RevisionConflictException;
import io.karst.datastore.WriteTransaction.LogRow;

/**
 * The writes as operations on the writer's transaction. Each checks its preconditions against the key's latest
 * row before appending anything, so a refused write leaves the batch's transaction untouched.
 */
final class LogWrites {
    private final LeaseRegistry leases;
    private final Compaction compaction;
    private final Dialect dialect;

    LogWrites(LeaseRegistry leases, Compaction compaction, Dialect dialect) {
        this.leases = leases;
        this.compaction = compaction;
        this.dialect = dialect;
    }

    KeyValue create(WriteTransaction tx, String key, byte[] value, long lease) throws SQLException {
        requireLease(tx, lease);
        Optional<LogRow> latest = tx.latest(key);
        if (latest.isPresent() && !latest.get().deleted()) {
            throw new KeyExistsException(key);
        }
        long prevRevision = latest.map(LogRow::id).orElse(0L);
        long revision = tx.append(key, true, false, 0, prevRevision, lease, 1, value, null);
        return new KeyValue(key, value, revision, revision, 1, lease);
    }

    KeyValue update(WriteTransaction tx, String key, byte[] value, long expectedModRevision, long lease)
            throws SQLException {
        KeyValue current = live(tx, key, expectedModRevision);
        requireLease(tx, lease);
        long version = current.version() + 1;
        long revision = tx.append(key, false, false, current.createRevision(), current.modRevision(), lease, version,
                value, current);
        return new KeyValue(key, value, current.createRevision(), revision, version, lease);
    }

    KeyValue delete(WriteTransaction tx, String key, long expectedModRevision) throws SQLException {
        KeyValue current = live(tx, key, expectedModRevision);
        tx.append(key, false, true, current.createRevision(), current.modRevision(), 0, 0, new byte[0], current);
        return current;
    }

    Lease grant(WriteTransaction tx, long ttlSeconds) throws SQLException {
        long id = leases.newId();
        PreparedStatement insert = tx.statement(LogSql.INSERT_LEASE);
        insert.setLong(1, id);
        insert.setLong(2, ttlSeconds);
        insert.executeUpdate();
        tx.afterCommit(() -> leases.add(id, ttlSeconds));
        return new Lease(id, ttlSeconds);
    }

    /**
     * Deletes the lease's keys and the lease. An explicit revocation of an unknown lease is refused; an expiry
     * that lost the race with a revocation does nothing.
     */
    Void revoke(WriteTransaction tx, long leaseId, boolean explicit) throws SQLException {
        if (!leases.exists(leaseId) || tx.revokedHere(leaseId)) {
            if (explicit) {
                throw new LeaseNotFoundException(leaseId);
            }
            return null;
        }
        PreparedStatement select = tx.statement(LogSql.LIVE_KEYS_OF_LEASE);
        select.setLong(1, leaseId);
        List<KeyValue> attached = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                attached.add(LogRows.keyValue(rs));
            }
        }
        for (KeyValue kv : attached) {
            tx.append(kv.key(), false, true, kv.createRevision(), kv.modRevision(), 0, 0, new byte[0], kv);
        }
        PreparedStatement delete = tx.statement(LogSql.DELETE_LEASE);
        delete.setLong(1, leaseId);
        delete.executeUpdate();
        tx.revoke(leaseId);
        tx.afterCommit(() -> leases.remove(leaseId));
        return null;
    }

    /**
     * One compaction step: drops the rows superseded by rows up to {@code to}, and the deletion markers up to it.
     * What remains answers every read at {@code to} or later exactly as before.
     */
    Void compactStep(WriteTransaction tx, long to) throws SQLException {
        long from = compaction.compacted();
        if (to <= from) {
            return null;
        }
        compaction.raiseFloor(to);
        for (String sql : List.of(dialect.deleteSuperseded(), LogSql.DELETE_TOMBSTONES)) {
            PreparedStatement delete = tx.statement(sql);
            delete.setLong(1, from);
            delete.setLong(2, to);
            delete.executeUpdate();
        }
        PreparedStatement meta = tx.statement(dialect.upsertMeta());
        meta.setString(1, LogSql.COMPACTED_REVISION);
        meta.setLong(2, to);
        meta.executeUpdate();
        tx.afterCommit(() -> compaction.committed(to));
        return null;
    }

    private KeyValue live(WriteTransaction tx, String key, long expectedModRevision) throws SQLException {
        Optional<LogRow> latest = tx.latest(key);
        if (latest.isEmpty() || latest.get().deleted()) {
            throw new KeyNotFoundException(key);
        }
        KeyValue current = latest.get().kv();
        if (expectedModRevision != 0 && expectedModRevision != current.modRevision()) {
            throw new RevisionConflictException(expectedModRevision, current);
        }
        return current;
    }

    private void requireLease(WriteTransaction tx, long lease) {
        if (lease != 0 && (!leases.alive(lease) || tx.revokedHere(lease))) {
            throw new LeaseNotFoundException(lease);
        }
    }
}
