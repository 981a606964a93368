package io.karst.launcher.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.karst.launcher.config.ConfigException;
import io.karst.launcher.config.EtcdEndpoints;
import io.karst.launcher.config.ResolvedConfig;

/**
 * Maps a resolved configuration to configurations per PID and the features to boot. The feature lists mirror the
 * {@code karst-server} and {@code karst-agent} umbrellas of features.xml; a component named by {@code --disable}
 * is left out.
 */
final class LaunchPlans {
    /** Karaf's own features every node boots; {@code ssh} only when the shell port is not 0. */
    private static final List<String> PLATFORM = List.of("jaas", "shell", "log", "feature", "bundle", "config",
            "system", "service", "scr");

    /** Server components in boot order: K3s component name (for --disable) → feature. */
    private static final Map<String, String> SERVER_COMPONENTS = ordered(
            "pki", "karst-pki",
            "apiserver", "karst-apiserver",
            "controller-manager", "karst-controllers",
            "admin", "karst-admin");

    private static final Map<String, String> AGENT_COMPONENTS = ordered("admin", "karst-admin");

    private LaunchPlans() {
    }

    /**
     * @throws ConfigException when a value is valid on its own but not with the data dir (a socket path too long)
     */
    static LaunchPlan server(ResolvedConfig config, List<String> nodeIps) throws ConfigException {
        Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        Map<String, Object> pki = new LinkedHashMap<>();
        pki.put("data.dir", config.string("data-dir"));
        pki.put("node.name", config.string("node-name"));
        pki.put("node.ips", nodeIps);
        pki.put("tls.sans", config.list("tls-san"));
        pki.put("cluster.domain", config.string("cluster-domain"));
        pki.put("service.cidr", config.string("service-cidr"));
        pki.put("https.port", config.integer("https-listen-port"));
        config.optional("token").ifPresent(t -> pki.put("token", t));
        pki.put("write.kubeconfig", config.string("write-kubeconfig"));
        pki.put("write.kubeconfig.mode", config.string("write-kubeconfig-mode"));
        configurations.put("io.karst.pki", pki);

        String datastore = datastore(config, configurations);

        Map<String, Object> apiserver = new LinkedHashMap<>();
        apiserver.put("https.port", config.integer("https-listen-port"));
        apiserver.put("bind.address", config.string("bind-address"));
        apiserver.put("service.cidr", config.string("service-cidr"));
        apiserver.put("advertise.address", config.optional("advertise-address").filter(a -> !a.isBlank())
                .orElse(nodeIps.get(0)));
        configurations.put("io.karst.apiserver", apiserver);

        int ssh = config.integer("admin-ssh-port");
        List<String> disabled = new ArrayList<>(config.list("disable"));
        if (config.bool("disable-controller-manager")) {
            disabled.add("controller-manager");
        }
        List<String> features = features(SERVER_COMPONENTS, disabled, ssh);
        features.add(PLATFORM.size() + (ssh != 0 ? 1 : 0), datastore);
        Optional<String> etcd = config.optional("etcd-endpoint").filter(e -> !e.isBlank());
        if (etcd.isPresent()) {
            // after the datastore, whose KeyValueStore it serves
            configurations.put("io.karst.etcdserver", Map.of("listen",
                    EtcdEndpoints.listenAddress(etcd.get(), Path.of(config.string("data-dir")))));
            features.add(features.indexOf(datastore) + 1, "karst-etcdserver");
        }
        return new LaunchPlan(configurations, features, ssh);
    }

    /**
     * The datastore provider the endpoint names (K3s's forms): none → embedded SQLite in the data dir,
     * {@code postgres://} or {@code mysql://} → that provider's feature and configuration (PID = bundle name).
     * The scheme was validated by the configuration resolver.
     */
    private static String datastore(ResolvedConfig config, Map<String, Map<String, Object>> configurations) {
        String endpoint = config.optional("datastore-endpoint").orElse("").trim();
        if (endpoint.isEmpty()) {
            configurations.put("io.karst.datastore.sqlite", Map.of("data.dir", config.string("data-dir")));
            return "karst-datastore-sqlite";
        }
        String type = endpoint.startsWith("mysql:") ? "mysql" : "postgres";
        Map<String, Object> external = new LinkedHashMap<>();
        external.put("endpoint", endpoint);
        config.optional("datastore-cafile").ifPresent(f -> external.put("ca.file", f));
        config.optional("datastore-certfile").ifPresent(f -> external.put("cert.file", f));
        config.optional("datastore-keyfile").ifPresent(f -> external.put("key.file", f));
        configurations.put("io.karst.datastore." + type, external);
        return "karst-datastore-" + type;
    }

    static LaunchPlan agent(ResolvedConfig config) {
        int ssh = config.integer("admin-ssh-port");
        return new LaunchPlan(Map.of(), features(AGENT_COMPONENTS, List.of(), ssh), ssh);
    }

    private static List<String> features(Map<String, String> components, List<String> disabled, int sshPort) {
        List<String> features = new ArrayList<>(PLATFORM);
        if (sshPort != 0) {
            features.add("ssh");
        }
        components.forEach((name, feature) -> {
            if (!disabled.contains(name)) {
                features.add(feature);
            }
        });
        return features;
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
