package io.karst.datastore.mysql;

import io.karst.datastore.pooled.PooledTlsTest;

/** Client TLS to MySQL (MariaDB in the tests). */
class MysqlTlsTest extends PooledTlsTest {

    MysqlTlsTest() {
        super(MysqlTestDatabase.SERVER);
    }
}
