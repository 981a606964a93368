package io.karst.datastore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Filling revisions that were allocated but never committed. A fill row takes the missing id; if the transaction
 * holding it is still open the insert waits for it, and fails once that transaction commits, so a late write is
 * never skipped silently: either its row or the fill row owns the revision.
 */
final class LogGaps {
    private static final byte[] EMPTY = new byte[0];
    /** Below every printable key, so no listing a client makes starts inside fill rows' names. */
    private static final String NAME_PREFIX = "\u0001karst-gap-";

    private LogGaps() {
    }

    /**
     * Fills revision {@code id} in its own transaction on an auto-commit connection.
     *
     * @return true when the fill row was written, false when a real row owns the revision after all
     */
    static boolean fill(Connection connection, Dialect dialect, long id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(LogSql.FILL)) {
            insert.setLong(1, id);
            insert.setString(2, NAME_PREFIX + id);
            insert.setLong(3, id);
            insert.setBytes(4, EMPTY);
            insert.executeUpdate();
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            return true;
        } catch (SQLException e) {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            if (dialect.isConflict(e)) {
                return false;
            }
            throw e;
        }
    }
}
