package io.karst.apiserver.validation;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * Turns a {@code metadata.generateName} into a name as upstream's simple name generator does: the base cut to 58
 * characters, then five characters from an alphabet without vowels (so no words appear) and without look-alikes.
 */
public final class NameGenerator {
    public static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    public static final int RANDOM_LENGTH = 5;
    public static final int MAX_BASE_LENGTH = 63 - RANDOM_LENGTH;

    private final RandomGenerator random;

    public NameGenerator() {
        this(new SecureRandom());
    }

    public NameGenerator(RandomGenerator random) {
        this.random = random;
    }

    public String generate(String base) {
        String b = base.length() > MAX_BASE_LENGTH ? base.substring(0, MAX_BASE_LENGTH) : base;
        StringBuilder sb = new StringBuilder(b.length() + RANDOM_LENGTH).append(b);
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** The random part alone, e.g. for the {@code kube-api-access-xxxxx} volume name. */
    public String suffix() {
        return generate("");
    }
}
