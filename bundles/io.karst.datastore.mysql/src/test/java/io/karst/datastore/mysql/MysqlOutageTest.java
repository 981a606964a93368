package io.karst.datastore.mysql;

import io.karst.datastore.pooled.PooledStoreOutageTest;

/** MySQL (MariaDB in the tests) down at start and gone mid-run. */
class MysqlOutageTest extends PooledStoreOutageTest {

    MysqlOutageTest() {
        super(MysqlTestDatabase.SERVER);
    }
}
