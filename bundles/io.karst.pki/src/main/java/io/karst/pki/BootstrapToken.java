package io.karst.pki;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.karst.api.security.JoinToken;

/**
 * One stored bootstrap token, secret included.
 *
 * @param id the public part, {@code [a-z0-9]{6}}
 * @param secret the private part, {@code [a-z0-9]{16}}
 * @param expires when it stops working; empty for never
 * @param usages {@code signing} and/or {@code authentication}
 * @param description free text
 * @param groups extra groups it authenticates as
 */
public record BootstrapToken(String id, String secret, Optional<Instant> expires, Set<String> usages,
        String description, List<String> groups) {
    public BootstrapToken {
        usages = Set.copyOf(usages);
        groups = List.copyOf(groups);
    }

    /** Whether it has stopped working at {@code now}. */
    public boolean expired(Instant now) {
        return expires.isPresent() && !now.isBefore(expires.get());
    }

    /** As the API shows it; {@code token} is the full secure form, or empty to keep the secret hidden. */
    public JoinToken toJoinToken(String token) {
        return new JoinToken(id, token, expires.orElse(null), usages, description, groups);
    }
}
