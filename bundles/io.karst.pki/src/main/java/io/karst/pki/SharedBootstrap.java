package io.karst.pki;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import io.karst.api.datastore.KeyExistsException;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;

/**
 * What servers sharing one external datastore must share, as K3s's bootstrap data: the cluster CAs and the
 * service-account key, kept in the datastore under {@code /bootstrap/<id>} encrypted with the server token's
 * secret (AES-256-GCM, key by PBKDF2), so that only servers given the cluster's token can read it. The first server
 * publishes what it generated; every later one restores it into its data dir before its PKI is opened, and then
 * makes only its own leaves (serving certificate, admin and node certificates) from the shared CAs.
 */
public final class SharedBootstrap {
    static final String PREFIX = "/bootstrap/";
    private static final byte[] MAGIC = "KBS1".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final int ITERATIONS = 100_000;

    private final KeyValueStore store;
    private final PkiLayout layout;
    private final String secret;

    private SharedBootstrap(KeyValueStore store, PkiLayout layout, String secret) {
        this.store = store;
        this.layout = layout;
        this.secret = secret;
    }

    /**
     * The secret this server's bootstrap data is under: the configured token's, else the one on disk, else, for the
     * first server of a cluster, a new one (then no other cluster's data may be in the datastore).
     *
     * @throws IllegalStateException when this server has no token and the datastore already serves a cluster
     */
    static SharedBootstrap forServer(KeyValueStore store, PkiLayout layout, Optional<String> configuredToken,
            SecureRandom random) {
        Optional<String> secret = configuredToken.flatMap(t -> PresentedToken.parse(t).serverSecret());
        if (secret.isEmpty() && Files.exists(layout.token())) {
            secret = PresentedToken.parse(new String(AtomicFiles.read(layout.token()), StandardCharsets.UTF_8))
                    .serverSecret();
        }
        if (secret.isEmpty()) {
            if (!store.range(PREFIX, 0, 1, null).kvs().isEmpty()) {
                throw new IllegalStateException("the datastore already holds a Karst cluster: start this server "
                        + "with that cluster's token (--token, as printed in the first server's "
                        + "<data-dir>/server/token)");
            }
            secret = Optional.of(RandomStrings.hex(random, 32));
        }
        return new SharedBootstrap(store, layout, secret.get());
    }

    /** The server secret to open the token store with (so a generated one is the one the data is under). */
    String secret() {
        return secret;
    }

    /** The files servers share: the CAs' certificates and keys and the service-account key pair. */
    List<Path> sharedFiles() {
        List<Path> files = new ArrayList<>();
        for (ClusterCa ca : ClusterCa.values()) {
            files.add(layout.certificate(ca.service()));
            files.add(layout.key(ca.service()));
        }
        files.add(layout.serviceAccountKey());
        files.add(layout.serviceAccountPublicKey());
        return files;
    }

    private String key() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest, 0, 6);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Before the PKI is opened: writes the cluster's shared files into the data dir when the datastore has them.
     *
     * @return whether the cluster's data was there
     * @throws IllegalStateException when the datastore holds another cluster (another token), or this server has
     *         its own CA that is not the cluster's
     */
    boolean restore() {
        Optional<KeyValue> published = store.get(key());
        if (published.isEmpty()) {
            if (!store.range(PREFIX, 0, 1, null).kvs().isEmpty()) {
                throw new IllegalStateException("the datastore holds another Karst cluster, whose servers have "
                        + "another token: start this server with that cluster's --token");
            }
            return false;
        }
        Map<String, byte[]> files = decrypt(published.get().value());
        for (Path file : sharedFiles()) {
            byte[] shared = files.get(layout.dataDir().relativize(file).toString());
            if (shared == null) {
                continue;
            }
            if (Files.exists(file) && !Arrays.equals(AtomicFiles.read(file), shared)) {
                throw new IllegalStateException(file + " is not the cluster's: this server made its own PKI before "
                        + "it joined the shared datastore; move " + layout.tlsDir() + " away and start again");
            }
            if (!Files.exists(file)) {
                AtomicFiles.write(file, shared, file.toString().endsWith(".key") ? AtomicFiles.OWNER_ONLY
                        : AtomicFiles.WORLD_READABLE);
            }
        }
        return true;
    }

    /**
     * After the first server made its PKI: publishes the shared files, unless another server did at the same time.
     *
     * @return false when another server published first (this one must then take theirs)
     */
    boolean publish(SecureRandom random) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Path file : sharedFiles()) {
            if (Files.exists(file)) {
                files.put(layout.dataDir().relativize(file).toString(), AtomicFiles.read(file));
            }
        }
        try {
            store.create(key(), encrypt(files, random), 0);
            return true;
        } catch (KeyExistsException raced) {
            return false;
        }
    }

    /** Another server published first: this one's fresh PKI goes, so the next open restores theirs. */
    void discardOwnPki() throws IOException {
        try (var files = Files.list(layout.tlsDir())) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private byte[] encrypt(Map<String, byte[]> files, SecureRandom random) {
        try {
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(plain);
            out.writeInt(files.size());
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
            byte[] salt = new byte[SALT_BYTES];
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(salt);
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, aesKey(salt), new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(plain.toByteArray());
            return ByteBuffer.allocate(MAGIC.length + SALT_BYTES + NONCE_BYTES + sealed.length).put(MAGIC).put(salt)
                    .put(nonce).put(sealed).array();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal the cluster's bootstrap data: " + e.getMessage(), e);
        }
    }

    private Map<String, byte[]> decrypt(byte[] value) {
        if (value.length < MAGIC.length + SALT_BYTES + NONCE_BYTES
                || !Arrays.equals(Arrays.copyOf(value, MAGIC.length), MAGIC)) {
            throw new IllegalStateException(key() + " in the datastore is not Karst bootstrap data");
        }
        ByteBuffer in = ByteBuffer.wrap(value, MAGIC.length, value.length - MAGIC.length);
        byte[] salt = new byte[SALT_BYTES];
        byte[] nonce = new byte[NONCE_BYTES];
        in.get(salt).get(nonce);
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, aesKey(salt), new GCMParameterSpec(128, nonce));
            DataInputStream data = new DataInputStream(new ByteArrayInputStream(cipher.doFinal(sealed)));
            Map<String, byte[]> files = new LinkedHashMap<>();
            int count = data.readInt();
            for (int i = 0; i < count; i++) {
                String name = data.readUTF();
                byte[] content = new byte[data.readInt()];
                data.readFully(content);
                files.put(name, content);
            }
            return files;
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("the cluster's bootstrap data cannot be opened with this server's token",
                    e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the cluster's bootstrap data: " + e.getMessage(), e);
        }
    }

    private SecretKeySpec aesKey(byte[] salt) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, ITERATIONS, 256);
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        return new SecretKeySpec(key, "AES");
    }
}
