package io.karst.apiserver.bootstraptoken;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A bootstrap token as Kubernetes stores it: a Secret {@code kube-system/bootstrap-token-<id>} of type
 * {@code bootstrap.kubernetes.io/token} whose data holds the id, the secret, an optional RFC 3339 expiration,
 * the {@code usage-bootstrap-*} flags and the {@code auth-extra-groups}. The rules are upstream's
 * (k8s.io/cluster-bootstrap): an expiration that does not parse counts as expired, and extra groups must live
 * under {@code system:bootstrappers:}.
 */
public record BootstrapTokenSecret(String id, String secret, Optional<Instant> expiration, boolean expirationValid,
        boolean forAuthentication, List<String> extraGroups, boolean extraGroupsValid) {
    public static final String NAMESPACE = "kube-system";
    public static final String NAME_PREFIX = "bootstrap-token-";
    public static final String TYPE = "bootstrap.kubernetes.io/token";
    /** The group every bootstrap token authenticates in. */
    public static final String GROUP = "system:bootstrappers";
    /** {@code system:bootstrap:<id>} */
    public static final String USER_PREFIX = "system:bootstrap:";

    private static final Pattern TOKEN = Pattern.compile("([a-z0-9]{6})\\.([a-z0-9]{16})");
    private static final Pattern EXTRA_GROUP = Pattern.compile("system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]");

    public BootstrapTokenSecret {
        extraGroups = List.copyOf(extraGroups);
    }

    /** The two parts of a presented {@code <id>.<secret>}. */
    public record Presented(String id, String secret) {
    }

    /** The parts of {@code <id>.<secret>}; empty for anything else (not a bootstrap token). */
    public static Optional<Presented> parse(String token) {
        Matcher m = TOKEN.matcher(token);
        return m.matches() ? Optional.of(new Presented(m.group(1), m.group(2))) : Optional.empty();
    }

    /** Reads the Secret's data (base64 values, as stored). */
    public static BootstrapTokenSecret of(JsonNode secretObject) {
        JsonNode data = secretObject.path("data");
        String expiration = value(data, "expiration");
        Optional<Instant> expires = Optional.empty();
        boolean expirationValid = true;
        if (!expiration.isEmpty()) {
            try {
                expires = Optional.of(java.time.OffsetDateTime.parse(expiration).toInstant());
            } catch (DateTimeParseException e) {
                expirationValid = false;
            }
        }
        List<String> groups = new ArrayList<>();
        boolean groupsValid = true;
        for (String group : value(data, "auth-extra-groups").split(",")) {
            String g = group.trim();
            if (g.isEmpty()) {
                continue;
            }
            groupsValid &= EXTRA_GROUP.matcher(g).matches();
            groups.add(g);
        }
        return new BootstrapTokenSecret(value(data, "token-id"), value(data, "token-secret"), expires,
                expirationValid, "true".equals(value(data, "usage-bootstrap-authentication")), groups, groupsValid);
    }

    /** Whether it no longer works at {@code now}: past its expiration, or with one that cannot be read. */
    public boolean expired(Instant now) {
        return !expirationValid || expiration.map(e -> !now.isBefore(e)).orElse(false);
    }

    private static String value(JsonNode data, String key) {
        JsonNode v = data.get(key);
        if (v == null || !v.isTextual()) {
            return "";
        }
        try {
            return new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
