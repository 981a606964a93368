package io.karst.datastore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

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
    private final LeaseSql leases;
    private final Compaction compaction;
    private final Dialect dialect;

    LogWrites(LeaseSql leases, Compaction compaction, Dialect dialect) {
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

    /**
     * A lease with a random id: unguessable, and unlikely to collide across servers; a collision fails the
     * insert on the primary key and the batch runs again with a new id.
     */
    Lease grant(WriteTransaction tx, long ttlSeconds) throws SQLException {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        PreparedStatement insert = tx.statement(leases.insert);
        insert.setLong(1, id);
        insert.setLong(2, ttlSeconds);
        insert.setLong(3, ttlSeconds);
        insert.executeUpdate();
        return new Lease(id, ttlSeconds);
    }

    /** Restarts the lease's TTL from now, on the database's clock. */
    Lease keepAlive(WriteTransaction tx, long leaseId) throws SQLException {
        PreparedStatement update = tx.statement(leases.keepAlive);
        update.setLong(1, leaseId);
        if (update.executeUpdate() == 0) {
            throw new LeaseNotFoundException(leaseId);
        }
        PreparedStatement select = tx.statement(leases.ttl);
        select.setLong(1, leaseId);
        try (ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                throw new LeaseNotFoundException(leaseId);
            }
            return new Lease(leaseId, rs.getLong(1));
        }
    }

    /** Deletes the lease and its keys; an unknown or expired lease is refused. */
    Void revoke(WriteTransaction tx, long leaseId) throws SQLException {
        PreparedStatement delete = tx.statement(leases.delete);
        delete.setLong(1, leaseId);
        if (delete.executeUpdate() == 0) {
            throw new LeaseNotFoundException(leaseId);
        }
        deleteKeysOf(tx, leaseId);
        return null;
    }

    /**
     * Expires the lease if it is still past its deadline: of several servers sharing the database, the one whose
     * delete removes the row deletes the keys, in the same transaction; for the others this does nothing.
     *
     * @return whether this call expired it
     */
    Boolean expire(WriteTransaction tx, long leaseId) throws SQLException {
        PreparedStatement claim = tx.statement(leases.claimExpired);
        claim.setLong(1, leaseId);
        if (claim.executeUpdate() == 0) {
            return false;
        }
        deleteKeysOf(tx, leaseId);
        return true;
    }

    private void deleteKeysOf(WriteTransaction tx, long leaseId) throws SQLException {
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

    /**
     * A key may be attached only to a lease that is alive. The check reads (and on a shared database locks) the
     * lease's row in this transaction, so a revocation earlier in the batch is seen, and another server cannot
     * expire the lease between the check and the commit and so miss this key.
     */
    private void requireLease(WriteTransaction tx, long lease) throws SQLException {
        if (lease == 0) {
            return;
        }
        PreparedStatement select = tx.statement(leases.aliveLocked);
        select.setLong(1, lease);
        try (ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                throw new LeaseNotFoundException(lease);
            }
        }
    }
}
