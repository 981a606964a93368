package io.karst.datastore.postgres.internal;

import io.karst.datastore.pooled.PooledComponentTest;
import io.karst.datastore.postgres.PostgresTestDatabase;

/** The PostgreSQL provider's component as the framework sees it and activates it. */
class PostgresKeyValueStoreTest extends PooledComponentTest {

    PostgresKeyValueStoreTest() {
        super(PostgresKeyValueStore.class, PostgresKeyValueStore.PID, "postgres", PostgresTestDatabase.SERVER);
    }
}
