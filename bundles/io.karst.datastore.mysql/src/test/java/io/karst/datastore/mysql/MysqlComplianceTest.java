package io.karst.datastore.mysql;

import io.karst.datastore.pooled.PooledComplianceTest;

/** The whole compliance kit on MySQL (MariaDB in the tests). */
class MysqlComplianceTest extends PooledComplianceTest {

    MysqlComplianceTest() {
        super(MysqlTestDatabase.SERVER);
    }
}
