package io.karst.pki.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.metatype.annotations.Designate;

import io.karst.api.datastore.KeyValueStore;
import io.karst.api.security.Authenticator;
import io.karst.api.security.CertificateAuthority;
import io.karst.api.security.PkiSettings;
import io.karst.api.security.TokenService;
import io.karst.pki.ClusterPki;

/**
 * Opens the server's PKI from configuration and registers its three faces. With {@code shared.datastore} the
 * cluster's CAs come from, or go to, the datastore the servers share. The services are registered by hand
 * rather than through {@code @Component(service=...)} so the authenticator alone carries the whiteboard
 * properties the API server's authentication chain reads.
 */
@Component(configurationPid = PkiComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = PkiConfig.class)
public final class PkiComponent {
    static final String PID = "io.karst.pki";
    /** Which kind of credentials an authenticator checks; the API server's chain logs and filters on it. */
    static final String AUTHENTICATOR_KIND = "karst.authenticator";

    /**
     * Binds no datastore unless the configuration's {@code datastore.target} names one (the launcher does for an
     * external datastore): a server of its own must not restart its PKI, and with it the API server, when its
     * datastore bundle is replaced.
     */
    static final String NO_DATASTORE = "(karst.pki.datastore=none)";

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    public PkiComponent(PkiConfig config, BundleContext context,
            @Reference(name = "datastore", cardinality = ReferenceCardinality.OPTIONAL, target = NO_DATASTORE)
            KeyValueStore datastore) {
        if (config.shared_datastore() && datastore == null) {
            throw new IllegalStateException("shared.datastore is set but no datastore is bound: set "
                    + "datastore.target and datastore.cardinality.minimum=1 so that the PKI waits for it");
        }
        ClusterPki pki = ClusterPki.open(settings(config), Clock.systemUTC(),
                config.shared_datastore() ? datastore : null);
        registrations.add(context.registerService(CertificateAuthority.class, pki.certificateAuthority(), null));
        registrations.add(context.registerService(TokenService.class, pki.tokenService(), null));
        Dictionary<String, Object> authenticatorProps = new Hashtable<>();
        authenticatorProps.put(Constants.SERVICE_RANKING, 0);
        authenticatorProps.put(AUTHENTICATOR_KIND, "x509");
        registrations.add(context.registerService(Authenticator.class, pki.authenticator(), authenticatorProps));
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // The framework unregisters a stopping bundle's services itself; nothing is left to release.
            }
        }
        registrations.clear();
    }

    static PkiSettings settings(PkiConfig config) {
        return new PkiSettings(Path.of(config.data_dir()), config.node_name(), list(config.node_ips()),
                list(config.tls_sans()), config.cluster_domain(), config.service_cidr(), config.https_port(),
                optional(config.token()), optional(config.write_kubeconfig()).map(Path::of),
                config.write_kubeconfig_mode());
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : List.of(values).stream().filter(v -> !v.isBlank()).toList();
    }

    private static Optional<String> optional(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
