package io.karst.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The bootstrap tokens an earlier Karst kept in {@code server/cred/bootstrap-tokens}, one tab-separated line per
 * token: {@code id, secret, expiry (ISO-8601, empty for never), usages, groups, description (URL-encoded)}. Tokens
 * are Secrets in kube-system now; the API server reads this file once to move them there, then removes it.
 */
public final class LegacyBootstrapTokenFile {
    private static final int FIELDS = 6;

    private final Path file;
    private final Clock clock;

    public LegacyBootstrapTokenFile(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** Tokens that have not expired, ordered by id; none when there is no file. */
    public List<BootstrapToken> active() {
        if (!Files.exists(file)) {
            return List.of();
        }
        Instant now = clock.instant();
        return parse(AtomicFiles.read(file)).values().stream().filter(t -> !t.expired(now)).toList();
    }

    /** Removes the file and the lock file the old command kept beside it. */
    public void forget() {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".lock"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }

    private Map<String, BootstrapToken> parse(byte[] content) {
        Map<String, BootstrapToken> tokens = new TreeMap<>();
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            BootstrapToken token = fields.length == FIELDS ? parseFields(fields) : null;
            if (token == null) {
                throw new IllegalStateException(file + ": line " + (i + 1) + " is not a bootstrap token entry");
            }
            tokens.put(token.id(), token);
        }
        return Collections.unmodifiableMap(tokens);
    }

    private static BootstrapToken parseFields(String[] fields) {
        PresentedToken.Bootstrap idAndSecret = PresentedToken.parse(fields[0] + "." + fields[1]).bootstrap()
                .orElse(null);
        if (idAndSecret == null) {
            return null;
        }
        try {
            Optional<Instant> expires = fields[2].isEmpty() ? Optional.empty() : Optional.of(Instant.parse(fields[2]));
            return new BootstrapToken(idAndSecret.id(), idAndSecret.secret(), expires, list(fields[3]),
                    URLDecoder.decode(fields[5], StandardCharsets.UTF_8), new ArrayList<>(list(fields[4])));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Set<String> list(String field) {
        return field.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(field.split(",")));
    }
}
