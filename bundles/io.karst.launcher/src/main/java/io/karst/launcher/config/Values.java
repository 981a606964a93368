package io.karst.launcher.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values one source (command line, environment, config files) sets, per flag in the order first set. A list
 * flag holds one {@link Value} per element; any other flag holds exactly one.
 */
final class Values {
    private final Map<Flag, List<Value>> byFlag = new LinkedHashMap<>();

    /** Sets a flag, replacing what this source had for it. */
    void replace(Flag flag, List<Value> values) {
        byFlag.put(flag, List.copyOf(values));
    }

    /** Adds list elements after those this source already has. */
    void append(Flag flag, List<Value> values) {
        List<Value> all = new ArrayList<>(byFlag.getOrDefault(flag, List.of()));
        all.addAll(values);
        byFlag.put(flag, List.copyOf(all));
    }

    boolean has(Flag flag) {
        return byFlag.containsKey(flag);
    }

    List<Value> get(Flag flag) {
        return byFlag.getOrDefault(flag, List.of());
    }

    /** Overlays {@code higher}: each flag it sets replaces this one's values as a whole, lists included. */
    void overrideWith(Values higher) {
        higher.byFlag.forEach(byFlag::put);
    }

    /** The comma-separated elements of one list value, trimmed, empty ones dropped. */
    static List<Value> split(String text, Origin origin) {
        List<Value> values = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                values.add(new Value(part.strip(), origin));
            }
        }
        return values;
    }
}
