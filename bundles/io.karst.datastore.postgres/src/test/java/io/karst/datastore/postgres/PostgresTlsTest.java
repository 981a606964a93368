package io.karst.datastore.postgres;

import io.karst.datastore.pooled.PooledTlsTest;

/** Client TLS to PostgreSQL. */
class PostgresTlsTest extends PooledTlsTest {

    PostgresTlsTest() {
        super(PostgresTestDatabase.SERVER);
    }
}
