package io.karst.launcher.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.karst.launcher.config.ResolvedConfig;

/**
 * {@code karst images import FILE}: imports an image archive into the running node's containerd (the node's
 * {@code karst:images import}), for air-gapped nodes that cannot wait for the images directory to be watched or
 * want to know at once whether the archive is good.
 */
public final class ImagesCommand implements Subcommand {
    private static final String USAGE = """
            Usage: karst images import FILE [server flags such as --data-dir, --config]

              import FILE  Import an OCI or docker image archive (.tar, .tar.gz, .tar.zst) into this node's
                           containerd; imported images are never garbage-collected

            The server must run with its node (not --disable-agent) and its shell (--admin-ssh-port not 0).
            To import at every start, put the archive in <data-dir>/agent/images/ instead.
            """;
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
            if (positionals.size() != 2 || !positionals.get(0).equals("import")) {
                throw new CommandFailure("expected import FILE, not " + String.join(" ", positionals));
            }
            Path archive = Path.of(positionals.get(1)).toAbsolutePath().normalize();
            if (!Files.isRegularFile(archive)) {
                throw new CommandFailure(archive + " is not a file");
            }
            ResolvedConfig config = ServerConfig.resolve(parsed.serverArgs(), env);
            Path dataDir = Path.of(config.string("data-dir")).toAbsolutePath();
            if (!RunningServer.isRunning(dataDir)) {
                throw new CommandFailure("no Karst server is running on " + dataDir + ": images are imported by the "
                        + "node's containerd; start the server, or put the archive in " + dataDir.resolve(
                                "agent/images") + " to import it at the next start");
            }
            return ServerShell.run(env, dataDir, "karst:images import " + quoted(archive.toString()), TIMEOUT_SECONDS,
                    out, err);
        } catch (CommandFailure e) {
            err.println("karst images: " + e.getMessage());
            return 1;
        }
    }

    /** The Karaf shell's quoting for an argument with spaces or quotes. */
    static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
