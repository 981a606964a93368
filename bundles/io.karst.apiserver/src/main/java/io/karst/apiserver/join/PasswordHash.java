package io.karst.apiserver.join;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, slow hashes of node passwords, JDK only: {@code $pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64
 * without padding), PBKDF2 with HMAC-SHA256. The iteration count travels with each hash, so it can be raised
 * later without breaking stored ones.
 */
final class PasswordHash {
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; a join pays it once, an attacker for every guess. */
    static final int DEFAULT_ITERATIONS = 600_000;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    /** Stored hashes claiming more than this are refused rather than computed: a bound on the work a Secret asks. */
    private static final int MAX_ITERATIONS = 10_000_000;

    private final int iterations;
    private final SecureRandom random;

    PasswordHash(int iterations, SecureRandom random) {
        this.iterations = iterations;
        this.random = random;
    }

    /** A new hash of {@code password} with a fresh salt. */
    String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$" + SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, iterations));
    }

    /**
     * Whether {@code password} is the one {@code stored} was made from, compared in constant time.
     *
     * @return empty when {@code stored} is not a hash this class can check
     */
    static Optional<Boolean> matches(String password, String stored) {
        String[] parts = stored.split("\\$", -1);
        if (parts.length != 5 || !parts[0].isEmpty() || !parts[1].equals(SCHEME)) {
            return Optional.empty();
        }
        try {
            int iterations = Integer.parseInt(parts[2]);
            byte[] salt = Base64.getDecoder().decode(parts[3]);
            byte[] expected = Base64.getDecoder().decode(parts[4]);
            if (iterations < 1 || iterations > MAX_ITERATIONS || salt.length == 0 || expected.length == 0) {
                return Optional.empty();
            }
            return Optional.of(MessageDigest.isEqual(expected, derive(password, salt, iterations)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        // The JDK's PBKDF2 feeds the password to HMAC as UTF-8, so any script hashes the same on every JVM.
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
