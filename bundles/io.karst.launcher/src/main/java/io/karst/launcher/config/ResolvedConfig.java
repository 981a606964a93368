package io.karst.launcher.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The validated configuration of one node: every flag of its role with its value and where the value came from.
 * Asking for a flag the role does not have is a programming error ({@link IllegalArgumentException}).
 */
public final class ResolvedConfig {

    /** A flag's final values (one, or a list's elements; none when unset) and their origin. */
    record Setting(Flag flag, List<String> values, Origin origin) {
        Setting {
            values = List.copyOf(values);
        }
    }

    private final Role role;
    private final Map<String, Setting> settings;
    private final List<Path> files;

    ResolvedConfig(Role role, List<Setting> settings, List<Path> files) {
        this.role = role;
        Map<String, Setting> byName = new LinkedHashMap<>();
        settings.forEach(s -> byName.put(s.flag().name(), s));
        this.settings = byName;
        this.files = List.copyOf(files);
    }

    public Role role() {
        return role;
    }

    /** The long names of all flags of this role, in {@code --help} order, whether set or not. */
    public Set<String> names() {
        return new LinkedHashSet<>(settings.keySet());
    }

    /** The value; {@code ""} when unset; a list flag's elements joined with commas. */
    public String string(String flag) {
        return String.join(",", setting(flag).values());
    }

    /**
     * A list flag's elements; for any other flag its comma-separated parts, so a dual-stack
     * {@code cluster-cidr} reads as two CIDRs. Empty when unset.
     */
    public List<String> list(String flag) {
        Setting setting = setting(flag);
        if (setting.flag().type() == FlagType.LIST) {
            return setting.values();
        }
        List<String> parts = new ArrayList<>();
        for (String value : setting.values()) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    parts.add(part.strip());
                }
            }
        }
        return List.copyOf(parts);
    }

    public int integer(String flag) {
        String text = string(flag);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " is not a number: \"" + text + "\"", e);
        }
    }

    public boolean bool(String flag) {
        Setting setting = setting(flag);
        if (setting.flag().type() != FlagType.BOOL) {
            throw new IllegalArgumentException(flag + " is not a boolean flag");
        }
        return Boolean.parseBoolean(string(flag));
    }

    /** The value, or empty when unset or empty. */
    public Optional<String> optional(String flag) {
        String value = string(flag);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Where the value came from; for a list appended across files, the last file that added to it. */
    public Origin origin(String flag) {
        return setting(flag).origin();
    }

    /** The config files that were read, in merge order. */
    public List<Path> configFiles() {
        return files;
    }

    private Setting setting(String flag) {
        Setting setting = settings.get(flag);
        if (setting == null) {
            throw new IllegalArgumentException("no flag \"" + flag + "\" in " + role.command());
        }
        return setting;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(role.command()).append(" {");
        settings.values().stream().filter(s -> !s.values().isEmpty()).forEach(s -> text.append(' ')
                .append(s.flag().name()).append('=').append(s.flag().display().apply(String.join(",", s.values()))));
        return text.append(" }").toString();
    }
}
