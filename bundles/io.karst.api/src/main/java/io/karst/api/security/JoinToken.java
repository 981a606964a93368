package io.karst.api.security;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A bootstrap token as {@code karst token list} shows it.
 *
 * @param id the public part, six characters {@code [a-z0-9]}
 * @param token the full secure form {@code K10<ca hash>::<id>.<secret>}; empty when listed (secrets are not shown)
 * @param expires when it stops working, or {@code null} for never
 * @param usages e.g. {@code authentication}, {@code signing}
 * @param description free text
 * @param groups extra groups the token authenticates as
 */
public record JoinToken(String id, String token, Instant expires, Set<String> usages, String description,
        List<String> groups) {
    public JoinToken {
        usages = Set.copyOf(usages);
        groups = List.copyOf(groups);
    }
}
