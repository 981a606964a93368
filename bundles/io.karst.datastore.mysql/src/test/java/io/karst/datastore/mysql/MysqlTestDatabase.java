package io.karst.datastore.mysql;

import java.sql.Connection;
import java.sql.SQLException;

import io.karst.datastore.EndpointUri;
import io.karst.datastore.TestDatabases;
import io.karst.datastore.pooled.PooledDatabase;
import io.karst.datastore.pooled.PooledTestDatabase;
import io.karst.datastore.pooled.TlsFiles;

/** The test MariaDB server: fresh databases on it, each dropped when the test class is done. */
public final class MysqlTestDatabase extends PooledTestDatabase {
    public static final MysqlTestDatabase SERVER = new MysqlTestDatabase();

    private MysqlTestDatabase() {
        super("mariadb", EndpointUri.mysql(TestDatabases.mysqlEndpoint()));
    }

    @Override
    public PooledDatabase database(EndpointUri endpoint, TlsFiles tls) {
        return new MysqlDatabase(endpoint, tls);
    }

    /** None: a connection with no database selected works whichever databases exist. */
    @Override
    public boolean offersTls(Connection connection) throws SQLException {
        return "YES".equals(value(connection, "SELECT @@have_ssl"));
    }

    @Override
    public boolean isEncrypted(Connection connection) throws SQLException {
        return !value(connection, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
                + "WHERE VARIABLE_NAME = 'SSL_CIPHER'").isEmpty();
    }

    @Override
    protected String maintenanceDatabase() {
        return "";
    }

    @Override
    protected String dropDatabase(String name) {
        return "DROP DATABASE IF EXISTS `" + name + "`";
    }
}
