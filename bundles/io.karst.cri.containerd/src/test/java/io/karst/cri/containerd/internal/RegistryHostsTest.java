package io.karst.cri.containerd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files containerd 1.6 reads, rendered from a registries file: compared whole, byte for byte. */
class RegistryHostsTest {
    private static final String HEADER = RegistryHosts.HEADER + "\n";

    @TempDir
    Path dir;

    private RegistriesFile parse(String yaml) throws Exception {
        return RegistriesFile.parse(dir.resolve("registries.yaml"), yaml);
    }

    @Test
    void endpointsAreNormalizedAsK3sDoes() {
        assertEquals(new RegistryHosts.Endpoint("https://registry-1.docker.io/v2", false, "docker.io"),
                RegistryHosts.endpointUrl("docker.io"));
        assertEquals(new RegistryHosts.Endpoint("https://mirror.example/v2", false, "mirror.example"),
                RegistryHosts.endpointUrl("mirror.example"));
        assertEquals(new RegistryHosts.Endpoint("https://mirror.example:443/v2", false, "mirror.example:443"),
                RegistryHosts.endpointUrl("mirror.example:443"));
        assertEquals(new RegistryHosts.Endpoint("https://mirror.example/v2", false, "mirror.example"),
                RegistryHosts.endpointUrl("https://mirror.example/v2"));
        assertEquals(new RegistryHosts.Endpoint("https://mirror.example/prefix/v2", true, "mirror.example"),
                RegistryHosts.endpointUrl("mirror.example/prefix/v2"));
        assertEquals(new RegistryHosts.Endpoint("http://localhost:5000/v2", false, "localhost:5000"),
                RegistryHosts.endpointUrl("localhost:5000"));
        assertEquals(new RegistryHosts.Endpoint("http://127.0.0.1:5000/v2", false, "127.0.0.1:5000"),
                RegistryHosts.endpointUrl("127.0.0.1:5000"));
        assertEquals(new RegistryHosts.Endpoint("https://127.0.0.1:5000/v2", false, "127.0.0.1:5000"),
                RegistryHosts.endpointUrl("https://127.0.0.1:5000"));
        assertEquals(new RegistryHosts.Endpoint("https://1.2.3.4/v2", false, "1.2.3.4"),
                RegistryHosts.endpointUrl("1.2.3.4"));
        assertEquals(new RegistryHosts.Endpoint("http://[::1]:5000/v2", false, "[::1]:5000"),
                RegistryHosts.endpointUrl("[::1]:5000"));
    }

