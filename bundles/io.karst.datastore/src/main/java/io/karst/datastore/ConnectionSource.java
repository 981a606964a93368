package io.karst.datastore;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new database connection; the core pools and configures what it opens. */
@FunctionalInterface
public interface ConnectionSource {

    Connection open() throws SQLException;
}
