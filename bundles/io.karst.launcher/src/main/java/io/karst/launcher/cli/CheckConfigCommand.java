package io.karst.launcher.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.karst.launcher.cli.CheckResult.Status;
import io.karst.launcher.config.ResolvedConfig;

/**
 * {@code karst check-config}: checks this machine for what a Karst node needs, one line per check with
 * {@code pass}, {@code warn} or {@code fail} and a hint. Exits 1 when any check fails.
 */
public final class CheckConfigCommand implements Subcommand {
    private static final String USAGE = """
            Usage: karst check-config [server flags such as --data-dir, --config, --https-listen-port]

            Checks Java, the kernel, cgroups, kernel modules, IP forwarding, containerd, runc, iptables, the CNI
            plugins, the data directory and the ports a server listens on.
            """;

    private final Function<Map<String, String>, HostProbe> probes;

    public CheckConfigCommand() {
        this(HostProbe::local);
    }

    /** @param probes the machine to check, given the environment */
    CheckConfigCommand(Function<Map<String, String>, HostProbe> probes) {
        this.probes = probes;
    }

    @Override
    public int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        ResolvedConfig config;
        try {
            SubcommandArguments parsed = SubcommandArguments.parse(args, List.of());
            if (parsed.help()) {
                out.print(USAGE);
                return 0;
            }
            parsed.noPositionals();
            config = ServerConfig.resolve(parsed.serverArgs(), env);
        } catch (CommandFailure e) {
            err.println("karst check-config: " + e.getMessage());
            return 1;
        }
        HostProbe probe = probes.apply(env);
        List<HostCheck> checks = HostChecks.forServer(config);
        int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        boolean failed = false;
        for (HostCheck check : checks) {
            CheckResult result = check.run(probe);
            failed |= result.status() == Status.FAIL;
            String line = String.format("%-4s  %-" + width + "s  %s", result.status().label(), check.name(),
                    result.detail());
            out.println(result.hint().isEmpty() ? line : line + " (hint: " + result.hint() + ")");
        }
        return failed ? 1 : 0;
    }
}
