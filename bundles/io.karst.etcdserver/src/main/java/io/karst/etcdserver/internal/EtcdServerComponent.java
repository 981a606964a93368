package io.karst.etcdserver.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.KeyValueStore;

/**
 * Serves the etcd v3 API over whichever {@link KeyValueStore} is registered (the highest ranked, or the one a
 * {@code store.target} filter in the configuration selects). It exists only while its configuration does, so
 * the endpoint is off unless an operator enables it. Plaintext without authentication, so it listens only on a
 * loopback address or a Unix socket of mode 0600. Deactivation closes the listener, removes the socket file and
 * ends every thread the endpoint started.
 */
@Component(configurationPid = "io.karst.etcdserver", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = EtcdServerConfig.class)
public final class EtcdServerComponent {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdServerComponent.class);

    private final EtcdEndpoint endpoint;

    @Activate
    public EtcdServerComponent(@Reference(name = "store") KeyValueStore store, EtcdServerConfig config) {
        this.endpoint = EtcdEndpoint.start(store, ListenAddress.parse(config.listen()));
        LOG.info("etcd v3 endpoint listening on {} (plaintext, {})", endpoint.clientUrl(), endpoint.transport());
    }

    @Deactivate
    void deactivate() {
        endpoint.close();
        LOG.info("etcd v3 endpoint stopped");
    }
}
