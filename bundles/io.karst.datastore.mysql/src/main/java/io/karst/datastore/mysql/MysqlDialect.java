package io.karst.datastore.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import io.karst.datastore.Dialect;

/**
 * MySQL 8 and MariaDB 10.5+ on InnoDB: {@code AUTO_INCREMENT} ids so the database hands out revisions to every
 * server sharing it; names as {@code VARBINARY}, so they compare by their UTF-8 bytes as etcd's do and without
 * the trailing-space padding of MySQL's text collations; a unique {@code (name, prev_revision)} so two servers
 * cannot both supersede the same row of a key.
 */
public final class MysqlDialect implements Dialect {
    /** Kubernetes keys stay far below this; (name, prev_revision) must fit InnoDB's 3072-byte index keys. */
    static final int MAX_KEY_BYTES = 2048;

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public List<String> schema() {
        return List.of("""
                CREATE TABLE IF NOT EXISTS kv_log (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    name VARBINARY(%d) NOT NULL,
                    created INT NOT NULL,
                    deleted INT NOT NULL,
                    create_revision BIGINT NOT NULL,
                    prev_revision BIGINT NOT NULL,
                    lease BIGINT NOT NULL,
                    version BIGINT NOT NULL,
                    value LONGBLOB NOT NULL,
                    old_value LONGBLOB,
                    UNIQUE KEY kv_log_name_id (name, id),
                    UNIQUE KEY kv_log_name_prev_revision (name, prev_revision),
                    KEY kv_log_lease (lease)
                ) ENGINE = InnoDB""".formatted(MAX_KEY_BYTES),
                "CREATE TABLE IF NOT EXISTS kv_meta (name VARCHAR(64) PRIMARY KEY, value BIGINT NOT NULL) "
                        + "ENGINE = InnoDB",
                "CREATE TABLE IF NOT EXISTS kv_lease (id BIGINT PRIMARY KEY, ttl_seconds BIGINT NOT NULL, "
                        + "expires_at BIGINT NOT NULL) ENGINE = InnoDB");
    }

    /**
     * UTC_TIMESTAMP rather than UNIX_TIMESTAMP(NOW()): the latter goes through the session's time zone and
     * repeats an hour when daylight saving time ends.
     */
    @Override
    public String clockMillis() {
        return "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000)";
    }

    /** Understood by MariaDB and by MySQL 5.7 and 8. */
    @Override
    public String shareLockSuffix() {
        return " LOCK IN SHARE MODE";
    }

    /**
     * READ COMMITTED rather than InnoDB's REPEATABLE READ: each statement of a write batch must see the rows other
     * servers committed meanwhile, and the unique index settles the races.
     */
    @Override
    public void configure(Connection connection, boolean writer) throws SQLException {
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }

    /** GREATEST: a server with a stale view never lowers the compacted revision another server recorded. */
    @Override
    public String upsertMeta() {
        return "INSERT INTO kv_meta(name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = GREATEST(value, "
                + "VALUES(value))";
    }

    /** The derived table lets MySQL delete from the table the subquery reads (error 1093 otherwise). */
    @Override
    public String deleteSuperseded() {
        return "DELETE FROM kv_log WHERE id IN (SELECT id FROM (SELECT prev_revision AS id FROM kv_log "
                + "WHERE id > ? AND id <= ? AND prev_revision <> 0) AS superseded)";
    }

    @Override
    public long sizeBytes(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COALESCE(SUM(data_length + "
                + "index_length), -1) FROM information_schema.tables WHERE table_schema = DATABASE()");
                ResultSet rs = select.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }
}
