package io.karst.launcher.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** One {@code karst} subcommand run outside the framework. */
public interface Subcommand {

    /**
     * @param args the arguments after the subcommand's name
     * @param env the process environment
     * @return the exit code: 0 on success; on failure one line has been printed to {@code err}
     */
    int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err);
}
