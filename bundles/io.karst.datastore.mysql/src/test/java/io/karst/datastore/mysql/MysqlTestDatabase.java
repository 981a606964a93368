package io.karst.datastore.mysql;

import io.karst.datastore.EndpointUri;
import io.karst.datastore.TestDatabases;
import io.karst.datastore.pooled.PooledDatabase;
import io.karst.datastore.pooled.PooledTestDatabase;

/** The test MariaDB server: fresh databases on it, each dropped when the test class is done. */
public final class MysqlTestDatabase extends PooledTestDatabase {
    public static final MysqlTestDatabase SERVER = new MysqlTestDatabase();

    private MysqlTestDatabase() {
        super("mariadb", EndpointUri.mysql(TestDatabases.mysqlEndpoint()));
    }

    @Override
    public PooledDatabase database(EndpointUri endpoint) {
        return new MysqlDatabase(endpoint, TlsFiles.none());
    }

    /** None: a connection with no database selected works whichever databases exist. */
    @Override
    protected String maintenanceDatabase() {
        return "";
    }

    @Override
    protected String dropDatabase(String name) {
        return "DROP DATABASE IF EXISTS `" + name + "`";
    }
}
