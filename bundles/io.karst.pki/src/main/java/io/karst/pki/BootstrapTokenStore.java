package io.karst.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
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
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Bootstrap tokens in {@code server/cred/bootstrap-tokens}, one tab-separated line per token:
 * {@code id, secret, expiry (ISO-8601, empty for never), usages, groups, description (URL-encoded)}.
 * The running server and the offline {@code karst token} command share the file: every change is a locked
 * read-modify-write followed by an atomic rename, and readers re-read it whenever its stamp changes.
 */
public final class BootstrapTokenStore {
    /** What {@code karst token create} grants when no usages are given, as kubeadm does. */
    public static final Set<String> DEFAULT_USAGES = Set.of("signing", "authentication");
    private static final Set<String> KNOWN_USAGES = DEFAULT_USAGES;
    // kubeadm's rule: extra groups must live under system:bootstrappers:.
    private static final Pattern GROUP = Pattern.compile("system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]");
    private static final String HEADER = "# Karst bootstrap tokens: id\tsecret\texpires\tusages\tgroups\tdescription";
    private static final int FIELDS = 6;

    private final Path file;
    private final Path lockFile;
    private final Clock clock;
    private final SecureRandom random;
    private Optional<FileStamp> cachedStamp = Optional.empty();
    private Map<String, BootstrapToken> cached = Map.of();

    public BootstrapTokenStore(Path file, Clock clock, SecureRandom random) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.clock = clock;
        this.random = random;
    }

    /**
     * Creates and stores a token.
     *
     * @param ttl how long it works; {@link Duration#ZERO} for ever
     * @throws IllegalArgumentException for a negative ttl, an unknown usage or a group outside
     *         {@code system:bootstrappers:}
     */
    public BootstrapToken create(Duration ttl, String description, Set<String> usages, List<String> groups) {
        if (ttl == null || ttl.isNegative()) {
            throw new IllegalArgumentException("the token lifetime must be zero (never expires) or positive");
        }
        Set<String> effectiveUsages = usages == null || usages.isEmpty() ? DEFAULT_USAGES : usages;
        for (String usage : effectiveUsages) {
            if (!KNOWN_USAGES.contains(usage)) {
                throw new IllegalArgumentException("unknown token usage '" + usage + "'; valid usages: "
                        + String.join(", ", KNOWN_USAGES.stream().sorted().toList()));
            }
        }
        List<String> effectiveGroups = groups == null ? List.of() : groups;
        for (String group : effectiveGroups) {
            if (!GROUP.matcher(group).matches()) {
                throw new IllegalArgumentException("token group '" + group + "' must match " + GROUP.pattern());
            }
        }
        Instant now = clock.instant();
        Optional<Instant> expires = ttl.isZero() ? Optional.empty() : Optional.of(now.plus(ttl));
        return update(tokens -> {
            String id;
            do {
                id = RandomStrings.lowerAlphanumeric(random, 6);
            } while (tokens.containsKey(id));
            BootstrapToken token = new BootstrapToken(id, RandomStrings.lowerAlphanumeric(random, 16), expires,
                    effectiveUsages, description == null ? "" : description, effectiveGroups);
            tokens.put(id, token);
            return token;
        });
    }

    /** Tokens that have not expired, ordered by id. */
    public List<BootstrapToken> active() {
        Instant now = clock.instant();
        return current().values().stream().filter(t -> !t.expired(now)).toList();
    }

    /** The token with this id, unless it is unknown or expired. */
    public Optional<BootstrapToken> find(String id) {
        Instant now = clock.instant();
        return Optional.ofNullable(current().get(id)).filter(t -> !t.expired(now));
    }

    /** Deletes a token; whether an unexpired one existed. */
    public boolean delete(String id) {
        return update(tokens -> tokens.remove(id) != null);
    }

    private synchronized Map<String, BootstrapToken> current() {
        Optional<FileStamp> stamp = FileStamp.of(file);
        if (!stamp.equals(cachedStamp)) {
            cached = stamp.isPresent() ? parse(AtomicFiles.read(file)) : Map.of();
            cachedStamp = stamp;
        }
        return cached;
    }

    /** Applies a change under the file lock, to what is on disk now, dropping expired tokens as it goes. */
    private synchronized <R> R update(Function<Map<String, BootstrapToken>, R> change) {
        AtomicFiles.privateDirectory(file.toAbsolutePath().getParent());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            Optional<FileStamp> stamp = FileStamp.of(file);
            Map<String, BootstrapToken> tokens = new TreeMap<>(stamp.isPresent() ? parse(AtomicFiles.read(file))
                    : Map.of());
            Instant now = clock.instant();
            tokens.values().removeIf(t -> t.expired(now));
            R result = change.apply(tokens);
            AtomicFiles.write(file, format(tokens.values()).getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
            cached = Collections.unmodifiableMap(tokens);
            cachedStamp = FileStamp.of(file);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
    }

    private static String format(Iterable<BootstrapToken> tokens) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (BootstrapToken t : tokens) {
            out.append(t.id()).append('\t')
                    .append(t.secret()).append('\t')
                    .append(t.expires().map(Instant::toString).orElse("")).append('\t')
                    .append(String.join(",", t.usages().stream().sorted().toList())).append('\t')
                    .append(String.join(",", t.groups())).append('\t')
                    .append(URLEncoder.encode(t.description(), StandardCharsets.UTF_8)).append('\n');
        }
        return out.toString();
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
