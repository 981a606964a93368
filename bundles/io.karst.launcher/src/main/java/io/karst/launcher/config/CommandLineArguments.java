package io.karst.launcher.config;

import java.util.List;

/**
 * Parses {@code karst server|agent} arguments as Go's flag package (under urfave/cli) does for K3s: one or two
 * dashes, {@code --flag value} or {@code --flag=value}, booleans alone or as {@code --flag=false}. A repeated list
 * flag accumulates; a repeated single-valued flag keeps its last value.
 */
final class CommandLineArguments {
    private CommandLineArguments() {
    }

    static Values parse(Role role, List<String> args) throws ConfigException {
        Values values = new Values();
        Origin origin = Origin.commandLine();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
                throw new ConfigException("unexpected argument \"" + arg + "\" (" + origin.describe() + "): "
                        + role.command() + " takes only flags; see '" + role.command() + " --help'");
            }
            String dashes = arg.startsWith("--") ? "--" : "-";
            String body = arg.substring(dashes.length());
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            Flag flag = FlagTable.find(role, name).orElseThrow(() -> new ConfigException("unknown flag " + dashes
                    + name + " (" + origin.describe() + "): not a flag of " + role.command() + "; see '"
                    + role.command() + " --help'"));
            String text;
            if (eq >= 0) {
                text = body.substring(eq + 1);
            } else if (flag.type() == FlagType.BOOL) {
                text = "true";
            } else if (i + 1 < args.size()) {
                text = args.get(++i);
            } else {
                throw new ConfigException("missing value for --" + flag.name() + " (" + origin.describe()
                        + "): expected --" + flag.name() + " " + flag.placeholder());
            }
            if (flag.type() == FlagType.LIST) {
                values.append(flag, Values.split(text, origin));
            } else {
                values.replace(flag, List.of(new Value(text, origin)));
            }
        }
        return values;
    }
}
