package io.karst.pki;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * K3s's secure token form {@code K10<sha256 of the CA bundle>::<credentials>}: the hash lets a joining node
 * pin the server CA before it trusts anything the server sends.
 */
public final class TokenFormat {
    /** The prefix of the secure form; "10" is the format version K3s chose. */
    public static final String PREFIX = "K10";
    /** The user name of the server token's credentials. */
    public static final String SERVER_USER = "server";

    private TokenFormat() {
    }

    /** Lower-case hex SHA-256 of the exact CA bundle bytes, as agents compute it over {@code /cacerts}. */
    public static String caHash(byte[] caBundle) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(caBundle));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** {@code K10<caHash>::server:<secret>} */
    public static String serverToken(String caHash, String secret) {
        return PREFIX + caHash + "::" + SERVER_USER + ":" + secret;
    }

    /** {@code K10<caHash>::<id>.<secret>} */
    public static String bootstrapToken(String caHash, String id, String secret) {
        return PREFIX + caHash + "::" + id + "." + secret;
    }

    /** Compares secrets in time independent of where they differ, so timing tells an attacker nothing. */
    public static boolean sameSecret(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
