package io.karst.launcher.config;

import static io.karst.launcher.config.FlagType.BOOL;
import static io.karst.launcher.config.FlagType.INT;
import static io.karst.launcher.config.FlagType.LIST;
import static io.karst.launcher.config.FlagType.STRING;

import java.util.List;
import java.util.Optional;

/**
 * Every flag of {@code karst server} and {@code karst agent} in one place, as K3s keeps its flags in
 * {@code pkg/cli/cmds}. Names, short aliases, environment variables and defaults follow K3s's where K3s has the
 * flag.
 */
public final class FlagTable {
    static final String CONFIG = "config";
    static final String TOKEN = "token";
    static final String TOKEN_FILE = "token-file";
    static final String SERVER = "server";
    static final String DEFAULT_CONFIG_FILE = "/etc/karst/config.yaml";

    /** K3s's packaged components that {@code --disable} can leave out, plus Karst's manifests deployer. */
    static final List<String> DISABLEABLE = List.of("coredns", "servicelb", "traefik", "local-storage",
            "metrics-server", "helm-controller", "manifests");
    /**
     * The kube-apiserver arguments Karst's API server understands. K3s passes any; a value Karst would ignore is
     * refused rather than silently dropped.
     */
    static final List<String> API_SERVER_ARGS = List.of("endpoint-reconciler-type=lease",
            "endpoint-reconciler-type=none");

    private static final String SECRET = "<redacted>";

