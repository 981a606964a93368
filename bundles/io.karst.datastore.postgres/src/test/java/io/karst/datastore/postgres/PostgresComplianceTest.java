package io.karst.datastore.postgres;

import io.karst.datastore.pooled.PooledComplianceTest;

/** The whole compliance kit on PostgreSQL. */
class PostgresComplianceTest extends PooledComplianceTest {

    PostgresComplianceTest() {
        super(PostgresTestDatabase.SERVER);
    }
}
