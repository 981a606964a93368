package io.karst.launcher.cli;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.karst.api.security.JoinToken;

/**
 * Bootstrap tokens as the Secrets kubeadm and K3s write ({@code kube-system/bootstrap-token-<id>}, type
 * {@code bootstrap.kubernetes.io/token}), through the server's API.
 */
final class BootstrapTokenSecrets {
    /** What a token is good for when none is named, as kubeadm's default. */
    static final Set<String> DEFAULT_USAGES = Set.of("signing", "authentication");
    private static final String SECRETS = "/api/v1/namespaces/kube-system/secrets";
    private static final String TYPE = "bootstrap.kubernetes.io/token";
    // k8s.io/cluster-bootstrap's rule for extra groups
    private static final Pattern GROUP = Pattern.compile("system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int CREATE_ATTEMPTS = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    private BootstrapTokenSecrets() {
    }

    /** The hash part of {@code K10<hash>::server:<secret>}. */
    static String caHash(String serverToken) throws CommandFailure {
        int sep = serverToken.indexOf("::");
        if (!serverToken.startsWith("K10") || sep < 0) {
            throw new CommandFailure("the server token is not in its secure form K10<hash>::server:<secret>");
        }
        return serverToken.substring(3, sep);
    }

    /**
     * Creates a token and returns its secure form {@code K10<hash>::<id>.<secret>}.
     *
     * @param ttl how long it works; zero for ever
     * @param usages empty for {@link #DEFAULT_USAGES}
     */
    static String create(AdminApi api, String caHash, Duration ttl, String description, Set<String> usages,
            List<String> groups, Instant now) throws CommandFailure {
        Set<String> effectiveUsages = usages.isEmpty() ? DEFAULT_USAGES : usages;
        validate(ttl, effectiveUsages, groups);
        for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
            String id = random(6);
            String secret = random(16);
            StringBuilder yaml = new StringBuilder()
                    .append("apiVersion: v1\nkind: Secret\nmetadata:\n  name: bootstrap-token-").append(id)
                    .append("\n  namespace: kube-system\ntype: ").append(TYPE).append("\ndata:\n");
            data(yaml, "token-id", id);
            data(yaml, "token-secret", secret);
            if (!ttl.isZero()) {
                data(yaml, "expiration", now.plus(ttl).truncatedTo(ChronoUnit.SECONDS).toString());
            }
            if (!description.isEmpty()) {
                data(yaml, "description", description);
            }
            for (String usage : new TreeSet<>(effectiveUsages)) {
                data(yaml, "usage-bootstrap-" + usage, "true");
            }
            if (!groups.isEmpty()) {
                data(yaml, "auth-extra-groups", String.join(",", groups));
            }
            AdminApi.Answer answer = api.post(SECRETS, yaml.toString());
            if (answer.code() == 201 || answer.code() == 200) {
                return "K10" + caHash + "::" + id + "." + secret;
            }
            if (answer.code() != 409) {
                throw new CommandFailure("the server refused the token: " + answer.message());
            }
        }
        throw new CommandFailure("could not find a free token id in " + CREATE_ATTEMPTS + " attempts");
    }

    /** Refuses what the server would not accept, before anything is sent. */
    static void validate(Duration ttl, Set<String> usages, List<String> groups) throws CommandFailure {
        if (ttl.isNegative()) {
            throw new CommandFailure("--ttl: the token lifetime must be zero (never expires) or positive");
        }
        for (String usage : usages) {
            if (!DEFAULT_USAGES.contains(usage)) {
                throw new CommandFailure("unknown token usage '" + usage + "'; valid usages: authentication, signing");
            }
        }
        for (String group : groups) {
            if (!GROUP.matcher(group).matches()) {
                throw new CommandFailure("token group '" + group + "' must match " + GROUP.pattern());
            }
        }
    }

    /** Every bootstrap token Secret, ordered by id, secrets left out. */
    static List<JoinToken> list(AdminApi api) throws CommandFailure {
        AdminApi.Answer answer = api.get(SECRETS + "?fieldSelector=type%3D" + TYPE.replace("/", "%2F"));
        if (answer.code() != 200) {
            throw new CommandFailure("cannot list the bootstrap tokens: " + answer.message());
        }
        List<JoinToken> tokens = new ArrayList<>();
        if (answer.body().get("items") instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof Map<?, ?> secret && secret.get("data") instanceof Map<?, ?> data) {
                    String id = text(data, "token-id");
                    if (!id.isEmpty()) {
                        tokens.add(token(id, data));
                    }
                }
            }
        }
        tokens.sort((a, b) -> a.id().compareTo(b.id()));
        return tokens;
    }

    /** Whether a token of this id existed. */
    static boolean delete(AdminApi api, String id) throws CommandFailure {
        AdminApi.Answer answer = api.delete(SECRETS + "/bootstrap-token-" + id);
        if (answer.code() == 404) {
            return false;
        }
        if (answer.code() != 200 && answer.code() != 202) {
            throw new CommandFailure("cannot delete bootstrap token \"" + id + "\": " + answer.message());
        }
        return true;
    }

    private static JoinToken token(String id, Map<?, ?> data) {
        Set<String> usages = new LinkedHashSet<>();
        for (Object key : data.keySet()) {
            String k = String.valueOf(key);
            if (k.startsWith("usage-bootstrap-") && "true".equals(text(data, k))) {
                usages.add(k.substring("usage-bootstrap-".length()));
            }
        }
        List<String> groups = new ArrayList<>();
        for (String group : text(data, "auth-extra-groups").split(",")) {
            if (!group.isBlank()) {
                groups.add(group.trim());
            }
        }
        Instant expires = null;
        String expiration = text(data, "expiration");
        if (!expiration.isEmpty()) {
            try {
                expires = OffsetDateTime.parse(expiration).toInstant();
            } catch (DateTimeParseException e) {
                // upstream counts an unreadable expiration as expired
                expires = Instant.EPOCH;
            }
        }
        return new JoinToken(id, "", expires, usages, text(data, "description"), groups);
    }

    private static String text(Map<?, ?> data, String key) {
        Object value = data.get(key);
        if (!(value instanceof String s)) {
            return "";
        }
        try {
            return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static void data(StringBuilder yaml, String key, String value) {
        yaml.append("  ").append(key).append(": ")
                .append(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))).append('\n');
    }

    private static String random(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
