package io.karst.client.remote;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.karst.api.client.ApiResource;
import io.karst.api.client.InformerFactory;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.security.UserInfo;

/**
 * The remote {@link ResourceClient} as a service ({@value ResourceClient#PROVIDER}={@value ResourceClient#REMOTE}),
 * present only when configured (PID {@value #PID}): an agent's bundles reach the cluster through it.
 */
@Component(service = ResourceClient.class, configurationPid = RemoteClientComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = ResourceClient.PROVIDER + "=" + ResourceClient.REMOTE)
@Designate(ocd = RemoteClientComponent.Config.class)
public final class RemoteClientComponent implements ResourceClient {
    static final String PID = "io.karst.client.remote";

    @ObjectClassDefinition(name = "Karst remote resource client",
            description = "The cluster's resource API over HTTPS with a client certificate")
    public @interface Config {
        @AttributeDefinition(description = "The API servers to start with, e.g. https://192.0.2.10:6443; "
                + "the others are learned from the kubernetes Endpoints")
        String[] servers();

        @AttributeDefinition(name = "CA bundle", description = "PEM bundle of the CAs that sign the servers' "
                + "certificates")
        String ca_file();

        @AttributeDefinition(name = "Client certificate", description = "PEM client certificate, leaf first")
        String cert_file();

        @AttributeDefinition(name = "Private key", description = "PEM PKCS#8 private key of the client certificate "
                + "(EC or RSA)")
        String key_file();
    }

    private final RemoteResourceClient client;

    @Activate
    public RemoteClientComponent(Config config) {
        List<URI> servers = Arrays.stream(config.servers()).map(String::trim).filter(s -> !s.isEmpty())
                .map(URI::create).toList();
        client = RemoteResourceClient.fromPem(servers,
                ClientTls.load(Path.of(config.ca_file()), Path.of(config.cert_file()), Path.of(config.key_file())));
    }

    @Deactivate
    void deactivate() {
        client.close();
    }

    @Override
    public UserInfo user() {
        return client.user();
    }

    /** Not supported: the remote client cannot act as another user (impersonation is not implemented). */
    @Override
    public ResourceClient as(UserInfo user) {
        return client.as(user);
    }

    @Override
    public ResourceOperations resource(ResourceKey key) {
        return client.resource(key);
    }

    @Override
    public List<ApiResource> resources() {
        return client.resources();
    }

    @Override
    public InformerFactory informers() {
        return client.informers();
    }
}
