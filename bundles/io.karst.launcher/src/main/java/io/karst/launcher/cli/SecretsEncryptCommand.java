package io.karst.launcher.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.karst.launcher.config.ResolvedConfig;

/**
 * {@code karst secrets-encrypt status|reencrypt|rotate-keys}: K3s's subcommand. As in K3s it acts on the running
 * server, which holds the keys in use and must switch to a new one while it serves: the command runs
 * {@code karst:secrets-encrypt} in the server's Karaf shell (127.0.0.1, credentials in the data dir), so only
 * who can read the data dir can rotate keys.
 */
public final class SecretsEncryptCommand implements Subcommand {
    private static final String USAGE = """
            Usage: karst secrets-encrypt COMMAND [server flags such as --data-dir, --config]

              status       Encryption status, the keys (active first), how many Secrets use the active key
              reencrypt    Rewrite every Secret not stored with the active key (plaintext, older keys) with it
              rotate-keys  Add a new key in front, reencrypt every Secret with it, then drop the old keys

            The server must run (karst server --secrets-encryption) with its shell (--admin-ssh-port not 0).
            """;
    private static final List<String> COMMANDS = List.of("status", "reencrypt", "rotate-keys");
    /** A rotation rewrites every Secret; K3s allows it 70 s, a larger cluster more. */
    private static final long TIMEOUT_SECONDS = 600;

    @Override
    public int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            SubcommandArguments parsed = SubcommandArguments.parse(args, List.of());
            if (parsed.help() || args.isEmpty()) {
                (args.isEmpty() ? err : out).print(USAGE);
                return args.isEmpty() ? 1 : 0;
            }
            List<String> positionals = parsed.positionals();
            if (positionals.size() != 1 || !COMMANDS.contains(positionals.get(0))) {
                throw new CommandFailure("expected one of " + String.join(", ", COMMANDS) + ", not "
                        + String.join(" ", positionals));
            }
            ResolvedConfig config = ServerConfig.resolve(parsed.serverArgs(), env);
            Path dataDir = Path.of(config.string("data-dir")).toAbsolutePath();
            if (!RunningServer.isRunning(dataDir)) {
                throw new CommandFailure("no Karst server is running on " + dataDir + ": start it with "
                        + "--secrets-encryption; the keys are changed by the server that uses them");
            }
            return ServerShell.run(env, dataDir, "karst:secrets-encrypt " + positionals.get(0), TIMEOUT_SECONDS, out,
                    err);
        } catch (CommandFailure e) {
            err.println("karst secrets-encrypt: " + e.getMessage());
            return 1;
        }
    }
}
