package io.karst.launcher.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQLite operations behind {@code karst datastore snapshot}, through plain JDBC: the driver
 * ({@code org.xerial:sqlite-jdbc}) registers itself with DriverManager on the command's flat class path, so the
 * launcher needs no compile-time dependency on it or on the datastore bundle.
 */
final class SqliteFiles {
    /** Waits this long for the running server's writer rather than failing on its lock at once. */
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    /** Revision figures of a database file. */
    record Revisions(long revision, long compactedRevision) {
    }

    private SqliteFiles() {
    }

    /**
     * Writes a consistent copy of {@code database} to {@code target}, which must not exist. {@code VACUUM INTO}
     * reads in one transaction, so the copy is the state at one commit, taken alongside a server that keeps
     * writing (WAL lets the read and the writes proceed together); the copy is compact and in rollback mode.
     */
    static void vacuumInto(Path database, Path target) throws CommandFailure {
        try (Connection connection = open(database);
                PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, target.toString());
            vacuum.execute();
        } catch (SQLException e) {
            throw new CommandFailure("cannot snapshot " + database + ": " + e.getMessage());
        }
    }

    /** Checks that {@code database} is an intact Karst datastore and returns its revisions. */
    static Revisions verify(Path database) throws CommandFailure {
        try (Connection connection = open(database); Statement statement = connection.createStatement()) {
            String check = single(statement, "PRAGMA quick_check");
            if (!"ok".equals(check)) {
                throw new CommandFailure(database + " is damaged: " + check);
            }
            long revision = Long.parseLong(single(statement, "SELECT COALESCE(MAX(id), 0) FROM kv_log"));
            String compacted = single(statement, "SELECT value FROM kv_meta WHERE name = 'compacted_revision'");
            long compactedRevision = compacted == null ? 0 : Long.parseLong(compacted);
            return new Revisions(Math.max(revision, compactedRevision), compactedRevision);
        } catch (SQLException e) {
            throw new CommandFailure(database + " is not a Karst datastore snapshot: " + e.getMessage());
        }
    }

    /**
     * Folds the write-ahead log into the database file, so that the file alone holds every commit (a server
     * killed with -9 leaves commits in the WAL). Fails when another connection keeps the WAL from being emptied.
     */
    static void checkpoint(Path database) throws CommandFailure {
        try (Connection connection = open(database); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            if (rs.next() && rs.getInt(1) != 0) {
                throw new CommandFailure(database + " is in use by another process: stop it first");
            }
        } catch (SQLException e) {
            throw new CommandFailure("cannot read " + database + ": " + e.getMessage());
        }
    }

    private static Connection open(Path database) throws SQLException, CommandFailure {
        Connection connection;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath());
        } catch (SQLException e) {
            if ("08001".equals(e.getSQLState()) || e.getMessage().startsWith("No suitable driver")) {
                throw new CommandFailure("the SQLite driver is not on the class path: the karst installation lacks "
                        + "org/xerial/sqlite-jdbc in system/");
            }
            throw e;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
