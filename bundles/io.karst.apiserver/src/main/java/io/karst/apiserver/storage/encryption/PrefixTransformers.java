package io.karst.apiserver.storage.encryption;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Upstream's {@code value.PrefixTransformers}: the providers of one resource in configuration order. Writes use the
 * first; a read is given to the provider whose prefix ({@code k8s:enc:<type>:v1:<key name>:}) the stored value
 * starts with, and a value without the {@code k8s:enc:} mark to {@code identity} when it is listed, which is how
 * Secrets written before encryption was turned on stay readable.
 */
public final class PrefixTransformers implements StorageTransformer {
    /** What every encrypted value starts with. */
    public static final String ENCRYPTED_MARK = "k8s:enc:";

    private final List<Provider> providers;
    private final boolean identityListed;

    public PrefixTransformers(List<Provider> providers) {
        if (providers.isEmpty()) {
            throw new IllegalArgumentException("no providers");
        }
        this.providers = List.copyOf(providers);
        this.identityListed = providers.stream().anyMatch(Provider::identity);
    }

    public List<Provider> providers() {
        return providers;
    }

    /** The provider writes go through. */
    public Provider writer() {
        return providers.get(0);
    }

    @Override
    public byte[] toStorage(byte[] plain, String key) {
        Provider writer = writer();
        if (writer.identity()) {
            return plain;
        }
        byte[] prefix = writer.prefix().getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = writer.transformer().toStorage(plain, key);
        byte[] out = new byte[prefix.length + sealed.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(sealed, 0, out, prefix.length, sealed.length);
        return out;
    }

    @Override
    public byte[] fromStorage(byte[] stored, String key) {
        for (Provider provider : providers) {
            if (!provider.identity() && startsWith(stored, provider.prefix())) {
                int skip = provider.prefix().length();
                byte[] sealed = Arrays.copyOfRange(stored, skip, stored.length);
                try {
                    return provider.transformer().fromStorage(sealed, key);
                } catch (TransformException e) {
                    throw new TransformException("unable to transform key \"" + key + "\": " + provider.type()
                            + " key \"" + provider.keyName() + "\": " + e.getMessage(), e);
                }
            }
        }
        String mark = prefixOf(stored);
        if (mark != null) {
            throw new TransformException("unable to transform key \"" + key + "\": it is encrypted with " + mark
                    + " and the encryption configuration has no such key");
        }
        if (!identityListed) {
            throw new TransformException("unable to transform key \"" + key + "\": the value is not encrypted and "
                    + "the encryption configuration does not list the identity provider");
        }
        return stored;
    }

    /**
     * Whether a stored value was written by the current write provider; when not (plaintext, an older key), it is
     * stale, as upstream calls it, and an update rewrites it even when the object did not change.
     */
    public boolean writtenByWriter(byte[] stored) {
        Provider writer = writer();
        return writer.identity() ? prefixOf(stored) == null : startsWith(stored, writer.prefix());
    }

    /**
     * What a stored value says encrypted it, {@code <type> key "<name>"}; null for a value without the
     * {@code k8s:enc:} mark.
     */
    public static String prefixOf(byte[] stored) {
        if (!startsWith(stored, ENCRYPTED_MARK)) {
            return null;
        }
        // k8s:enc:<type>:v1:<name>:
        int end = ENCRYPTED_MARK.length();
        int colons = 0;
        while (end < stored.length && end < 300 && colons < 3) {
            if (stored[end] == ':') {
                colons++;
            }
            end++;
        }
        String[] parts = new String(stored, ENCRYPTED_MARK.length(), end - ENCRYPTED_MARK.length(),
                StandardCharsets.US_ASCII).split(":", -1);
        if (colons < 3 || parts.length < 3) {
            return "an unreadable k8s:enc: prefix";
        }
        return parts[0] + " " + parts[1] + " key \"" + parts[2] + "\"";
    }

    private static boolean startsWith(byte[] value, String prefix) {
        if (value.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (value[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * One provider and key of the configuration.
     *
     * @param type {@code aescbc}, {@code aesgcm} or {@code identity}
     * @param keyName the key's name; empty for identity
     */
    public record Provider(String type, String keyName, StorageTransformer transformer) {
        public static Provider identityProvider() {
            return new Provider("identity", "", StorageTransformer.IDENTITY);
        }

        public boolean identity() {
            return type.equals("identity");
        }

        /** {@code k8s:enc:aescbc:v1:<name>:}; empty for identity. */
        public String prefix() {
            return identity() ? "" : ENCRYPTED_MARK + type + ":v1:" + keyName + ":";
        }
    }
}
