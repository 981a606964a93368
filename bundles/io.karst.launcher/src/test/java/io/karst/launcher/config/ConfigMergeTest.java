package io.karst.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigMergeTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    @Test
    void defaultsApplyWhenNoSourceSetsAFlag() throws Exception {
        ResolvedConfig config = fixture.server();

        assertEquals("/var/lib/karst", config.string("data-dir"));
        assertEquals("test-host", config.string("node-name"));
        assertEquals(8101, config.integer("admin-ssh-port"));
        assertEquals("/etc/karst/karst.yaml", config.string("write-kubeconfig"));
        assertEquals("0600", config.string("write-kubeconfig-mode"));
        assertEquals("10.42.0.0/16", config.string("cluster-cidr"));
        assertEquals("10.43.0.0/16", config.string("service-cidr"));
        assertEquals("10.43.0.10", config.string("cluster-dns"));
        assertEquals("cluster.local", config.string("cluster-domain"));
        assertEquals(6443, config.integer("https-listen-port"));
        assertEquals("0.0.0.0", config.string("bind-address"));
        assertEquals("localhost/karst/pause:1.35.0", config.string("pause-image"));
        assertFalse(config.bool("debug"));
        assertEquals(List.of(), config.list("disable"));
        assertEquals(Optional.empty(), config.optional("token"));
        assertEquals(Optional.empty(), config.optional("datastore-endpoint"));
        assertEquals(Origin.Kind.DEFAULT, config.origin("data-dir").kind());
        assertEquals("by default: the host name of this machine", config.origin("node-name").describe());
        assertEquals(fixture.defaultConfig.toString(), config.string("config"));
        assertEquals(List.of(), config.configFiles());
    }

    @Test
    void agentHasNoShellByDefaultAndHasNoServerFlags() throws Exception {
        ResolvedConfig config = fixture.resolve(Role.AGENT, List.of("--server", "https://10.0.0.1:6443"), Map.of());

        assertEquals(0, config.integer("admin-ssh-port"));
        assertTrue(config.names().contains("server"));
        assertFalse(config.names().contains("tls-san"));
        assertFalse(fixture.server().names().contains("server"));
    }

    @Test
    void configFileOverridesDefaultsAndRecordsItsLine() throws Exception {
        fixture.write("config.yaml", "# comment\ndata-dir: /srv/karst\nhttps-listen-port: 7443\ndebug: true\n");

        ResolvedConfig config = fixture.server();

        assertEquals("/srv/karst", config.string("data-dir"));
        assertEquals(7443, config.integer("https-listen-port"));
        assertTrue(config.bool("debug"));
        assertEquals(Origin.file(fixture.defaultConfig, 2), config.origin("data-dir"));
        assertEquals("from " + fixture.defaultConfig + " line 3", config.origin("https-listen-port").describe());
        assertEquals(List.of(fixture.defaultConfig), config.configFiles());
    }

    @Test
    void dropInsApplyAfterTheFileInAlphabeticalOrderAndTheLastValueWins() throws Exception {
        fixture.write("config.yaml", "write-kubeconfig-mode: \"0644\"\nnode-name: main\n");
        Path second = fixture.write("config.yaml.d/20-second.yaml", "write-kubeconfig-mode: \"0640\"\n");
        fixture.write("config.yaml.d/10-first.yml", "write-kubeconfig-mode: \"0700\"\nnode-name: first\n");
        fixture.write("config.yaml.d/30-ignored.txt", "write-kubeconfig-mode: \"0777\"\n");

        ResolvedConfig config = fixture.server();

        assertEquals("0640", config.string("write-kubeconfig-mode"));
        assertEquals(Origin.file(second, 1), config.origin("write-kubeconfig-mode"));
        assertEquals("first", config.string("node-name"));
        assertEquals(List.of(fixture.defaultConfig, dir.resolve("config.yaml.d/10-first.yml"), second),
                config.configFiles());
    }

    @Test
    void dropInsAreReadEvenWithoutTheMainFile() throws Exception {
        fixture.write("config.yaml.d/01.yaml", "node-name: from-drop-in\n");

        assertEquals("from-drop-in", fixture.server().string("node-name"));
    }

    /** The example of docs.k3s.io/installation/configuration#multiple-config-files, verbatim. */
    @Test
    void k3sDocumentedMultipleConfigFilesExample() throws Exception {
        fixture.write("config.yaml", "token: boop\nnode-label:\n  - foo=bar\n  - bar=baz\n");
        fixture.write("config.yaml.d/test1.yaml", "write-kubeconfig-mode: 600\nnode-taint:\n  - alice=bob:NoExecute\n");
        fixture.write("config.yaml.d/test2.yaml", "write-kubeconfig-mode: 777\nnode-label:\n  - other=what\n"
                + "  - foo=three\nnode-taint+:\n  - charlie=delta:NoSchedule\n");

        ResolvedConfig config = fixture.server();

        assertEquals("0777", config.string("write-kubeconfig-mode"));
        assertEquals("boop", config.string("token"));
        assertEquals(List.of("other=what", "foo=three"), config.list("node-label"));
        assertEquals(List.of("alice=bob:NoExecute", "charlie=delta:NoSchedule"), config.list("node-taint"));
    }

    @Test
    void plusKeyAppendsToListsAcrossFilesAndKeepsEachElementsLine() throws Exception {
        fixture.write("config.yaml", "tls-san:\n  - a.example.com\n");
        fixture.write("config.yaml.d/b.yaml", "tls-san+: b.example.com,10.0.0.9\n");
        Path c = fixture.write("config.yaml.d/c.yaml", "# c\ntls-san+:\n  - c.example.com\n");

        ResolvedConfig config = fixture.server();

        assertEquals(List.of("a.example.com", "b.example.com", "10.0.0.9", "c.example.com"), config.list("tls-san"));
        assertEquals(Origin.file(c, 3), config.origin("tls-san"));
    }

    @Test
    void plusKeyAppendsToStringsWithAComma() throws Exception {
        fixture.write("config.yaml", "cluster-cidr: 10.42.0.0/16\n");
        fixture.write("config.yaml.d/v6.yaml", "cluster-cidr+: 2001:cafe:42::/56\n");

        ResolvedConfig config = fixture.server();

        assertEquals("10.42.0.0/16,2001:cafe:42::/56", config.string("cluster-cidr"));
        assertEquals(List.of("10.42.0.0/16", "2001:cafe:42::/56"), config.list("cluster-cidr"));
    }

    @Test
    void laterKeyWithoutPlusReplacesTheAccumulatedValue() throws Exception {
        fixture.write("config.yaml", "node-label: [a=1]\n");
        fixture.write("config.yaml.d/1.yaml", "node-label+: [b=2]\n");
        fixture.write("config.yaml.d/2.yaml", "node-label: [c=3]\n");

        assertEquals(List.of("c=3"), fixture.server().list("node-label"));
    }

    @Test
    void plusKeyWithoutEarlierValueSetsIt() throws Exception {
        fixture.write("config.yaml.d/1.yaml", "node-label+: [b=2]\n");

        assertEquals(List.of("b=2"), fixture.server().list("node-label"));
    }

    @Test
    void environmentOverridesConfigFile() throws Exception {
        fixture.write("config.yaml", "node-name: from-file\nnode-label: [a=1, b=2]\n");

        ResolvedConfig config = fixture.resolve(Role.SERVER, List.of(),
                Map.of("KARST_NODE_NAME", "from-env", "KARST_NODE_LABEL", "c=3, d=4"));

        assertEquals("from-env", config.string("node-name"));
        assertEquals(Origin.environment("KARST_NODE_NAME"), config.origin("node-name"));
        assertEquals(List.of("c=3", "d=4"), config.list("node-label"));
    }

    @Test
    void emptyEnvironmentVariableDoesNotBlankAFileValue() throws Exception {
        fixture.write("config.yaml", "token: from-file\n");

        ResolvedConfig config = fixture.resolve(Role.SERVER, List.of(), Map.of("KARST_TOKEN", ""));

        assertEquals("from-file", config.string("token"));
    }

    @Test
    void commandLineOverridesEnvironmentAndFile() throws Exception {
        fixture.write("config.yaml", "data-dir: /file\n");

        ResolvedConfig config = fixture.resolve(Role.SERVER, List.of("--data-dir", "/cli"),
                Map.of("KARST_DATA_DIR", "/env"));

        assertEquals("/cli", config.string("data-dir"));
        assertEquals(Origin.commandLine(), config.origin("data-dir"));
    }

    /** docs.k3s.io: "For repeatable arguments such as --node-label, the CLI arguments will overwrite all values". */
    @Test
    void commandLineListReplacesTheWholeListFromFilesAndEnvironment() throws Exception {
        fixture.write("config.yaml", "node-label:\n  - a=1\n  - b=2\n");

        ResolvedConfig config = fixture.resolve(Role.SERVER,
                List.of("--node-label", "c=3", "--node-label", "d=4,e=5"), Map.of("KARST_NODE_LABEL", "x=9"));

        assertEquals(List.of("c=3", "d=4", "e=5"), config.list("node-label"));
    }

    @Test
    void k3sNamedEnvironmentVariables() throws Exception {
        Map<String, String> env = Map.of("KARST_KUBECONFIG_OUTPUT", "/tmp/kc.yaml", "KARST_KUBECONFIG_MODE", "644",
                "KARST_DATASTORE_ENDPOINT", "postgres://k:s@db:5432/karst", "KARST_WRITE_KUBECONFIG", "/ignored",
                "KARST_HOME", "/opt/karst", "KARST_URL", "https://ignored-by-servers:6443");

        ResolvedConfig server = fixture.resolve(Role.SERVER, List.of(), env);
        ResolvedConfig agent = fixture.resolve(Role.AGENT, List.of(), Map.of("KARST_URL", "https://10.0.0.1:6443"));

        assertEquals("/tmp/kc.yaml", server.string("write-kubeconfig"));
        assertEquals("0644", server.string("write-kubeconfig-mode"));
        assertEquals(Origin.environment("KARST_KUBECONFIG_MODE"), server.origin("write-kubeconfig-mode"));
        assertEquals("postgres://k:s@db:5432/karst", server.string("datastore-endpoint"));
        assertEquals("https://10.0.0.1:6443", agent.string("server"));
    }

    @Test
    void configFlagMovesTheFileAndItsDropInDirectory() throws Exception {
        fixture.write("config.yaml", "node-name: default-file\n");
        fixture.write("config.yaml.d/1.yaml", "node-label: [from=default-d]\n");
        Path other = fixture.write("etc/other.yaml", "node-name: other-file\n");
        fixture.write("etc/other.yaml.d/1.yaml", "node-label: [from=other-d]\n");

        ResolvedConfig config = fixture.server("--config", other.toString());

        assertEquals("other-file", config.string("node-name"));
        assertEquals(List.of("from=other-d"), config.list("node-label"));
        assertEquals(other.toString(), config.string("config"));
        assertEquals(Origin.commandLine(), config.origin("config"));
    }

    @Test
    void configFileCanBeGivenWithShortAliasEqualsFormOrEnvironment() throws Exception {
        Path other = fixture.write("other.yaml", "node-name: other\n");

        assertEquals("other", fixture.server("-c", other.toString()).string("node-name"));
        assertEquals("other", fixture.server("--config=" + other).string("node-name"));
        ResolvedConfig fromEnv = fixture.resolve(Role.SERVER, List.of(), Map.of("KARST_CONFIG_FILE", other.toString()));
        assertEquals("other", fromEnv.string("node-name"));
        assertEquals(Origin.environment("KARST_CONFIG_FILE"), fromEnv.origin("config"));
    }

    @Test
    void commandLineSyntaxes() throws Exception {
        ResolvedConfig config = fixture.server("--data-dir=/a", "-o", "/kc.yaml", "-i", "10.0.0.1,10.0.0.2",
                "--debug", "-t=secret", "-node-name", "single-dash", "--secrets-encryption=false", "--tls-san",
                "x.example.com", "--disable", "traefik", "--disable=servicelb,metrics-server");

        assertEquals("/a", config.string("data-dir"));
        assertEquals("/kc.yaml", config.string("write-kubeconfig"));
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), config.list("node-ip"));
        assertTrue(config.bool("debug"));
        assertFalse(config.bool("secrets-encryption"));
        assertEquals("secret", config.string("token"));
        assertEquals("single-dash", config.string("node-name"));
        assertEquals(List.of("traefik", "servicelb", "metrics-server"), config.list("disable"));
        assertFalse(fixture.server("--debug=false").bool("debug"));
    }

    @Test
    void tokenFileContentTrimmedBecomesTheToken() throws Exception {
        Path tokenFile = fixture.write("token", "  K10abc::server:s3cret\n\n");

        ResolvedConfig config = fixture.server("--token-file", tokenFile.toString());

        assertEquals("K10abc::server:s3cret", config.string("token"));
        assertEquals(Origin.commandLine(), config.origin("token"));
        assertEquals(tokenFile.toString(), config.string("token-file"));
    }

    @Test
    void yamlScalarsKeepTheirTextAndListsAcceptCommaSeparatedScalars() throws Exception {
        fixture.write("config.yaml", "write-kubeconfig-mode: 0644\nsecrets-encryption: yes\n"
                + "node-ip: 10.0.0.1,10.0.0.2\n"
                + "disable-agent: false\nadmin-ssh-port: 0\n");

        ResolvedConfig config = fixture.server();

        assertEquals("0644", config.string("write-kubeconfig-mode"));
        assertTrue(config.bool("secrets-encryption"));
        assertFalse(config.bool("disable-agent"));
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), config.list("node-ip"));
        assertEquals(0, config.integer("admin-ssh-port"));
    }

    @Test
    void eachRoleSkipsTheOtherRolesKeysOfASharedFile() throws Exception {
        fixture.write("config.yaml", "server: https://10.0.0.1:6443\ntls-san: [api.example.com]\ntoken: t\n");

        ResolvedConfig agent = fixture.resolve(Role.AGENT, List.of(), Map.of());
        ResolvedConfig server = fixture.server();

        assertEquals("https://10.0.0.1:6443", agent.string("server"));
        assertEquals(List.of("api.example.com"), server.list("tls-san"));
    }

    @Test
    void emptyAndCommentOnlyFilesSetNothing() throws Exception {
        fixture.write("config.yaml", "# nothing yet\n");
        fixture.write("config.yaml.d/empty.yaml", "");

        assertEquals("/var/lib/karst", fixture.server().string("data-dir"));
    }

    @Test
    void dualStackNetworksAndIpv6Addresses() throws Exception {
        ResolvedConfig config = fixture.server("--cluster-cidr", "10.42.0.0/16,2001:cafe:42::/56",
                "--service-cidr", "2001:cafe:43::/112", "--cluster-dns", "10.43.0.10,2001:cafe:43::a",
                "--node-ip", "fd00::5", "--bind-address", "::");

        assertEquals(List.of("10.42.0.0/16", "2001:cafe:42::/56"), config.list("cluster-cidr"));
        assertEquals(List.of("fd00::5"), config.list("node-ip"));
    }

    @Test
    void accessorsRejectFlagsTheRoleDoesNotHave() throws Exception {
        ResolvedConfig config = fixture.server();

        assertThrows(IllegalArgumentException.class, () -> config.string("server"));
        assertThrows(IllegalArgumentException.class, () -> config.bool("data-dir"));
    }

    @Test
    void toStringHidesSecrets() throws Exception {
        ResolvedConfig config = fixture.server("--token", "topsecret", "--datastore-endpoint",
                "postgres://user:pw@db:5432/karst");

        assertFalse(config.toString().contains("topsecret"));
        assertFalse(config.toString().contains(":pw@"));
    }
}
