package io.karst.launcher.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * A subcommand whose first argument names an action ({@code karst token create}, {@code karst certificate
 * check}): usage for a bare call or {@code --help}, and one error line {@code karst <name> <action>: <why>}.
 */
abstract class ActionSubcommand implements Subcommand {
    private final String name;
    private final String usage;

    ActionSubcommand(String name, String usage) {
        this.name = name;
        this.usage = usage;
    }

    @Override
    public final int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            (args.isEmpty() ? err : out).print(usage);
            return args.isEmpty() ? 1 : 0;
        }
        String action = args.get(0);
        try {
            return runAction(action, args.subList(1, args.size()), env, out, err);
        } catch (CommandFailure e) {
            err.println("karst " + name + " " + action + ": " + e.getMessage());
            return 1;
        }
    }

    /** Runs one action; an unknown action is a {@link CommandFailure} naming the known ones. */
    abstract int runAction(String action, List<String> args, Map<String, String> env, PrintStream out,
            PrintStream err) throws CommandFailure;
}
