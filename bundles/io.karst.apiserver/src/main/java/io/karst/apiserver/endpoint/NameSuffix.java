package io.karst.apiserver.endpoint;

import java.security.SecureRandom;

/**
 * {@code generateName}: the prefix, cut to leave room, plus five characters from the alphabet upstream uses
 * (no vowels, no look-alike digits, so generated names never spell words or confuse readers).
 */
final class NameSuffix {
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int MAX_NAME = 63;
    private static final int SUFFIX = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    private NameSuffix() {
    }

    static String generate(String prefix) {
        String base = prefix.length() > MAX_NAME - SUFFIX ? prefix.substring(0, MAX_NAME - SUFFIX) : prefix;
        StringBuilder name = new StringBuilder(base);
        for (int i = 0; i < SUFFIX; i++) {
            name.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return name.toString();
    }
}