    @Test
    void mirrorsBecomeHostsBeforeTheRegistryItselfWhichIsAlwaysATable() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca \"quoted\" \\ dir.crt"), "ca");
        Path cert = Files.writeString(dir.resolve("client.crt"), "cert");
        Path key = Files.writeString(dir.resolve("client.key"), "key");
        RegistriesFile registries = parse("""
                mirrors:
                  docker.io:
                    endpoint:
                      - "https://mirror.example:5000"
                      - mirror.example:5000
                      - registry.example/prefix
                      - docker.io
                  "*":
                    endpoint: ["localhost:5000"]
                  quay.io:
                configs:
                  "mirror.example:5000":
                    auth: {username: u, password: p}
                    tls:
                      ca_file: 'ca "quoted" \\ dir.crt'
                      cert_file: client.crt
                      key_file: client.key
                  docker.io:
                    tls:
                      insecure_skip_verify: true
                """);
        Map<String, String> files = RegistryHosts.hostsFiles(registries);
        assertEquals(List.of("docker.io", "_default", "mirror.example:5000"), List.copyOf(files.keySet()),
                "quay.io without mirrors or TLS needs no file");
        String caToml = "\"" + ca.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        assertEquals(HEADER + """
                server = "https://registry-1.docker.io/v2"

                [host."https://mirror.example:5000/v2"]
                  capabilities = ["pull", "resolve"]
                  ca = [%s]
                  client = [["%s", "%s"]]

                [host."https://registry.example/prefix"]
                  capabilities = ["pull", "resolve"]
                  override_path = true

                [host."https://registry-1.docker.io/v2"]
                  capabilities = ["pull", "resolve", "push"]
                  skip_verify = true
                """.formatted(caToml, cert, key), files.get("docker.io"));
        assertEquals(HEADER + """

                [host."http://localhost:5000/v2"]
                  capabilities = ["pull", "resolve"]
                """, files.get("_default"));
        assertEquals(HEADER + """
                server = "https://mirror.example:5000/v2"

                [host."https://mirror.example:5000/v2"]
                  capabilities = ["pull", "resolve", "push"]
                  ca = [%s]
                  client = [["%s", "%s"]]
                """.formatted(caToml, cert, key), files.get("mirror.example:5000"));
    }

    @Test
    void credentialsGoToTheCriPluginQuoted() throws Exception {
        RegistriesFile registries = parse("""
                configs:
                  "mirror.example:5000":
                    auth:
                      username: "user \\"quoted\\""
                      password: 'p\\a"s\ts'
                  docker.io:
                    auth:
                      auth: dXNlcjpwYXNz
                      identity_token: tok
                  tls-only.example:
                    tls:
                      insecure_skip_verify: true
                """);
        assertEquals("""

                [plugins."io.containerd.grpc.v1.cri".registry.configs."mirror.example:5000".auth]
                  username = "user \\"quoted\\""
                  password = "p\\\\a\\"s\\u0009s"

                [plugins."io.containerd.grpc.v1.cri".registry.configs."docker.io".auth]
                  auth = "dXNlcjpwYXNz"
                  identitytoken = "tok"

                [plugins."io.containerd.grpc.v1.cri".registry.configs."registry-1.docker.io".auth]
                  auth = "dXNlcjpwYXNz"
                  identitytoken = "tok"
                """, RegistryHosts.authToml(registries));
    }

    @Test
    void configTomlCarriesTheCredentialsAndIsOwnerOnly() throws Exception {
        ContainerdLayout layout = ContainerdLayout.of(dir.resolve("data"));
        RegistriesFile registries = parse("""
                mirrors:
                  docker.io:
                    endpoint: [mirror.example]
                configs:
                  mirror.example:
                    auth: {username: u, password: p}
                """);
        ContainerdConfigWriter.write(layout, ContainerdLayout.DEFAULT_PAUSE_IMAGE, Path.of("/usr/lib/cni"),
                registries);
        String config = Files.readString(layout.configFile());
        assertTrue(config.contains("config_path = \"" + layout.registryConfigDir() + "\""), config);
        assertTrue(config.endsWith("""
                [plugins."io.containerd.grpc.v1.cri".registry.configs."mirror.example".auth]
                  username = "u"
                  password = "p"
                """), config);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.configFile())));
        assertTrue(Files.readString(layout.registryConfigDir().resolve("docker.io/hosts.toml"))
                .contains("[host.\"https://mirror.example/v2\"]"));
    }

    @Test
    void aRestartReplacesItsOwnFilesAndKeepsTheOperators() throws Exception {
        Path certs = dir.resolve("certs.d");
        Path own = Files.createDirectories(certs.resolve("operator.example"));
        Files.writeString(own.resolve("hosts.toml"), "server = \"https://operator.example\"\n");
        RegistryHosts.write(parse("mirrors:\n  docker.io:\n    endpoint: [a.example]\n  quay.io:\n"
                + "    endpoint: [b.example]\n"), certs);
        assertTrue(Files.exists(certs.resolve("quay.io/hosts.toml")));

        List<String> written = RegistryHosts.write(parse("mirrors:\n  docker.io:\n    endpoint: [c.example]\n"),
                certs);
        assertEquals(List.of("docker.io"), written);
        assertFalse(Files.exists(certs.resolve("quay.io")), "no longer configured: gone");
        assertTrue(Files.readString(certs.resolve("docker.io/hosts.toml")).contains("c.example"));
        assertEquals("server = \"https://operator.example\"\n", Files.readString(own.resolve("hosts.toml")));

        assertEquals(List.of(), RegistryHosts.write(RegistriesFile.none(), certs));
        assertFalse(Files.exists(certs.resolve("docker.io")));
        assertTrue(Files.exists(own.resolve("hosts.toml")));
    }

    @Test
    void quotingEscapesWhatTomlNeeds() {
        assertEquals("\"a\\\"b\\\\c\\u000ad\"", RegistryHosts.quote("a\"b\\c\nd"));
    }
}
