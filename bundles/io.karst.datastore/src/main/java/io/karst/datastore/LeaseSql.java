package io.karst.datastore;

/**
 * The statements on {@code kv_lease(id, ttl_seconds, expires_at)}. A lease's deadline is a column on the
 * database's own clock, in milliseconds since the epoch, rather than a timer in one server's memory: every server
 * sharing the database sees the same deadline, a keep-alive through any of them extends it, and a restarted
 * server does not hand out a fresh TTL.
 */
final class LeaseSql {
    /** Columns a database created before deadlines were stored gets, and the value its leases start with. */
    static final String HAS_DEADLINES = "SELECT expires_at FROM kv_lease WHERE 1 = 0";
    static final String ADD_DEADLINES = "ALTER TABLE kv_lease ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0";

    /** {@code (id, ttl_seconds, ttl_seconds)}. */
    final String insert;
    /** {@code (id)}: one row updated when the lease was alive. */
    final String keepAlive;
    /** {@code (id)}: the TTL of a lease that is alive. */
    final String ttl;
    /**
     * {@code (id)}: a row when the lease is alive; the row stays locked against another server's expiry until
     * the transaction attaching a key to it commits.
     */
    final String aliveLocked;
    /** {@code (id)}: TTL and milliseconds left of a lease that is alive. */
    final String timeToLive;
    /** The leases that are alive, in id order: {@code id, ttl_seconds}. */
    final String alive;
    /** The ids of leases past their deadline. */
    final String expired;
    /** {@code (id)}: deletes the lease only while it is past its deadline; one row means this server claimed it. */
    final String claimExpired;
    /** {@code (id)}. */
    final String delete;
    /** Gives the leases of a database from before deadlines a full TTL from now. */
    final String startDeadlines;

    LeaseSql(Dialect dialect) {
        String now = dialect.clockMillis();
        insert = "INSERT INTO kv_lease(id, ttl_seconds, expires_at) VALUES (?, ?, " + now + " + ? * 1000)";
        keepAlive = "UPDATE kv_lease SET expires_at = " + now + " + ttl_seconds * 1000 WHERE id = ? AND expires_at > "
                + now;
        ttl = "SELECT ttl_seconds FROM kv_lease WHERE id = ?";
        aliveLocked = "SELECT ttl_seconds FROM kv_lease WHERE id = ? AND expires_at > " + now
                + dialect.shareLockSuffix();
        timeToLive = "SELECT ttl_seconds, expires_at - " + now + " FROM kv_lease WHERE id = ? AND expires_at > " + now;
        alive = "SELECT id, ttl_seconds FROM kv_lease WHERE expires_at > " + now + " ORDER BY id";
        expired = "SELECT id FROM kv_lease WHERE expires_at <= " + now + " ORDER BY id";
        claimExpired = "DELETE FROM kv_lease WHERE id = ? AND expires_at <= " + now;
        delete = "DELETE FROM kv_lease WHERE id = ?";
        startDeadlines = "UPDATE kv_lease SET expires_at = " + now + " + ttl_seconds * 1000 WHERE expires_at = 0";
    }
}
