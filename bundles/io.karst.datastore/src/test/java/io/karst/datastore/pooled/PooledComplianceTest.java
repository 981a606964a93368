package io.karst.datastore.pooled;

import org.junit.jupiter.api.AfterAll;

import io.karst.api.datastore.KeyValueStore;
import io.karst.datastore.EndpointUri;
import io.karst.datastore.ForwardingKeyValueStore;
import io.karst.datastore.KeyValueStoreComplianceTest;

/**
 * The whole compliance kit on an external database, through the shared-log path (database revisions, log
 * polling), each test on a database the store creates. A provider's test passes its test server.
 */
public abstract class PooledComplianceTest extends KeyValueStoreComplianceTest {
    private final PooledTestDatabase databases;
    private final EndpointUri endpoint;

    protected PooledComplianceTest(PooledTestDatabase databases) {
        this.databases = databases;
        this.endpoint = databases.freshDatabase("ct");
    }

    @Override
    protected KeyValueStore openStore() {
        return new Handle(databases.open(endpoint));
    }

    @Override
    protected void closeStore(KeyValueStore store) {
        ((Handle) store).owner.close();
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        PooledTestDatabase.dropCreated();
    }

    /** The store under test together with what closes it. */
    private static final class Handle extends ForwardingKeyValueStore {
        final PooledStore owner;

        Handle(PooledStore owner) {
            this.owner = owner;
        }

        @Override
        protected KeyValueStore delegate() {
            return owner.store();
        }
    }
}
