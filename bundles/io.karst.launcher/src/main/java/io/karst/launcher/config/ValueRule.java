package io.karst.launcher.config;

import java.util.Optional;

/** What a flag accepts; applied to every value whatever its source. */
@FunctionalInterface
interface ValueRule {

    /** Accepts anything. */
    ValueRule ANY = value -> Optional.empty();

    /**
     * @return what was expected instead, e.g. {@code expected a CIDR like 10.42.0.0/16}; empty when acceptable
     */
    Optional<String> problem(String value);

    /** The canonical form of an accepted value, e.g. {@code 0644} for {@code 644}. */
    default String normalize(String value) {
        return value;
    }
}
