package io.karst.datastore.mysql.internal;

import io.karst.datastore.pooled.PooledComponentTest;
import io.karst.datastore.mysql.MysqlTestDatabase;

/** The MySQL provider's component as the framework sees it and activates it. */
class MysqlKeyValueStoreTest extends PooledComponentTest {

    MysqlKeyValueStoreTest() {
        super(MysqlKeyValueStore.class, MysqlKeyValueStore.PID, "mysql", MysqlTestDatabase.SERVER);
    }
}
