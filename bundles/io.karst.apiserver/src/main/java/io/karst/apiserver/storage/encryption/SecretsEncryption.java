package io.karst.apiserver.storage.encryption;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.RangeResult;
import io.karst.api.datastore.RevisionConflictException;
import io.karst.api.datastore.KeyNotFoundException;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;
import io.karst.apiserver.storage.ValueTransformers;

/**
 * K3s's {@code --secrets-encryption} on a running server: the generated {@code encryption-config.json} (AES-CBC
 * for Secrets, then identity), its status, re-encryption of every Secret with the active key, and key rotation
 * (new key first, old key kept for reads, every Secret re-encrypted, then the old key dropped). The file is the
 * truth; the server's transformers are reloaded from it after each change.
 */
public final class SecretsEncryption {
    /** K3s's name of the first generated key. */
    public static final String FIRST_KEY = "aescbckey";
    private static final String SECRETS = "/registry/secrets/";
    private static final int PAGE = 500;
    private static final Logger LOG = LoggerFactory.getLogger(SecretsEncryption.class);
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path file;
    private final ObjectStore store;
    private final Supplier<KeyValueStore> kv;
    private final ResourceRegistry registry;
    private final SecureRandom random;
    private final Clock clock;
    private volatile String stage = "start";

    public SecretsEncryption(Path file, ObjectStore store, Supplier<KeyValueStore> kv, ResourceRegistry registry,
            SecureRandom random, Clock clock) {
        this.file = file;
        this.store = store;
        this.kv = kv;
        this.registry = registry;
        this.random = random;
        this.clock = clock;
    }

    /**
     * Writes a configuration with one new random key when there is no file yet, as K3s does at a first start with
     * {@code --secrets-encryption}; refused when the datastore already holds encrypted Secrets, which a new key
     * could never read (the file was lost, or the data dir was restored without it).
     */
    public void generateIfMissing() {
        if (Files.exists(file)) {
            return;
        }
        for (KeyValue secret : allSecrets()) {
            String mark = PrefixTransformers.prefixOf(secret.value());
            if (mark != null) {
                throw new IllegalArgumentException("encryption configuration " + file + " is missing, but Secret "
                        + secret.key() + " is encrypted with " + mark + ": restore the file; a new key could not "
                        + "read it");
            }
        }
        write(List.of(EncryptionConfiguration.NamedKey.random(FIRST_KEY, random)));
        LOG.info("Generated {} with a new AES-CBC key for Secrets", file);
    }

    /** Reads the file and makes the server use it. */
    public EncryptionConfiguration load() {
        EncryptionConfiguration configuration = EncryptionConfiguration.read(file, random);
        store.transformers(ValueTransformers.of(configuration, registry));
        return configuration;
    }

    public Status status() {
        EncryptionConfiguration configuration = EncryptionConfiguration.read(file, random);
        PrefixTransformers secrets = configuration.resources().get("secrets");
        List<PrefixTransformers.Provider> keys = secrets == null ? List.of()
                : secrets.providers().stream().filter(p -> !p.identity()).toList();
        int total = 0;
        int active = 0;
        int plain = 0;
        for (KeyValue secret : allSecrets()) {
            total++;
            if (secrets != null && secrets.writtenByWriter(secret.value())) {
                active++;
            } else if (PrefixTransformers.prefixOf(secret.value()) == null) {
                plain++;
            }
        }
        boolean enabled = secrets != null && !secrets.writer().identity();
        return new Status(enabled, stage, fileHash(), keys, total, active, total - active - plain, plain);
    }

    /**
     * Rewrites every Secret not stored with the active key (plaintext, older keys) with it. Each rewrite is a
     * compare-and-swap on the revision read, so a concurrent write (which uses the active key anyway) wins.
     *
     * @return the Secrets rewritten
     */
    public synchronized int reencrypt() {
        stage = "reencrypt_active";
        int rewritten = 0;
        for (KeyValue secret : allSecrets()) {
            PrefixTransformers transformers = store.transformers().ofKey(secret.key());
            if (transformers == null || transformers.writtenByWriter(secret.value())) {
                continue;
            }
            try {
                byte[] value = store.encode(secret.key(), store.decode(secret));
                kv.get().update(secret.key(), value, secret.modRevision(), secret.lease());
                rewritten++;
            } catch (RevisionConflictException | KeyNotFoundException changedMeanwhile) {
                // written or deleted since the list: the writer used the active key
            } catch (ApiException unreadable) {
                LOG.warn("Cannot re-encrypt {}: {}", secret.key(), unreadable.getMessage());
            }
        }
        stage = "reencrypt_finished";
        LOG.info("Re-encrypted {} Secrets with {}", rewritten, activePrefix());
        return rewritten;
    }