    static final List<Flag> FLAGS = List.of(
            Flag.of(CONFIG, STRING, "FILE", "Load configuration from FILE and its FILE.d/*.yaml drop-ins")
                    .alias("c").env("KARST_CONFIG_FILE").defaults(DEFAULT_CONFIG_FILE)
                    .rule(ValueRules.nonBlank("a file path")),
            Flag.of("data-dir", STRING, "DIR", "Folder to hold state").alias("d").defaults("/var/lib/karst")
                    .rule(ValueRules.nonBlank("a directory path")),
            Flag.of("node-name", STRING, "NAME", "Node name").defaults(DefaultValue.HOSTNAME)
                    .rule(ValueRules.dnsSubdomain("node-1")),
            Flag.of("node-ip", LIST, "IP", "IP address(es) to advertise for this node").alias("i")
                    .rule(ValueRules.ip()),
            Flag.of("node-label", LIST, "KEY=VALUE", "Register the node with this label")
                    .rule(ValueRules.label()),
            Flag.of("node-taint", LIST, "KEY=VALUE:EFFECT", "Register the node with this taint")
                    .rule(ValueRules.taint()),
            Flag.of(TOKEN, STRING, "TOKEN", "Shared secret used to join a server or agent to a cluster")
                    .alias("t").display(v -> SECRET),
            Flag.of(TOKEN_FILE, STRING, "FILE", "File holding the token; its trimmed content is the token")
                    .rule(ValueRules.nonBlank("a file path")),
            Flag.of("debug", BOOL, "", "Turn on debug logs").defaults("false"),
            // An agent has no shell unless asked for one, as K3s's agents have none: without it the agent runs its
            // bundles on a bare OSGi framework instead of Karaf, under 100 MB (bench/node/agent-rss).
            Flag.of("admin-ssh-port", INT, "PORT",
                    "Port of this node's Karaf ssh shell (0 turns it off; an agent without one runs no Karaf)")
                    .defaults(DefaultValue.perRole("8101", "0")).rule(ValueRules.port(0)),
            Flag.of("pause-image", STRING, "IMAGE",
                    "Pod sandbox image (the distribution ships localhost/karst/pause, built from Debian busybox-static)")
                    .defaults("localhost/karst/pause:1.35.0").rule(ValueRules.imageReference()),
            Flag.of("container-runtime-endpoint", STRING, "SOCKET",
                    "Use this CRI socket instead of starting containerd").rule(ValueRules.runtimeEndpoint()),

            Flag.of("write-kubeconfig", STRING, "FILE", "Write the admin kubeconfig to FILE").only(Role.SERVER)
                    .alias("o").env("KARST_KUBECONFIG_OUTPUT").defaults("/etc/karst/karst.yaml")
                    .rule(ValueRules.nonBlank("a file path")),
            Flag.of("write-kubeconfig-mode", STRING, "MODE", "Octal file mode of the admin kubeconfig")
                    .only(Role.SERVER).env("KARST_KUBECONFIG_MODE").defaults("0600").rule(ValueRules.octalMode()),
            Flag.of("tls-san", LIST, "HOST", "Extra host name or IP address in the API server's certificate")
                    .only(Role.SERVER).rule(ValueRules.hostOrIp()),
            Flag.of("cluster-cidr", STRING, "CIDR", "Pod network (IPv4/IPv6, or both comma-separated)")
                    .only(Role.SERVER).defaults("10.42.0.0/16").rule(ValueRules.dualStackCidr("10.42.0.0/16")),
            Flag.of("service-cidr", STRING, "CIDR", "Service network (IPv4/IPv6, or both comma-separated)")
                    .only(Role.SERVER).defaults("10.43.0.0/16").rule(ValueRules.dualStackCidr("10.43.0.0/16")),
            Flag.of("cluster-dns", STRING, "IP", "Cluster DNS service address").only(Role.SERVER)
                    .defaults("10.43.0.10").rule(ValueRules.dualStackIp("10.43.0.10")),
            Flag.of("cluster-domain", STRING, "DOMAIN", "Cluster DNS domain").only(Role.SERVER)
                    .defaults("cluster.local").rule(ValueRules.dnsSubdomain("cluster.local")),
            Flag.of("https-listen-port", INT, "PORT", "API server port").only(Role.SERVER).defaults("6443")
                    .rule(ValueRules.port(1)),
            Flag.of("bind-address", STRING, "IP", "API server bind address").only(Role.SERVER)
                    .defaults("0.0.0.0").rule(ValueRules.ip()),
            Flag.of("advertise-address", STRING, "IP",
                    "Address the API server advertises to the cluster (default: the node IP)").only(Role.SERVER)
                    .rule(ValueRules.ip()),
            Flag.of("datastore-endpoint", STRING, "URI",
                    "sqlite://, postgres:// or mysql:// datastore (empty: embedded sqlite)").only(Role.SERVER)
                    .rule(ValueRules.datastoreEndpoint()).display(DatastoreEndpoints::redact),
            Flag.of("datastore-cafile", STRING, "FILE", "TLS CA file for the datastore").only(Role.SERVER),
            Flag.of("datastore-certfile", STRING, "FILE", "TLS client certificate for the datastore")
                    .only(Role.SERVER),
            Flag.of("datastore-keyfile", STRING, "FILE", "TLS client key for the datastore").only(Role.SERVER),
            Flag.of("etcd-endpoint", STRING, "URL", "Also serve the etcd v3 API over the datastore at URL: "
                    + EtcdEndpoints.DEFAULT_SOCKET + " (in <data-dir>/server/db), unix:///path or "
                    + "http://127.0.0.1:PORT; plaintext and unauthenticated, so loopback only (empty: off)")
                    .only(Role.SERVER).rule(EtcdEndpoints.rule()),
            Flag.of("disable", LIST, "NAME", "Do not deploy this packaged component: "
                    + String.join(", ", DISABLEABLE)).only(Role.SERVER).rule(ValueRules.oneOf(DISABLEABLE)),
            Flag.of("disable-agent", BOOL, "", "Do not run a node on this server").only(Role.SERVER)
                    .defaults("false"),
            Flag.of("kube-apiserver-arg", LIST, "KEY=VALUE", "An argument for the API server, as K3s passes it to "
                    + "kube-apiserver; supported: " + String.join(", ", API_SERVER_ARGS)).only(Role.SERVER)
                    .rule(ValueRules.oneOf(API_SERVER_ARGS)),
            Flag.of("disable-controller-manager", BOOL, "", "Do not run the controllers (namespace, garbage "
                    + "collector, ...) on this server").only(Role.SERVER).defaults("false"),
            Flag.of("disable-scheduler", BOOL, "", "Do not run the scheduler on this server").only(Role.SERVER)
                    .defaults("false"),
            Flag.of("agent-token", STRING, "TOKEN", "Shared secret for agents only (default: the token)")
                    .only(Role.SERVER).display(v -> SECRET),
            Flag.of("secrets-encryption", BOOL, "", "Encrypt Secrets at rest (AES-CBC; key in <data-dir>/server/cred/encryption-config.json)").only(Role.SERVER).defaults("false"),
            Flag.of("audit-log-path", STRING, "FILE", "Write the API server's audit log to FILE")
                    .only(Role.SERVER),

            Flag.of(SERVER, STRING, "URL", "Server to join, https://host:port (required)").only(Role.AGENT)
                    .alias("s").env("KARST_URL").rule(ValueRules.httpsUrl()),
            Flag.of("with-node-id", BOOL, "", "Append a random id (kept next to the node password) to the node "
                    + "name, so machines of one host name can join").only(Role.AGENT).defaults("false"),
            Flag.of("node-password-file", STRING, "FILE", "Where this machine keeps the password it proves its "
                    + "node name with (made at the first join)").only(Role.AGENT)
                    .defaults("/etc/karst/node/password").rule(ValueRules.nonBlank("a file path")));

