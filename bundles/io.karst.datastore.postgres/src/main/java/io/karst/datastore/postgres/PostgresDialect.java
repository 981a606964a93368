package io.karst.datastore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import io.karst.datastore.Dialect;

/**
 * PostgreSQL: {@code BIGSERIAL} ids so the database hands out revisions to every server sharing it, names in the
 * {@code "C"} collation so keys order by their UTF-8 bytes as etcd's do, and a unique {@code (name,
 * prev_revision)} so two servers cannot both supersede the same row of a key.
 */
public final class PostgresDialect implements Dialect {

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public List<String> schema() {
        return List.of("""
                CREATE TABLE IF NOT EXISTS kv_log (
                    id BIGSERIAL PRIMARY KEY,
                    name TEXT COLLATE "C" NOT NULL,
                    created INTEGER NOT NULL,
                    deleted INTEGER NOT NULL,
                    create_revision BIGINT NOT NULL,
                    prev_revision BIGINT NOT NULL,
                    lease BIGINT NOT NULL,
                    version BIGINT NOT NULL,
                    value BYTEA NOT NULL,
                    old_value BYTEA)""",
                "CREATE UNIQUE INDEX IF NOT EXISTS kv_log_name_id ON kv_log (name, id)",
                "CREATE UNIQUE INDEX IF NOT EXISTS kv_log_name_prev_revision ON kv_log (name, prev_revision)",
                // Partial: most keys carry no lease, and only lease revocation looks keys up by lease.
                "CREATE INDEX IF NOT EXISTS kv_log_lease ON kv_log (lease) WHERE lease <> 0",
                "CREATE TABLE IF NOT EXISTS kv_meta (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS kv_lease (id BIGINT PRIMARY KEY, ttl_seconds BIGINT NOT NULL, "
                        + "expires_at BIGINT NOT NULL)");
    }

    /** clock_timestamp, not now(): now() stands still for the whole transaction. */
    @Override
    public String clockMillis() {
        return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
    }

    @Override
    public String shareLockSuffix() {
        return " FOR SHARE";
    }

    @Override
    public void configure(Connection connection, boolean writer) {
        // READ COMMITTED, the default, is what the shared log needs: each statement sees every committed row, and
        // the unique index, not the snapshot, settles races between servers.
    }

    /** GREATEST: a server with a stale view never lowers the compacted revision another server recorded. */
    @Override
    public String upsertMeta() {
        return "INSERT INTO kv_meta(name, value) VALUES (?, ?) "
                + "ON CONFLICT(name) DO UPDATE SET value = GREATEST(kv_meta.value, excluded.value)";
    }

    /** currval is per session and outside transactions, so it still names the id a rolled-back insert took. */
    @Override
    public long lastAllocatedId(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT currval(pg_get_serial_sequence('kv_log', 'id'))"); ResultSet rs = select.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            // 55000: no nextval yet in this session. The connection is not in a transaction, so it stays usable.
            if ("55000".equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    @Override
    public long sizeBytes(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT pg_database_size(current_database())");
                ResultSet rs = select.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }
}
