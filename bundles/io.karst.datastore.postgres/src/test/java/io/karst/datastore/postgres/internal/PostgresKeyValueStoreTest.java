package io.karst.datastore.postgres.internal;

import io.karst.datastore.pooled.PooledComponentTest;

/** The PostgreSQL provider's component as the framework sees it. */
class PostgresKeyValueStoreTest extends PooledComponentTest {

    PostgresKeyValueStoreTest() {
        super(PostgresKeyValueStore.class, PostgresKeyValueStore.PID, "postgres");
    }
}
