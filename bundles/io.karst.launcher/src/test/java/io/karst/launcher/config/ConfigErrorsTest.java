package io.karst.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigErrorsTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    private String failure(Role role, List<String> args, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> fixture.resolve(role, args, env));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private String serverFailure(String... args) {
        return failure(Role.SERVER, List.of(args), Map.of());
    }

    enum Source {
        COMMAND_LINE, ENVIRONMENT, FILE
    }

    /** A flag, a value it refuses, the role that has the flag, and the start of what it expects instead. */
    static Stream<Arguments> invalidValues() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] table = {
            {"cluster-cidr", "10.42.0.0/33", Role.SERVER, "expected a CIDR like 10.42.0.0/16"},
            {"service-cidr", "10.43.0.0/16,10.44.0.0/16", Role.SERVER, "expected a CIDR like 10.43.0.0/16"},
            {"cluster-dns", "10.43.0.300", Role.SERVER, "expected an IP address like 10.43.0.10"},
            {"node-ip", "10.0.0.256", Role.SERVER, "expected an IP address like 192.168.1.10"},
            {"bind-address", "localhost", Role.SERVER, "expected an IP address"},
            {"advertise-address", "api.example", Role.SERVER, "expected an IP address"},
            {"kube-apiserver-arg", "audit-log-path=/tmp/a", Role.SERVER,
                "expected one of endpoint-reconciler-type=lease, endpoint-reconciler-type=none"},
            {"https-listen-port", "70000", Role.SERVER, "expected a port number 1-65535"},
            {"https-listen-port", "0", Role.SERVER, "expected a port number 1-65535"},
            {"admin-ssh-port", "-1", Role.AGENT, "expected a port number 1-65535, or 0 to turn it off"},
            {"write-kubeconfig-mode", "0800", Role.SERVER, "expected an octal file mode 0000-0777"},
            {"write-kubeconfig-mode", "1644", Role.SERVER, "expected an octal file mode 0000-0777"},
            {"node-taint", "dedicated=gpu:Sometimes", Role.SERVER,
                "expected key=value:Effect with Effect one of NoSchedule, PreferNoSchedule, NoExecute"},
            {"node-taint", "bad key=gpu:NoSchedule", Role.AGENT, "expected key=value:Effect with a key like"},
            {"node-label", "tier", Role.SERVER, "expected key=value"},
            {"node-label", "example.com/tier=-front", Role.SERVER, "expected key=value with a value of at most 63"},
            {"node-label", "Bad_Prefix.com/tier=web", Role.SERVER, "expected key=value with a key like"},
            {"server", "http://10.0.0.1:6443", Role.AGENT, "expected an https://host:port URL"},
            {"server", "https://10.0.0.1:99999", Role.AGENT, "expected an https://host:port URL"},
            {"datastore-endpoint", "etcd://10.0.0.1:2379", Role.SERVER,
                "unsupported scheme \"etcd\"; supported: sqlite://, postgres://, postgresql://, mysql://"},
            {"datastore-endpoint", "mysql://user@db:3306/karst", Role.SERVER,
                "expected mysql://user:password@tcp(host:3306)/database"},
            {"etcd-endpoint", "0.0.0.0:2379", Role.SERVER, "refusing 0.0.0.0: the etcd endpoint is plaintext"},
            {"etcd-endpoint", "http://10.0.0.1:2379", Role.SERVER, "refusing 10.0.0.1: the etcd endpoint is"},
            {"etcd-endpoint", "[::]:2379", Role.SERVER, "refusing ::: the etcd endpoint is plaintext"},
            {"etcd-endpoint", "etcd.example.com:2379", Role.SERVER, "refusing etcd.example.com: the etcd"},
            {"etcd-endpoint", "https://127.0.0.1:2379", Role.SERVER, "the etcd endpoint has no TLS; expected"},
            {"etcd-endpoint", "127.0.0.1", Role.SERVER, "expected unix://etcd.sock (in <data-dir>/server/db)"},
            {"etcd-endpoint", "unix://", Role.SERVER, "expected unix://etcd.sock"},
            {"disable", "kube-proxy", Role.SERVER, "expected one of coredns, servicelb, traefik, local-storage,"
                + " metrics-server, helm-controller, manifests"},
            {"node-name", "Node_1", Role.AGENT, "expected a lowercase DNS name like node-1"},
            {"cluster-domain", "cluster..local", Role.SERVER, "expected a lowercase DNS name like cluster.local"},
            {"tls-san", "bad host", Role.SERVER, "expected a host name or an IP address"},
            {"debug", "maybe", Role.AGENT, "expected true or false"},
            {"container-runtime-endpoint", "tcp://1.2.3.4:1", Role.AGENT, "expected a socket like"},
        };
        for (Object[] row : table) {
            for (Source source : Source.values()) {
                cases.add(Arguments.of(source, row[0], row[1], row[2], row[3]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{1}={2} from {0}")
    @MethodSource("invalidValues")
    void invalidValueNamesTheFlagItsOriginAndWhatIsExpected(Source source, String flag, String value, Role role,
            String expected) {
        List<String> args = new ArrayList<>();
        Map<String, String> env = new java.util.HashMap<>();
        if (role == Role.AGENT && !flag.equals("server")) {
            args.addAll(List.of("--server", "https://10.0.0.1:6443"));
        }
        String envName = switch (flag) {
            case "server" -> "KARST_URL";
            case "write-kubeconfig-mode" -> "KARST_KUBECONFIG_MODE";
            default -> "KARST_" + flag.toUpperCase().replace('-', '_');
        };
        String origin = switch (source) {
            case COMMAND_LINE -> {
                args.add("--" + flag + "=" + value);
                yield "from the command line";
            }
            case ENVIRONMENT -> {
                env.put(envName, value);
                yield "from environment " + envName;
            }
            case FILE -> {
                Path file = fixture.write("config.yaml", "# line 1\n" + flag + ": \"" + value + "\"\n");
                yield "from " + file + " line 2";
            }
        };

        String message = failure(role, args, env);

        String shown = flag.equals("datastore-endpoint") ? value.replace(":pw@", ":***@") : value;
        String prefix = "invalid " + flag + " \"" + shown + "\" (" + origin + "): ";
        assertTrue(message.startsWith(prefix + expected), message);
    }

    @Test
    void unknownCommandLineFlag() {
        assertEquals("unknown flag --no-such-flag (from the command line): not a flag of karst server;"
                + " see 'karst server --help'", serverFailure("--no-such-flag=1"));
    }

    @Test
    void flagOfTheOtherRoleIsUnknownOnTheCommandLine() {
        String message = failure(Role.AGENT, List.of("--server", "https://h:6443", "--tls-san", "x"), Map.of());

        assertTrue(message.startsWith("unknown flag --tls-san (from the command line): not a flag of karst agent"),
                message);
    }

    @Test
    void flagWithoutItsValue() {
        assertEquals("missing value for --data-dir (from the command line): expected --data-dir DIR",
                serverFailure("--data-dir"));
    }

    @Test
    void positionalArgument() {
        assertTrue(serverFailure("--debug", "false").startsWith("unexpected argument \"false\""));
    }

    @Test
    void unknownConfigKeyNamesFileAndLine() {
        Path file = fixture.write("config.yaml", "data-dir: /x\n\nnode-nmae: typo\n");

        assertEquals("unknown key \"node-nmae\" (from " + file + " line 3): not a flag of karst server;"
                + " see 'karst server --help'", serverFailure());
    }

    @Test
    void unknownKeyInADropInNamesTheDropIn() {
        fixture.write("config.yaml", "data-dir: /x\n");
        Path dropIn = fixture.write("config.yaml.d/50-extra.yaml", "flannel-backend: none\n");

        assertTrue(serverFailure().startsWith("unknown key \"flannel-backend\" (from " + dropIn + " line 1)"));
    }

    @Test
    void malformedYamlNamesFileAndLine() {
        Path file = fixture.write("config.yaml", "data-dir: /x\nnode-name: a: b\n");

        String message = serverFailure();

        assertTrue(message.startsWith("malformed YAML (from " + file + " line 2): "), message);
    }

    @Test
    void unclosedFlowSequenceIsMalformed() {
        Path file = fixture.write("config.yaml", "tls-san: [a.example.com\n");

        assertTrue(serverFailure().startsWith("malformed YAML (from " + file + " line "));
    }

    @Test
    void documentThatIsNotAMapping() {
        Path file = fixture.write("config.yaml", "- data-dir\n- /x\n");

        assertEquals("invalid config (from " + file + " line 1): expected a mapping of flag names to values,"
                + " found a list", serverFailure());
        fixture.write("config.yaml", "just words\n");
        assertTrue(serverFailure().endsWith("found a value"));
    }

    @Test
    void listForASingleValuedFlagAndMappingInsideAList() {
        Path file = fixture.write("config.yaml", "data-dir:\n  - /a\n  - /b\n");
        assertEquals("invalid data-dir (from " + file + " line 1): expected a single value, found a list",
                serverFailure());

        fixture.write("config.yaml", "node-label:\n  - a=1\n  - {b: 2}\n");
        assertEquals("invalid node-label (from " + file + " line 3): expected a list of values, found a mapping in it",
                serverFailure());
    }

    @Test
    void plusOnlyAppliesToListsAndStrings() {
        fixture.write("config.yaml", "debug: true\n");
        Path dropIn = fixture.write("config.yaml.d/1.yaml", "debug+: true\n");

        assertEquals("invalid key \"debug+\" (from " + dropIn + " line 1): only list and string flags can be"
                + " appended to with +", serverFailure());
    }

    @Test
    void configKeyInsideAConfigFile() {
        fixture.write("config.yaml", "config: /elsewhere.yaml\n");

        assertTrue(serverFailure().startsWith("invalid key \"config\""));
    }

    @Test
    void missingExplicitConfigFile() {
        Path missing = dir.resolve("nope.yaml");

        assertEquals("config file " + missing + " not found (from the command line): expected an existing YAML file",
                serverFailure("--config", missing.toString()));
        assertEquals("config file " + missing + " not found (from environment KARST_CONFIG_FILE): expected an"
                + " existing YAML file",
                failure(Role.SERVER, List.of(), Map.of("KARST_CONFIG_FILE", missing.toString())));
    }

    @Test
    void agentWithoutServer() {
        String message = failure(Role.AGENT, List.of("--token", "t"), Map.of());

        assertEquals("missing server: karst agent needs --server https://host:6443, KARST_URL or \"server:\" in "
                + fixture.defaultConfig, message);
    }

    @Test
    void tokenAndTokenFileTogether() {
        Path tokenFile = fixture.write("token", "abc\n");
        fixture.write("config.yaml", "token: from-file\n");

        assertEquals("both token (from " + fixture.defaultConfig + " line 1) and token-file (from the command line)"
                + " are set: expected only one of them", serverFailure("--token-file", tokenFile.toString()));
    }

    @Test
    void unreadableOrEmptyTokenFile() {
        Path missing = dir.resolve("missing-token");
        Path empty = fixture.write("empty-token", " \n");

        assertEquals("invalid token-file \"" + missing + "\" (from the command line): expected a readable file"
                + " holding the token, no such file", serverFailure("--token-file", missing.toString()));
        assertEquals("invalid token-file \"" + empty + "\" (from environment KARST_TOKEN_FILE): expected a file"
                + " holding the token, the file is empty",
                failure(Role.SERVER, List.of(), Map.of("KARST_TOKEN_FILE", empty.toString())));
    }

    @Test
    void datastorePasswordIsNotPrinted() {
        String message = serverFailure("--datastore-endpoint", "postgres://karst:hunter2@db:99999/karst");

        assertFalse(message.contains("hunter2"), message);
        assertTrue(message.startsWith("invalid datastore-endpoint \"postgres://karst:***@db:99999/karst\""), message);
    }

    @Test
    void invalidElementOfAnAppendedListNamesItsOwnFileAndLine() {
        fixture.write("config.yaml", "node-ip:\n  - 10.0.0.1\n");
        Path dropIn = fixture.write("config.yaml.d/1.yaml", "node-ip+:\n  - 10.0.0.2\n  - 10.0.0.999\n");

        assertTrue(serverFailure().startsWith("invalid node-ip \"10.0.0.999\" (from " + dropIn + " line 3)"));
    }
}
