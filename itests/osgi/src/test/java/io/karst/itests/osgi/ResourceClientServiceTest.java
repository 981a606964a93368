package io.karst.itests.osgi;

import static io.karst.itests.osgi.KarstConfigurations.APISERVER_PID;
import static io.karst.itests.osgi.KarstConfigurations.READY_FILTER;
import static io.karst.itests.osgi.KarstConfigurations.TIMEOUT;
import static io.karst.itests.osgi.KarstConfigurations.eventually;
import static io.karst.itests.osgi.KarstConfigurations.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.condition.Condition;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceKey;
import io.karst.api.security.CertificateAuthority;

/**
 * The API server's in-process {@link ResourceClient}: registered with {@code karst.client=local} once the server
 * serves, usable from another bundle (this one), and gone with the server's configuration.
 */
class ResourceClientServiceTest {
    private static final String LOCAL_FILTER = "(" + ResourceClient.PROVIDER + "=" + ResourceClient.LOCAL + ")";
    private static final ResourceKey NAMESPACES = new ResourceKey("", "v1", "namespaces");
    private static final ResourceKey CONFIGMAPS = new ResourceKey("", "v1", "configmaps");

    @InjectService
    ConfigurationAdmin configAdmin;

    @InjectService(cardinality = 0)
    ServiceAware<CertificateAuthority> authority;

    @InjectService(cardinality = 0, filter = READY_FILTER)
    ServiceAware<Condition> apiServerReady;

    @InjectService(cardinality = 0, filter = LOCAL_FILTER)
    ServiceAware<ResourceClient> clients;

    @TempDir
    Path dataDir;

    KarstConfigurations configurations;

    @BeforeEach
    void startFromNoConfiguration() throws Exception {
        configurations = new KarstConfigurations(configAdmin);
        configurations.deleteAll();
    }

    @AfterEach
    void deleteConfigurations() throws Exception {
        configurations.deleteAll();
        assertTrue(eventually(() -> clients.isEmpty() && apiServerReady.isEmpty()),
                "the API server did not stop after its configuration was deleted");
    }

    @Test
    void theApiServerRegistersAnInProcessClientThatServesTheClusterAndGoesWithIt() throws Exception {
        assertTrue(clients.isEmpty(), "a ResourceClient exists before the API server is configured");
        configurations.pki(dataDir, freePort());
        assertNotNull(authority.waitForService(TIMEOUT.toMillis()), "no CertificateAuthority");
        configurations.datastore(dataDir);
        configurations.apiServer(freePort());
        assertNotNull(apiServerReady.waitForService(TIMEOUT.toMillis()), "the API server never became ready");

        ResourceClient client = clients.waitForService(TIMEOUT.toMillis());
        assertNotNull(client, "no ResourceClient with " + LOCAL_FILTER);
        ServiceReference<ResourceClient> reference = clients.getServiceReference();
        assertEquals("io.karst.apiserver", reference.getBundle().getSymbolicName());

        // The bootstrap namespaces, read without HTTP.
        assertEquals("Active", client.resource(NAMESPACES).get("kube-system").path("status").path("phase")
                .asText());

        // A shared informer sees what the client writes.
        Informer informer = client.informers().informer(CONFIGMAPS, "default", "").start();
        List<String> added = new CopyOnWriteArrayList<>();
        informer.addEventHandler(new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode object) {
                added.add(object.path("metadata").path("name").asText());
            }
        });
        assertTrue(informer.waitForSync(TIMEOUT), "the informer did not sync");
        ObjectNode configMap = (ObjectNode) new ObjectMapper().readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"from-a-bundle\"}}");
        client.resource(CONFIGMAPS).inNamespace("default").create(configMap);
        assertTrue(eventually(() -> added.contains("from-a-bundle")), "the informer missed the ConfigMap");

        configurations.delete(APISERVER_PID);
        assertTrue(eventually(clients::isEmpty), "the ResourceClient outlived the API server's configuration");
    }
}
