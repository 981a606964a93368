package io.karst.datastore.mysql.internal;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

import io.karst.api.datastore.KeyValueStore;
import io.karst.datastore.EndpointUri;
import io.karst.datastore.mysql.MysqlDatabase;
import io.karst.datastore.pooled.PooledKeyValueStore;
import io.karst.datastore.pooled.PooledStoreConfig;

/**
 * The MySQL/MariaDB store as a service, with its {@code etcd} health check, present only when an endpoint is
 * configured. Ranked 0, above SQLite's -100.
 */
@Component(configurationPid = MysqlKeyValueStore.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        // named: DS registers only the interfaces the class itself implements, and this one extends a class
        service = KeyValueStore.class,
        property = {"service.ranking:Integer=0", KeyValueStore.TYPE_PROPERTY + "=mysql"})
@Designate(ocd = PooledStoreConfig.class)
public final class MysqlKeyValueStore extends PooledKeyValueStore {
    static final String PID = "io.karst.datastore.mysql";

    @Activate
    public MysqlKeyValueStore(PooledStoreConfig config, BundleContext context) {
        super(PID, config, context, (endpoint, tls) -> new MysqlDatabase(EndpointUri.mysql(endpoint), tls));
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
