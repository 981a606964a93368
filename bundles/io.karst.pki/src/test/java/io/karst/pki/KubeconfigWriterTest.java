package io.karst.pki;

import static io.karst.pki.TestSettings.NOW;
import static io.karst.pki.TestSettings.at;
import static io.karst.pki.TestSettings.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigWriterTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path etc;

    /** The {@code key: value} pairs of the kubeconfig, keyed by the key without indentation. */
    private static Map<String, String> values(String yaml) {
        return yaml.lines().filter(l -> l.contains(": ")).map(String::strip)
                .map(l -> l.startsWith("- ") ? l.substring(2) : l)
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(": ")), l -> l.substring(l.indexOf(": ") + 2),
                        (a, b) -> a + "|" + b));
    }

    @Test
    void writesAStandardAdminKubeconfigOwnerOnly() throws Exception {
        Path file = etc.resolve("karst/karst.yaml");
        ClusterPki.open(TestSettings.withKubeconfig(settings(dataDir), file, "0600", 16443), at(NOW));

        String yaml = Files.readString(file);
        Map<String, String> values = values(yaml);
        Path tls = dataDir.resolve("server/tls");

        assertEquals("https://127.0.0.1:16443", values.get("server"));
        assertArrayEquals(Files.readAllBytes(tls.resolve("server-ca.crt")),
                Base64.getDecoder().decode(values.get("certificate-authority-data")));
        assertArrayEquals(Files.readAllBytes(tls.resolve("client-admin.crt")),
                Base64.getDecoder().decode(values.get("client-certificate-data")));
        assertArrayEquals(Files.readAllBytes(tls.resolve("client-admin.key")),
                Base64.getDecoder().decode(values.get("client-key-data")));
        assertEquals("default", values.get("current-context"));
        assertEquals("default|default|default", values.get("name"));
        assertEquals("default", values.get("cluster"));
        assertEquals("default", values.get("user"));
        assertEquals("Config", values.get("kind"));
        assertTrue(yaml.startsWith("apiVersion: v1\nclusters:\n- cluster:\n"), yaml);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void honoursTheConfiguredModeAndFollowsARotatedAdminCertificate() throws Exception {
        Path file = etc.resolve("karst.yaml");
        ClusterPki pki = ClusterPki.open(TestSettings.withKubeconfig(settings(dataDir), file, "644", 6443), at(NOW));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        pki.certificateAuthority().rotate(Set.of("client-admin"));

        assertArrayEquals(Files.readAllBytes(dataDir.resolve("server/tls/client-admin.crt")),
                Base64.getDecoder().decode(values(Files.readString(file)).get("client-certificate-data")));
    }

    @Test
    void anInvalidModeFailsBeforeAnythingIsWritten() {
        Path file = etc.resolve("karst.yaml");
        assertThrows(IllegalArgumentException.class,
                () -> ClusterPki.open(TestSettings.withKubeconfig(settings(dataDir), file, "0999", 6443), at(NOW)));
        assertTrue(Files.notExists(dataDir.resolve("server")));
        assertEquals(List.of(), List.of(etc.toFile().list()));
    }
}
