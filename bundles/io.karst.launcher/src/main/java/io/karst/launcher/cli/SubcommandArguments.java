package io.karst.launcher.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.karst.launcher.config.FlagTable;
import io.karst.launcher.config.FlagType;
import io.karst.launcher.config.Role;

/**
 * Separates a subcommand's own options from the server flags it passes to the config resolver (so that
 * {@code --data-dir}, {@code --config} and the rest come from the same merge as {@code karst server}) and from
 * positional arguments. A subcommand option wins over a server flag of the same name ({@code token rotate
 * --token}, {@code token list -o}).
 */
final class SubcommandArguments {

    /** An option of the subcommand; without a value it is a switch. */
    record Option(String name, String alias, boolean takesValue) {
        static Option withValue(String name, String alias) {
            return new Option(name, alias, true);
        }

        boolean isCalled(String text) {
            return name.equals(text) || (!alias.isEmpty() && alias.equals(text));
        }
    }

    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> positionals = new ArrayList<>();
    private final List<String> serverArgs = new ArrayList<>();
    private boolean help;

    private SubcommandArguments() {
    }

    static SubcommandArguments parse(List<String> args, List<Option> known) throws CommandFailure {
        SubcommandArguments parsed = new SubcommandArguments();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-h") || arg.equals("--help")) {
                parsed.help = true;
                continue;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                parsed.positionals.add(arg);
                continue;
            }
            String body = arg.substring(arg.startsWith("--") ? 2 : 1);
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            Optional<Option> option = known.stream().filter(o -> o.isCalled(name)).findFirst();
            if (option.isPresent()) {
                String value;
                if (eq >= 0) {
                    value = body.substring(eq + 1);
                } else if (!option.get().takesValue()) {
                    value = "true";
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new CommandFailure("missing value for --" + option.get().name());
                }
                parsed.options.computeIfAbsent(option.get().name(), k -> new ArrayList<>()).add(value);
                continue;
            }
            parsed.serverArgs.add(arg);
            boolean takesNext = eq < 0
                    && FlagTable.type(Role.SERVER, name).filter(type -> type != FlagType.BOOL).isPresent();
            if (takesNext && i + 1 < args.size()) {
                parsed.serverArgs.add(args.get(++i));
            }
        }
        return parsed;
    }

    /** Every value given for an option, in order, comma-separated ones split. */
    List<String> list(String option) {
        List<String> values = new ArrayList<>();
        for (String value : options.getOrDefault(option, List.of())) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    values.add(part.strip());
                }
            }
        }
        return values;
    }

    /** The last value given for an option. */
    Optional<String> last(String option) {
        List<String> values = options.getOrDefault(option, List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    List<String> positionals() {
        return List.copyOf(positionals);
    }

    /** The arguments for {@code ConfigResolver.resolve(Role.SERVER, ...)}. */
    List<String> serverArgs() {
        return List.copyOf(serverArgs);
    }

    boolean help() {
        return help;
    }

    /** Fails when positional arguments were given to a subcommand that takes none. */
    void noPositionals() throws CommandFailure {
        if (!positionals.isEmpty()) {
            throw new CommandFailure("unexpected argument \"" + positionals.get(0) + "\"");
        }
    }
}
