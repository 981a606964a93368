package io.karst.cri.containerd.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * K3s's private registry configuration ({@code /etc/rancher/k3s/registries.yaml}), here
 * {@code /etc/karst/registries.yaml}: {@code mirrors} (endpoints per registry, {@code "*"} for every registry) and
 * {@code configs} (auth and TLS per registry host). Parsed from SnakeYAML's node tree, so every error names the line
 * and the key; unknown keys are errors, as a typo would otherwise silently drop a mirror. Secrets (password, auth,
 * identity_token) never appear in a message, not even in a YAML syntax error's excerpt.
 *
 * @param mirrors per registry ({@code docker.io}, {@code host:port}, {@code *}), in the file's order
 * @param configs per registry host, in the file's order
 */
record RegistriesFile(Path source, Map<String, Mirror> mirrors, Map<String, Config> configs) {
    /** Where K3s has {@code /etc/rancher/k3s/registries.yaml}. */
    static final String DEFAULT_PATH = "/etc/karst/registries.yaml";
    static final String ANY_REGISTRY = "*";

    RegistriesFile {
        mirrors = Collections.unmodifiableMap(new LinkedHashMap<>(mirrors));
        configs = Collections.unmodifiableMap(new LinkedHashMap<>(configs));
    }

    /** @param endpoints the endpoint URLs as written, in order */
    record Mirror(List<String> endpoints) {
    }

    record Config(Auth auth, Tls tls) {
    }

    /** Credentials, one of username/password, auth (base64 of user:password) or identity token. */
    record Auth(String username, String password, String auth, String identityToken) {
        @Override
        public String toString() {
            return "Auth[username=" + username + ", secrets redacted]";
        }
    }

    /** Files are absolute (a relative one is taken from the registries file's directory) and exist. */
    record Tls(Path caFile, Path certFile, Path keyFile, boolean insecureSkipVerify) {
    }

