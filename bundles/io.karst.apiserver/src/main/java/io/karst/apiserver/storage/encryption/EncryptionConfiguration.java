package io.karst.apiserver.storage.encryption;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * An {@code apiserver.config.k8s.io/v1 EncryptionConfiguration} file (JSON or YAML, as upstream reads it): per list
 * of resources, the providers in order. Supported providers are {@code aescbc}, {@code aesgcm} and
 * {@code identity}; any other (kms, secretbox) is refused by name, so a file is never half understood.
 */
public final class EncryptionConfiguration {
    private final Map<String, PrefixTransformers> byResource;

    private EncryptionConfiguration(Map<String, PrefixTransformers> byResource) {
        this.byResource = byResource;
    }

    /** The providers of each resource ({@code secrets}, {@code deployments.apps}), in the file's order. */
    public Map<String, PrefixTransformers> resources() {
        return byResource;
    }

    /**
     * Reads and checks a file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static EncryptionConfiguration read(Path file, SecureRandom random) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("encryption configuration " + file + " does not exist");
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new IllegalArgumentException("encryption configuration " + file
                        + " must be readable by its owner only (mode 0600)");
            }
            return parse(Files.readString(file), random);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read encryption configuration " + file + ": " + e.getMessage(),
                    e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains(file.toString())) {
                throw e;
            }
            throw new IllegalArgumentException("encryption configuration " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the text of a configuration with the system's secure random source. */
    public static EncryptionConfiguration parseText(String text) {
        return parse(text, new SecureRandom());
    }

    static EncryptionConfiguration parse(String text, SecureRandom random) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON or YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !"EncryptionConfiguration".equals(root.path("kind").asText())
                || !root.path("apiVersion").asText().startsWith("apiserver.config.k8s.io/")) {
            throw new IllegalArgumentException("expected kind EncryptionConfiguration of apiserver.config.k8s.io/v1");
        }
        Map<String, PrefixTransformers> byResource = new LinkedHashMap<>();
        for (JsonNode entry : root.path("resources")) {
            List<PrefixTransformers.Provider> providers = new ArrayList<>();
            for (JsonNode provider : entry.path("providers")) {
                providers.addAll(providers(provider, random));
            }
            if (providers.isEmpty()) {
                throw new IllegalArgumentException("a resources entry has no providers");
            }
            PrefixTransformers transformers = new PrefixTransformers(providers);
            for (JsonNode resource : entry.path("resources")) {
                String name = resource.asText();
                if (byResource.putIfAbsent(name, transformers) != null) {
                    throw new IllegalArgumentException("resource \"" + name + "\" is listed twice");
                }
            }
        }
        if (byResource.isEmpty()) {
            throw new IllegalArgumentException("no resources are listed");
        }
        return new EncryptionConfiguration(byResource);
    }

    private static List<PrefixTransformers.Provider> providers(JsonNode provider, SecureRandom random) {
        if (provider.size() != 1) {
            throw new IllegalArgumentException("each provider names exactly one type");
        }
        String type = provider.fieldNames().next();
        if (type.equals("identity")) {
            return List.of(PrefixTransformers.Provider.identityProvider());
        }
        if (!type.equals("aescbc") && !type.equals("aesgcm")) {
            throw new IllegalArgumentException("provider type \"" + type + "\" is not supported (aescbc, aesgcm, "
                    + "identity are)");
        }
        List<PrefixTransformers.Provider> keys = new ArrayList<>();
        for (JsonNode key : provider.get(type).path("keys")) {
            String name = key.path("name").asText();
            if (name.isEmpty()) {
                throw new IllegalArgumentException(type + " key without a name");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(key.path("secret").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(type + " key \"" + name + "\": secret is not base64");
            }
            try {
                StorageTransformer transformer = type.equals("aescbc") ? new AesCbcTransformer(secret, random)
                        : new AesGcmTransformer(secret, random);
                keys.add(new PrefixTransformers.Provider(type, name, transformer));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(type + " key \"" + name + "\": " + e.getMessage());
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(type + " lists no keys");
        }
        return keys;
    }

    /** The text of a configuration that encrypts {@code secrets} with these AES-CBC keys (first writes), then identity. */
    public static String aescbcSecrets(List<NamedKey> keys) {
        ObjectMapper json = new ObjectMapper();
        var root = json.createObjectNode();
        root.put("kind", "EncryptionConfiguration");
        root.put("apiVersion", "apiserver.config.k8s.io/v1");
        var entry = root.putArray("resources").addObject();
        entry.putArray("resources").add("secrets");
        var providers = entry.putArray("providers");
        var keyArray = providers.addObject().putObject("aescbc").putArray("keys");
        for (NamedKey key : keys) {
            keyArray.addObject().put("name", key.name()).put("secret", Base64.getEncoder().encodeToString(key.secret()));
        }
        providers.addObject().putObject("identity");
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An AES key and its name in the file. */
    public record NamedKey(String name, byte[] secret) {
        public static NamedKey random(String name, SecureRandom random) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            return new NamedKey(name, secret);
        }
    }
}
