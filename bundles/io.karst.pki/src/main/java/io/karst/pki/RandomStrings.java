package io.karst.pki;

import java.security.SecureRandom;

/** Random secrets and identifiers from a cryptographically strong source. */
public final class RandomStrings {
    private static final String HEX = "0123456789abcdef";
    private static final String LOWER_ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";

    private RandomStrings() {
    }

    /** {@code length} lower-case hex characters, K3s's form of a generated server token secret. */
    public static String hex(SecureRandom random, int length) {
        return pick(random, HEX, length);
    }

    /** {@code length} characters of {@code [a-z0-9]}, the alphabet of bootstrap token ids and secrets. */
    public static String lowerAlphanumeric(SecureRandom random, int length) {
        return pick(random, LOWER_ALPHANUMERIC, length);
    }

    private static String pick(SecureRandom random, String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
