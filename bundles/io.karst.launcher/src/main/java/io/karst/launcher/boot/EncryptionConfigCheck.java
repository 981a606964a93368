package io.karst.launcher.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.karst.launcher.config.ConfigException;

/**
 * Checks the encryption configuration of {@code --secrets-encryption} before the server starts, so that a bad
 * file stops {@code karst server} with one clear line and nothing written, rather than a server whose API never
 * becomes ready. A missing file is fine: the server generates it at its first start (and refuses to when the
 * datastore already holds encrypted Secrets). The API server reads the file again, completely.
 */
final class EncryptionConfigCheck {
    private EncryptionConfigCheck() {
    }

    static void check(Path file) throws ConfigException {
        if (!Files.exists(file)) {
            return;
        }
        try {
            for (PosixFilePermission p : Files.getPosixFilePermissions(file)) {
                if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                    throw bad(file, "it must be readable by its owner only (chmod 600)");
                }
            }
            Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            if (!(root instanceof Map<?, ?> map) || !"EncryptionConfiguration".equals(map.get("kind"))) {
                throw bad(file, "expected kind EncryptionConfiguration of apiserver.config.k8s.io/v1");
            }
            if (!(map.get("resources") instanceof List<?> resources) || resources.isEmpty()) {
                throw bad(file, "no resources are listed");
            }
            for (Object entry : resources) {
                if (!(entry instanceof Map<?, ?> e) || !(e.get("providers") instanceof List<?> providers)
                        || providers.isEmpty()) {
                    throw bad(file, "a resources entry has no providers");
                }
                for (Object provider : providers) {
                    checkProvider(file, provider);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw bad(file, e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static void checkProvider(Path file, Object provider) throws ConfigException {
        if (!(provider instanceof Map<?, ?> p) || p.size() != 1) {
            throw bad(file, "each provider names exactly one type");
        }
        Object type = p.keySet().iterator().next();
        if (type.equals("identity")) {
            return;
        }
        if (!type.equals("aescbc") && !type.equals("aesgcm")) {
            throw bad(file, "provider type \"" + type + "\" is not supported (aescbc, aesgcm, identity are)");
        }
        if (!(p.get(type) instanceof Map<?, ?> body) || !(body.get("keys") instanceof List<?> keys) || keys.isEmpty()) {
            throw bad(file, type + " lists no keys");
        }
        for (Object key : keys) {
            Object name = key instanceof Map<?, ?> k ? k.get("name") : null;
            Object secret = key instanceof Map<?, ?> k ? k.get("secret") : null;
            if (name == null || name.toString().isEmpty() || secret == null) {
                throw bad(file, type + " key without a name or secret");
            }
            int length;
            try {
                length = Base64.getDecoder().decode(secret.toString()).length;
            } catch (IllegalArgumentException e) {
                throw bad(file, type + " key \"" + name + "\": secret is not base64");
            }
            if (length != 16 && length != 24 && length != 32) {
                throw bad(file, type + " key \"" + name + "\": an AES key is 16, 24 or 32 bytes, not " + length);
            }
        }
    }

    private static ConfigException bad(Path file, String why) {
        return new ConfigException("encryption configuration " + file + ": " + why);
    }
}
