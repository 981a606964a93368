package io.karst.datastore.postgres;

import io.karst.datastore.pooled.PooledStoreOutageTest;

/** PostgreSQL down at start and gone mid-run. */
class PostgresOutageTest extends PooledStoreOutageTest {

    PostgresOutageTest() {
        super(PostgresTestDatabase.SERVER);
    }
}
