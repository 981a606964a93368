package io.karst.client.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.security.UserInfo;
import io.karst.apiserver.HttpsApi;

class ClientTlsTest {
    @TempDir
    Path dir;

    @Test
    void theUserIsTheCertificatesCommonNameAndOrganizations() throws Exception {
        try (HttpsApi api = new HttpsApi(dir.resolve("api"))) {
            ClientTls tls = ClientTls.load(api.caFile(), api.certFile(), api.keyFile());
            UserInfo user = tls.user();
            assertEquals("system:admin", user.name());
            assertEquals(List.of("system:masters"), user.groups());
            assertEquals("TLS", tls.context().getProtocol());
        }
    }

    @Test
    void missingFilesAreAClearConfigurationError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientTls.load(
                dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key")));
        assertTrue(e.getMessage().contains("ca.crt"), e.getMessage());
    }
}
