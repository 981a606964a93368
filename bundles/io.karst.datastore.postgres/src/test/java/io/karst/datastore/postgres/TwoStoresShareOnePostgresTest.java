package io.karst.datastore.postgres;

import io.karst.datastore.pooled.TwoStoresShareOneDatabaseTest;

/** Two servers' stores on one PostgreSQL database. */
class TwoStoresShareOnePostgresTest extends TwoStoresShareOneDatabaseTest {

    TwoStoresShareOnePostgresTest() {
        super(PostgresTestDatabase.SERVER);
    }
}