    /** A registries file that cannot be used; the message names the file, the line and the key. */
    static final class InvalidRegistriesException extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidRegistriesException(String message) {
            super(message);
        }
    }

    /** No registries file: containerd's defaults. */
    static RegistriesFile none() {
        return new RegistriesFile(null, Map.of(), Map.of());
    }

    boolean isEmpty() {
        return mirrors.isEmpty() && configs.isEmpty();
    }

    /** Reads and validates the file; a missing file is an empty configuration, as in K3s. */
    static RegistriesFile read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new RegistriesFile(file, Map.of(), Map.of());
        }
        return parse(file, text);
    }

    static RegistriesFile parse(Path file, String text) throws InvalidRegistriesException {
        Node root;
        try (Reader reader = new StringReader(text)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            // getMessage() quotes the offending line, which may be a password: say only what and where
            var mark = e.getProblemMark();
            throw new InvalidRegistriesException(file + (mark == null ? "" : ":" + (mark.getLine() + 1) + ":"
                    + (mark.getColumn() + 1)) + ": not valid YAML: "
                    + (e.getContext() == null ? "" : e.getContext() + ", ") + e.getProblem());
        } catch (YAMLException | IOException e) {
            throw new InvalidRegistriesException(file + ": not valid YAML: " + e.getClass().getSimpleName());
        }
        return new Parser(file).file(root);
    }

    /** Walks the node tree; each method names the key path it is reading. */
    private record Parser(Path file) {
        RegistriesFile file(Node root) throws InvalidRegistriesException {
            Map<String, Mirror> mirrors = new LinkedHashMap<>();
            Map<String, Config> configs = new LinkedHashMap<>();
            if (root == null || isNull(root)) {
                return new RegistriesFile(file, mirrors, configs);
            }
            for (NodeTuple entry : mapping(root, "")) {
                String key = key(entry, "");
                Node value = entry.getValueNode();
                switch (key) {
                    case "mirrors" -> {
                        for (NodeTuple registry : mappingOrNull(value, "mirrors")) {
                            String host = registryKey(registry, "mirrors");
                            mirrors.put(host, mirror(registry.getValueNode(), "mirrors." + host));
                        }
                    }
                    case "configs" -> {
                        for (NodeTuple registry : mappingOrNull(value, "configs")) {
                            String host = registryKey(registry, "configs");
                            if (ANY_REGISTRY.equals(host)) {
                                throw invalid(registry.getKeyNode(), "configs.\"*\"", "a wildcard config is not "
                                        + "supported; name each registry host");
                            }
                            configs.put(host, config(registry.getValueNode(), "configs." + host));
                        }
                    }
                    default -> throw unknown(entry, "", "mirrors, configs");
                }
            }
            return new RegistriesFile(file, mirrors, configs);
        }

        private Mirror mirror(Node node, String path) throws InvalidRegistriesException {
            List<String> endpoints = new ArrayList<>();
            for (NodeTuple entry : mappingOrNull(node, path)) {
                String key = key(entry, path);
                Node value = entry.getValueNode();
                switch (key) {
                    case "endpoint" -> {
                        if (isNull(value)) {
                            continue;
                        }
                        if (!(value instanceof SequenceNode list)) {
                            throw invalid(value, path + ".endpoint", "must be a list of URLs");
                        }
                        for (int i = 0; i < list.getValue().size(); i++) {
                            Node item = list.getValue().get(i);
                            String where = path + ".endpoint[" + i + "]";
                            String endpoint = string(item, where);
                            try {
                                RegistryHosts.endpointUrl(endpoint);
                            } catch (IllegalArgumentException e) {
                                throw invalid(item, where, e.getMessage());
                            }
                            endpoints.add(endpoint);
                        }
                    }
                    case "rewrite" -> {
                        if (!isNull(value) && !(value instanceof MappingNode m && m.getValue().isEmpty())) {
                            throw invalid(entry.getKeyNode(), path + ".rewrite", "rewrites of registry "
                                    + path.substring("mirrors.".length()) + " need containerd 1.7 or K3s's fork; "
                                    + "this node's containerd 1.6 cannot rewrite repository names");
                        }
                    }
                    default -> throw unknown(entry, path, "endpoint, rewrite");
                }
            }
            return new Mirror(endpoints);
        }

        private Config config(Node node, String path) throws InvalidRegistriesException {
            Auth auth = null;
            Tls tls = null;
            for (NodeTuple entry : mappingOrNull(node, path)) {
                String key = key(entry, path);
                switch (key) {
                    case "auth" -> auth = auth(entry.getValueNode(), path + ".auth");
                    case "tls" -> tls = tls(entry.getValueNode(), path + ".tls");
                    default -> throw unknown(entry, path, "auth, tls");
                }
            }
            return new Config(auth, tls);
        }

        private Auth auth(Node node, String path) throws InvalidRegistriesException {
            if (isNull(node)) {
                return null;
            }
            String username = null;
            String password = null;
            String auth = null;
            String token = null;
            for (NodeTuple entry : mapping(node, path)) {
                String key = key(entry, path);
                Node value = entry.getValueNode();
                switch (key) {
                    case "username" -> username = string(value, path + ".username");
                    case "password" -> password = string(value, path + ".password");
                    case "auth" -> {
                        auth = string(value, path + ".auth");
                        try {
                            Base64.getDecoder().decode(auth);
                        } catch (IllegalArgumentException e) {
                            throw invalid(value, path + ".auth", "must be base64 of user:password");
                        }
                    }
                    case "identity_token" -> token = string(value, path + ".identity_token");
                    default -> throw unknown(entry, path, "username, password, auth, identity_token");
                }
            }
            return new Auth(username, password, auth, token);
        }

        private Tls tls(Node node, String path) throws InvalidRegistriesException {
            if (isNull(node)) {
                return null;
            }
            Path ca = null;
            Path cert = null;
            Path key = null;
            boolean skip = false;
            for (NodeTuple entry : mapping(node, path)) {
                String name = key(entry, path);
                Node value = entry.getValueNode();
                switch (name) {
                    case "ca_file" -> ca = existingFile(value, path + ".ca_file");
                    case "cert_file" -> cert = existingFile(value, path + ".cert_file");
                    case "key_file" -> key = existingFile(value, path + ".key_file");
                    case "insecure_skip_verify" -> {
                        if (!(value instanceof ScalarNode scalar) || !Tag.BOOL.equals(scalar.getTag())) {
                            throw invalid(value, path + ".insecure_skip_verify", "must be true or false");
                        }
                        skip = Boolean.parseBoolean(scalar.getValue().toLowerCase(Locale.ROOT));
                    }
                    default -> throw unknown(entry, path, "ca_file, cert_file, key_file, insecure_skip_verify");
                }
            }
            if (key != null && cert == null) {
                throw invalid(node, path, "key_file needs cert_file");
            }
            return new Tls(ca, cert, key, skip);
        }

        private Path existingFile(Node node, String path) throws InvalidRegistriesException {
            String text = string(node, path);
            Path base = file.toAbsolutePath().getParent();
            Path resolved = base == null ? Path.of(text) : base.resolve(text).normalize();
            if (!Files.isRegularFile(resolved)) {
                throw invalid(node, path, "no such file: " + resolved);
            }
            return resolved;
        }

        /** A registry host as a key: {@code *}, {@code host} or {@code host:port}, no scheme or path. */
        private String registryKey(NodeTuple entry, String path) throws InvalidRegistriesException {
            String host = key(entry, path);
            if (ANY_REGISTRY.equals(host)) {
                return host;
            }
            try {
                URI uri = new URI("//" + host);
                if (uri.getHost() == null || uri.getRawUserInfo() != null || !uri.getRawPath().isEmpty()
                        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    throw new URISyntaxException(host, "not a host");
                }
            } catch (URISyntaxException e) {
                throw invalid(entry.getKeyNode(), path + "." + host, "a registry is named by host or host:port "
                        + "(no scheme, no path), or \"*\"");
            }
            return host;
        }

        private List<NodeTuple> mappingOrNull(Node node, String path) throws InvalidRegistriesException {
            return isNull(node) ? List.of() : mapping(node, path);
        }

        private List<NodeTuple> mapping(Node node, String path) throws InvalidRegistriesException {
            if (!(node instanceof MappingNode map)) {
                throw invalid(node, path.isEmpty() ? "(top level)" : path, "must be a mapping");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (NodeTuple entry : map.getValue()) {
                if (!seen.add(key(entry, path))) {
                    throw invalid(entry.getKeyNode(), join(path, key(entry, path)), "appears twice");
                }
            }
            return map.getValue();
        }

        private String key(NodeTuple entry, String path) throws InvalidRegistriesException {
            if (!(entry.getKeyNode() instanceof ScalarNode scalar)) {
                throw invalid(entry.getKeyNode(), path, "keys must be plain strings");
            }
            return scalar.getValue();
        }

        /** The value of a string field; a non-scalar is refused without echoing it. */
        private String string(Node node, String path) throws InvalidRegistriesException {
            if (!(node instanceof ScalarNode scalar) || isNull(node)) {
                throw invalid(node, path, "must be a string");
            }
            return scalar.getValue();
        }

        private static boolean isNull(Node node) {
            return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
        }

        private InvalidRegistriesException unknown(NodeTuple entry, String path, String known)
                throws InvalidRegistriesException {
            String key = key(entry, path);
            return invalid(entry.getKeyNode(), join(path, key), "unknown key \"" + key + "\" (known: " + known + ")");
        }

        private InvalidRegistriesException invalid(Node node, String path, String problem) {
            return new InvalidRegistriesException(file + ":" + (node.getStartMark().getLine() + 1) + ": " + path
                    + ": " + problem);
        }

        private static String join(String path, String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }
}
