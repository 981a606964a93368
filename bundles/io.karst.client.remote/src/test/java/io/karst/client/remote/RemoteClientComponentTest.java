package io.karst.client.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.apiserver.HttpsApi;

/** The component as DS makes it: from its configuration, serving until deactivated. */
class RemoteClientComponentTest {
    @TempDir
    Path dir;

    static RemoteClientComponent.Config config(String[] servers, Path ca, Path cert, Path key) {
        return new RemoteClientComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RemoteClientComponent.Config.class;
            }

            @Override
            public String[] servers() {
                return servers;
            }

            @Override
            public String ca_file() {
                return ca.toString();
            }

            @Override
            public String cert_file() {
                return cert.toString();
            }

            @Override
            public String key_file() {
                return key.toString();
            }
        };
    }

    @Test
    void servesFromItsConfigurationUntilDeactivated() throws Exception {
        try (HttpsApi api = new HttpsApi(dir)) {
            RemoteClientComponent component = new RemoteClientComponent(config(new String[] {" " + api.url() + " ",
                ""}, api.caFile(), api.certFile(), api.keyFile()));
            ResourceKey namespaces = new ResourceKey("", "v1", "namespaces");
            assertTrue(component.resource(namespaces).find("default").isPresent());
            assertEquals("system:admin", component.user().name());
            component.deactivate();
            assertEquals(503, assertThrows(ResourceException.class,
                    () -> component.resource(namespaces).list()).code());
        }
    }

    @Test
    void refusesAConfigurationWithoutServers() throws Exception {
        try (HttpsApi api = new HttpsApi(dir)) {
            assertThrows(IllegalArgumentException.class, () -> new RemoteClientComponent(config(new String[0],
                    api.caFile(), api.certFile(), api.keyFile())));
        }
    }
}
