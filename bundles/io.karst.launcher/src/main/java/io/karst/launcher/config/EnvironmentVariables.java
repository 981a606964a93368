package io.karst.launcher.config;

import java.util.List;
import java.util.Map;

/**
 * Reads the {@code KARST_*} variable of each flag of a role. Variables that name no flag of the role are ignored,
 * as are empty ones: a systemd environment file often carries {@code KARST_TOKEN=} placeholders, which must not
 * blank out a value from a config file.
 */
final class EnvironmentVariables {
    private EnvironmentVariables() {
    }

    static Values read(Role role, Map<String, String> env) {
        Values values = new Values();
        for (Flag flag : FlagTable.of(role)) {
            String text = env.get(flag.env());
            if (text == null || text.isEmpty()) {
                continue;
            }
            Origin origin = Origin.environment(flag.env());
            values.replace(flag, flag.type() == FlagType.LIST ? Values.split(text, origin)
                    : List.of(new Value(text, origin)));
        }
        return values;
    }
}
