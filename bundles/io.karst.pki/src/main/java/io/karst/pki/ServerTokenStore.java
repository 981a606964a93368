package io.karst.pki;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * The server token in {@code server/token} and {@code server/node-token}. The secret is what identifies the
 * cluster; the CA hash in front of it is derived from {@code server-ca.crt}. Another process (the offline
 * {@code karst token rotate}) may rewrite the files, so they are read again whenever they change.
 */
public final class ServerTokenStore {
    /** K3s generates 16 random bytes, written as 32 hex characters. */
    private static final int GENERATED_SECRET_LENGTH = 32;

    private final Path tokenFile;
    private final Path nodeTokenFile;
    private final String caHash;
    private volatile String secret;
    private volatile Optional<FileStamp> stamp;

    private ServerTokenStore(Path tokenFile, Path nodeTokenFile, String caHash, String secret) {
        this.tokenFile = tokenFile;
        this.nodeTokenFile = nodeTokenFile;
        this.caHash = caHash;
        this.secret = secret;
        this.stamp = Optional.empty();
    }

    /**
     * Reads the server token, or creates it from {@code configured} (a full token or a bare secret) or a random
     * secret on first start.
     *
     * @throws IllegalStateException when the configured token is for another CA, or differs from the one on disk
     */
    public static ServerTokenStore open(PkiLayout layout, String caHash, Optional<String> configured,
            SecureRandom random) {
        Path tokenFile = layout.token();
        Optional<String> configuredSecret = configured.filter(t -> !t.isBlank())
                .map(t -> configuredSecret(t, caHash, layout.certificate(ClusterCa.SERVER.service())));
        String secret;
        if (Files.exists(tokenFile)) {
            secret = readSecret(tokenFile);
            if (configuredSecret.isPresent() && !TokenFormat.sameSecret(configuredSecret.get(), secret)) {
                throw new IllegalStateException("the server token in " + tokenFile
                        + " differs from the configured --token; start with the original token, or change it with"
                        + " 'karst token rotate' before changing the configuration");
            }
        } else {
            secret = configuredSecret.orElseGet(() -> RandomStrings.hex(random, GENERATED_SECRET_LENGTH));
        }
        ServerTokenStore store = new ServerTokenStore(tokenFile, layout.nodeToken(), caHash, secret);
        // Also repairs a missing node-token, or a token whose hash predates a replaced CA: the secret is kept.
        store.writeIfDifferent();
        return store;
    }

    /** The full secure token, {@code K10<ca hash>::server:<secret>}. */
    public String token() {
        refresh();
        return TokenFormat.serverToken(caHash, secret);
    }

    /** Whether the presented token carries this server's secret (and, in secure form, this CA's hash). */
    public boolean matches(PresentedToken presented) {
        refresh();
        if (presented.caHash().isPresent() && !TokenFormat.sameSecret(presented.caHash().get(), caHash)) {
            return false;
        }
        return presented.serverSecret().map(s -> TokenFormat.sameSecret(s, secret)).orElse(false);
    }

    /**
     * Replaces the secret after checking the current token.
     *
     * @return the new full token
     * @throws IllegalArgumentException when {@code currentToken} does not match or {@code newSecret} is unusable
     */
    public synchronized String rotate(String currentToken, String newSecret) {
        if (currentToken == null || !matches(PresentedToken.parse(currentToken))) {
            throw new IllegalArgumentException("the current token does not match the server token");
        }
        requireUsableSecret(newSecret);
        secret = newSecret;
        writeIfDifferent();
        return token();
    }

    private static void requireUsableSecret(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the new server token secret is empty");
        }
        if (secret.contains(":")) {
            throw new IllegalArgumentException("the new server token secret must not contain ':'");
        }
        if (!secret.equals(secret.strip()) || secret.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the new server token secret must not contain white space");
        }
    }

    private synchronized void refresh() {
        Optional<FileStamp> now = FileStamp.of(tokenFile);
        // A deleted file leaves the last known secret in force until it is written again.
        if (now.isPresent() && !now.equals(stamp)) {
            secret = readSecret(tokenFile);
            stamp = now;
        }
    }

    private synchronized void writeIfDifferent() {
        byte[] content = (TokenFormat.serverToken(caHash, secret) + "\n").getBytes(StandardCharsets.UTF_8);
        for (Path file : new Path[] { tokenFile, nodeTokenFile }) {
            if (!Files.exists(file) || !Arrays.equals(AtomicFiles.read(file), content)) {
                AtomicFiles.write(file, content, AtomicFiles.OWNER_ONLY);
            }
        }
        stamp = FileStamp.of(tokenFile);
    }

    private static String configuredSecret(String configured, String caHash, Path caFile) {
        PresentedToken token = PresentedToken.parse(configured);
        if (token.caHash().isPresent() && !token.caHash().get().equalsIgnoreCase(caHash)) {
            throw new IllegalStateException("the configured --token carries CA hash " + token.caHash().get()
                    + " but this server's CA " + caFile + " hashes to " + caHash
                    + "; the token belongs to another cluster or the CA was replaced (configure the bare secret,"
                    + " or the token printed by this server)");
        }
        return token.serverSecret().orElseThrow(() -> new IllegalStateException(
                "the configured --token is neither a server token nor a bare secret (it must not contain ':')"));
    }

    private static String readSecret(Path file) {
        String content = new String(AtomicFiles.read(file), StandardCharsets.UTF_8).strip();
        return PresentedToken.parse(content).serverSecret()
                .orElseThrow(() -> new IllegalStateException(file + ": does not hold a server token"));
    }
}
