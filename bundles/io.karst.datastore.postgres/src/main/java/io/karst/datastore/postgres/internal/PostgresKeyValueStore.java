package io.karst.datastore.postgres.internal;

import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.KeyValueStore;
import io.karst.datastore.EndpointUri;
import io.karst.datastore.ForwardingKeyValueStore;
import io.karst.datastore.SharedLogSettings;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.postgres.PostgresStore;
import io.karst.datastore.postgres.TlsFiles;

/**
 * The PostgreSQL store as a service, present only when an endpoint is configured. Ranked 0, above SQLite's
 * -100. A malformed endpoint fails activation with one line naming the expected form; a database that is down
 * does not: the service is registered, reports itself unavailable, and starts working when the database does.
 */
@Component(configurationPid = PostgresKeyValueStore.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        // named: DS registers only the interfaces the class itself implements, and this one extends a class
        service = KeyValueStore.class,
        property = {"service.ranking:Integer=0", KeyValueStore.TYPE_PROPERTY + "=postgres"})
@Designate(ocd = PostgresStoreConfig.class)
public final class PostgresKeyValueStore extends ForwardingKeyValueStore {
    static final String PID = "io.karst.datastore.postgres";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresKeyValueStore.class);

    private final PostgresStore store;

    @Activate
    public PostgresKeyValueStore(PostgresStoreConfig config) {
        EndpointUri endpoint;
        try {
            endpoint = EndpointUri.postgres(config.endpoint());
        } catch (IllegalArgumentException e) {
            LOG.error("Datastore {} not started: {}", PID, e.getMessage());
            throw e;
        }
        StoreSettings settings = StoreSettings.defaults().withMaxValueBytes(config.max_value_bytes())
                .withReadConnections(Math.max(1, config.read_connections()));
        this.store = PostgresStore.open(endpoint, new TlsFiles(config.ca_file(), config.cert_file(),
                config.key_file()), settings, SharedLogSettings.defaults(),
                Duration.ofSeconds(Math.max(1, config.retry_seconds())));
    }

    /** Stops the writer, poller, watch and lease threads and closes the pool; open watches are ended. */
    @Deactivate
    void deactivate() {
        store.close();
    }

    @Override
    protected KeyValueStore delegate() {
        return store.store();
    }
}
