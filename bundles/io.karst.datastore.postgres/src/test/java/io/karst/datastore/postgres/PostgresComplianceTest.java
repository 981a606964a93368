package io.karst.datastore.postgres;

import org.junit.jupiter.api.AfterAll;

import io.karst.api.datastore.KeyValueStore;
import io.karst.datastore.EndpointUri;
import io.karst.datastore.ForwardingKeyValueStore;
import io.karst.datastore.KeyValueStoreComplianceTest;

/**
 * The whole compliance kit on PostgreSQL, through the shared-log path (database revisions, log polling), each
 * test on a database the store creates.
 */
class PostgresComplianceTest extends KeyValueStoreComplianceTest {
    private static final PostgresTestDatabase DATABASES = new PostgresTestDatabase();
    private final EndpointUri endpoint = DATABASES.freshDatabase("ct");

    @Override
    protected KeyValueStore openStore() {
        return new Handle(PostgresTestDatabase.open(endpoint));
    }

    @Override
    protected void closeStore(KeyValueStore store) {
        ((Handle) store).owner.close();
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        DATABASES.dropAll();
    }

    /** The store under test together with what closes it. */
    private static final class Handle extends ForwardingKeyValueStore {
        final PostgresStore owner;

        Handle(PostgresStore owner) {
            this.owner = owner;
        }

        @Override
        protected KeyValueStore delegate() {
            return owner.store();
        }
    }
}