    /**
     * K3s's {@code rotate-keys}: a new key becomes the active one with the old ones kept for reads, every Secret is
     * re-encrypted, and the old keys are dropped once no Secret needs them.
     */
    public synchronized Rotation rotateKeys() {
        List<EncryptionConfiguration.NamedKey> old = currentKeys();
        String name = FIRST_KEY + "-" + KEY_TIME.format(clock.instant());
        List<EncryptionConfiguration.NamedKey> both = new ArrayList<>();
        both.add(EncryptionConfiguration.NamedKey.random(name, random));
        both.addAll(old);
        write(both);
        load();
        LOG.info("Secrets encryption key {} added before {}", name, old.stream().map(k -> k.name()).toList());
        int rewritten = reencrypt();
        Status status = status();
        if (status.olderKeys() > 0) {
            stage = "reencrypt_active";
            throw new IllegalStateException(status.olderKeys() + " Secrets are still encrypted with an older key; "
                    + "the old keys stay in " + file + " (run reencrypt again)");
        }
        write(List.of(both.get(0)));
        load();
        LOG.info("Secrets encryption keys {} removed", old.stream().map(k -> k.name()).toList());
        return new Rotation(name, old.stream().map(EncryptionConfiguration.NamedKey::name).toList(), rewritten);
    }

    private String activePrefix() {
        PrefixTransformers secrets = store.transformers().forPrefix(SECRETS);
        return secrets == null ? "identity" : secrets.writer().prefix();
    }

    /** The AES-CBC keys of the file, active first; only K3s's own shape of the file can be rotated. */
    private List<EncryptionConfiguration.NamedKey> currentKeys() {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        JsonNode resources = root.path("resources");
        JsonNode providers = resources.path(0).path("providers");
        if (resources.size() != 1 || !resources.path(0).path("resources").toString().equals("[\"secrets\"]")
                || providers.size() != 2 || !providers.path(0).has("aescbc") || !providers.path(1).has("identity")) {
            throw new IllegalStateException(file + " is not the generated shape (secrets: aescbc, identity); rotate "
                    + "the keys of a hand-written configuration by hand");
        }
        List<EncryptionConfiguration.NamedKey> keys = new ArrayList<>();
        for (JsonNode key : providers.path(0).path("aescbc").path("keys")) {
            keys.add(new EncryptionConfiguration.NamedKey(key.path("name").asText(),
                    java.util.Base64.getDecoder().decode(key.path("secret").asText())));
        }
        return keys;
    }

    private void write(List<EncryptionConfiguration.NamedKey> keys) {
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        try {
            Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, EncryptionConfiguration.aescbcSecrets(keys));
            try {
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e, e);
        }
    }

    /** Every stored Secret, as stored, read page by page at one revision. */
    private List<KeyValue> allSecrets() {
        KeyValueStore store = kv.get();
        if (store == null) {
            throw new IllegalStateException("the datastore is not available");
        }
        List<KeyValue> all = new ArrayList<>();
        String continueKey = null;
        long revision = 0;
        do {
            RangeResult page = store.range(SECRETS, revision, PAGE, continueKey);
            all.addAll(page.kvs());
            revision = page.revision();
            continueKey = page.continueKey();
        } while (continueKey != null);
        return all;
    }

    private String fileHash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readString(file)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    /**
     * @param keys the keys of Secrets, active first
     * @param activeKey Secrets stored with the active key; {@code olderKeys} with another; {@code plaintext} not
     *        encrypted
     */
    public record Status(boolean enabled, String stage, String configHash, List<PrefixTransformers.Provider> keys,
            int secrets, int activeKey, int olderKeys, int plaintext) {
    }

    /** The outcome of a rotation. */
    public record Rotation(String newKey, List<String> removedKeys, int reencrypted) {
    }
}
