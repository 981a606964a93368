package io.karst.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.security.PkiProvider;
import io.karst.api.security.PkiSettings;

class KarstPkiProviderTest {
    @TempDir
    Path dataDir;

    @Test
    void theCliFindsTheProviderWithServiceLoaderAndOpensAPki() {
        List<PkiProvider> providers = ServiceLoader.load(PkiProvider.class).stream().map(ServiceLoader.Provider::get)
                .toList();
        assertEquals(List.of(KarstPkiProvider.class), providers.stream().map(Object::getClass).toList());

        // Empty optional settings fall back to K3s's defaults.
        PkiProvider.Pki pki = providers.get(0).open(new PkiSettings(dataDir, "", List.of(), List.of(), "", "", 6443,
                Optional.empty(), Optional.empty(), ""));

        assertTrue(Files.exists(dataDir.resolve("server/tls/serving-kube-apiserver.crt")));
        assertEquals(12, pki.certificateAuthority().certificates().size());
        assertTrue(pki.tokenService().serverToken().startsWith("K10"));
        assertTrue(SubjectAltNames.of(pki.certificateAuthority().apiServing().chain().get(0)).dnsNames()
                .contains("kubernetes.default.svc.cluster.local"));
    }
}
