package io.karst.datastore.mysql.internal;

import io.karst.datastore.pooled.PooledComponentTest;

/** The MySQL provider's component as the framework sees it. */
class MysqlKeyValueStoreTest extends PooledComponentTest {

    MysqlKeyValueStoreTest() {
        super(MysqlKeyValueStore.class, MysqlKeyValueStore.PID, "mysql");
    }
}