    private FlagTable() {
    }

    static List<Flag> of(Role role) {
        return FLAGS.stream().filter(f -> f.has(role)).toList();
    }

    /** The flag of {@code role} with this long or short name. */
    static Optional<Flag> find(Role role, String nameOrAlias) {
        return FLAGS.stream().filter(f -> f.has(role) && f.isCalled(nameOrAlias)).findFirst();
    }

    static Flag named(String name) {
        return FLAGS.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no flag " + name));
    }

    /**
     * How a flag of {@code role} takes its value, for commands that pass server flags through to the resolver and
     * need to know whether the next argument belongs to one.
     */
    public static Optional<FlagType> type(Role role, String nameOrAlias) {
        return find(role, nameOrAlias).map(Flag::type);
    }

    /** The {@code --help} text of {@code karst server} or {@code karst agent}. */
    public static String help(Role role) {
        List<Flag> flags = of(role);
        List<String> left = flags.stream().map(FlagTable::synopsis).toList();
        int width = left.stream().mapToInt(String::length).max().orElse(0) + 2;
        StringBuilder text = new StringBuilder();
        text.append("Usage: ").append(role.command()).append(" [flags]\n\n");
        text.append("Every flag can also be set with its environment variable or as a key of ")
                .append(DEFAULT_CONFIG_FILE).append(" and\nconfig.yaml.d/*.yaml (a key ending in + appends). ")
                .append("The command line wins over the environment,\nwhich wins over config files.\n\n");
        text.append("Flags:\n");
        for (int i = 0; i < flags.size(); i++) {
            Flag flag = flags.get(i);
            text.append("  ").append(String.format("%-" + width + "s", left.get(i))).append(flag.usage());
            if (flag.type() == LIST) {
                text.append(" (repeatable, comma-separated)");
            }
            String defaultValue = flag.defaultValue().describe(role);
            if (!defaultValue.isEmpty() && flag.type() != BOOL) {
                text.append(" (default: ").append(defaultValue).append(')');
            }
            text.append(" [$").append(flag.env()).append("]\n");
        }
        return text.toString();
    }

    private static String synopsis(Flag flag) {
        String value = flag.type() == BOOL ? "" : " " + flag.placeholder();
        String shortForm = flag.alias().isEmpty() ? "    " : "-" + flag.alias() + ", ";
        return shortForm + "--" + flag.name() + value;
    }
}
