package io.karst.datastore.pooled;

import java.time.Duration;
import java.util.function.BiFunction;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.KeyValueStore;
import io.karst.api.health.HealthCheck;
import io.karst.datastore.ForwardingKeyValueStore;
import io.karst.datastore.SharedLogSettings;
import io.karst.datastore.StoreSettings;

/**
 * The base of an external datastore's Declarative Services component, present only when an endpoint is
 * configured. A malformed endpoint or unusable TLS files fail activation with one line naming the problem; a
 * database that is down does not: the service is registered, reports itself unavailable, and starts working when
 * the database does. Beside the store it registers the {@code etcd} {@link PooledHealthCheck} for as long as the
 * component is active. The provider's component class carries the annotations, names its PID and type, and calls
 * {@link #close()} from its {@code @Deactivate} method.
 */
public abstract class PooledKeyValueStore extends ForwardingKeyValueStore {
    private static final Logger LOG = LoggerFactory.getLogger(PooledKeyValueStore.class);

    private final PooledStore store;
    private final ServiceRegistration<HealthCheck> health;

    /**
     * @param pid the configuration PID, for the error logged when the configuration is refused
     * @param context the component's bundle context, which the health check is registered with
     * @param database the provider's database for the configured endpoint and TLS files; throws
     *        {@link IllegalArgumentException} when they are malformed or unusable
     */
    protected PooledKeyValueStore(String pid, PooledStoreConfig config, BundleContext context,
            BiFunction<String, TlsFiles, PooledDatabase> database) {
        StoreSettings settings = StoreSettings.defaults().withMaxValueBytes(config.max_value_bytes())
                .withReadConnections(Math.max(1, config.read_connections()));
        try {
            this.store = PooledStore.open(database.apply(config.endpoint(), new TlsFiles(config.ca_file(),
                    config.cert_file(), config.key_file())), settings, SharedLogSettings.defaults(),
                    Duration.ofSeconds(Math.max(1, config.retry_seconds())));
        } catch (IllegalArgumentException e) {
            LOG.error("Datastore {} not started: {}", pid, e.getMessage());
            throw e;
        }
        this.health = context.registerService(HealthCheck.class, new PooledHealthCheck(store),
                PooledHealthCheck.properties());
    }

    @Override
    protected KeyValueStore delegate() {
        return store.store();
    }

    /**
     * Withdraws the health check, stops the writer, poller, watch and lease threads and closes the pool; open
     * watches are ended.
     */
    protected final void close() {
        try {
            health.unregister();
        } catch (IllegalStateException alreadyGone) {
            // The framework withdraws a stopping bundle's services itself.
        }
        store.close();
    }
}
