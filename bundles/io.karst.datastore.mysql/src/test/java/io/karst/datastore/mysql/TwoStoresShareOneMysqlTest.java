package io.karst.datastore.mysql;

import io.karst.datastore.pooled.TwoStoresShareOneDatabaseTest;

/** Two servers' stores on one MySQL database (MariaDB in the tests). */
class TwoStoresShareOneMysqlTest extends TwoStoresShareOneDatabaseTest {

    TwoStoresShareOneMysqlTest() {
        super(MysqlTestDatabase.SERVER);
    }
}
