package io.karst.apiserver.storage;

import java.util.LinkedHashMap;
import java.util.Map;

import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.storage.encryption.EncryptionConfiguration;
import io.karst.apiserver.storage.encryption.PrefixTransformers;
import io.karst.apiserver.storage.encryption.StorageTransformer;
import io.karst.apiserver.storage.encryption.TransformException;

/**
 * The {@link StorageTransformer} of each datastore key prefix: what an encryption configuration names per resource,
 * found by the key every stored value comes with (so the watch cache and datastore watches, which see keys, not
 * resource types, decode the same way as gets and lists). Keys of other resources are stored as they are.
 */
public final class ValueTransformers {
    public static final ValueTransformers NONE = new ValueTransformers(Map.of());

    private final Map<String, PrefixTransformers> byKeyPrefix;

    private ValueTransformers(Map<String, PrefixTransformers> byKeyPrefix) {
        this.byKeyPrefix = Map.copyOf(byKeyPrefix);
    }

    /**
     * The transformers of a configuration, its resource names ({@code secrets}, {@code deployments.apps}) resolved
     * to key prefixes in the registry.
     *
     * @throws IllegalArgumentException for a resource the server does not serve
     */
    public static ValueTransformers of(EncryptionConfiguration configuration, ResourceRegistry registry) {
        Map<String, PrefixTransformers> byKeyPrefix = new LinkedHashMap<>();
        configuration.resources().forEach((resource, transformers) -> {
            boolean found = false;
            for (ResourceType type : registry.all()) {
                String name = type.group().isEmpty() ? type.plural() : type.plural() + "." + type.group();
                if (name.equals(resource) || (resource.equals(type.plural()) && type.group().isEmpty())) {
                    byKeyPrefix.putIfAbsent(type.keyPrefix(), transformers);
                    found = true;
                }
            }
            if (!found) {
                throw new IllegalArgumentException("the encryption configuration names resource \"" + resource
                        + "\", which this server does not serve (use plural.group, e.g. deployments.apps)");
            }
        });
        return new ValueTransformers(byKeyPrefix);
    }

    /** The transformers of the objects under one key prefix ({@code /registry/secrets/}); null when stored plain. */
    public PrefixTransformers forPrefix(String keyPrefix) {
        return byKeyPrefix.get(keyPrefix);
    }

    public Map<String, PrefixTransformers> all() {
        return byKeyPrefix;
    }

    /** The transformers of a key; null when its values are stored plain. */
    public PrefixTransformers ofKey(String key) {
        for (Map.Entry<String, PrefixTransformers> e : byKeyPrefix.entrySet()) {
            if (key.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    StorageTransformer forKey(String key) {
        if (!byKeyPrefix.isEmpty()) {
            for (Map.Entry<String, PrefixTransformers> e : byKeyPrefix.entrySet()) {
                if (key.startsWith(e.getKey())) {
                    return e.getValue();
                }
            }
        }
        return PLAIN;
    }

    /**
     * Keys without encryption: values as stored, but an encrypted one (the server started without the
     * configuration that wrote it) is refused naming its key rather than handed to the JSON parser, as upstream's
     * identity provider refuses encrypted data.
     */
    private static final StorageTransformer PLAIN = new StorageTransformer() {
        @Override
        public byte[] toStorage(byte[] plain, String key) {
            return plain;
        }

        @Override
        public byte[] fromStorage(byte[] stored, String key) {
            String mark = PrefixTransformers.prefixOf(stored);
            if (mark != null) {
                throw new TransformException("unable to transform key \"" + key + "\": it is encrypted with " + mark
                        + " and this server has no encryption configuration for it (karst server "
                        + "--secrets-encryption)");
            }
            return stored;
        }
    };
}
