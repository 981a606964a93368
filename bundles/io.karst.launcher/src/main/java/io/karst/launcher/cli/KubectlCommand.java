package io.karst.launcher.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.karst.launcher.config.ResolvedConfig;

/**
 * {@code karst kubectl ARGS...}: runs kubectl with the server's admin kubeconfig, as {@code k3s kubectl}. Every
 * argument belongs to kubectl; the kubeconfig is {@code $KUBECONFIG} if set, else the server's
 * {@code write-kubeconfig} from the environment and config files.
 */
public final class KubectlCommand implements Subcommand {
    static final Path GOOGLE_CLOUD_SDK_KUBECTL = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl");

    private final Path lastResort;

    public KubectlCommand() {
        this(GOOGLE_CLOUD_SDK_KUBECTL);
    }

    /** @param lastResort the kubectl to run when neither KARST_KUBECTL nor PATH has one */
    KubectlCommand(Path lastResort) {
        this.lastResort = lastResort;
    }

    @Override
    public int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            String kubeconfig = kubeconfig(env);
            Path kubectl = executable(env);
            List<String> command = new ArrayList<>();
            command.add(kubectl.toString());
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            builder.environment().clear();
            builder.environment().putAll(env);
            builder.environment().put("KUBECONFIG", kubeconfig);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new CommandFailure("cannot run " + kubectl + ": " + e.getMessage());
            }
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                process.destroy();
                Thread.currentThread().interrupt();
                return 130;
            }
        } catch (CommandFailure e) {
            err.println("karst kubectl: " + e.getMessage());
            return 1;
        }
    }

    private static String kubeconfig(Map<String, String> env) throws CommandFailure {
        String given = env.get("KUBECONFIG");
        if (given != null && !given.isEmpty()) {
            return given;
        }
        ResolvedConfig config = ServerConfig.resolve(List.of(), env);
        Path path = Path.of(config.string("write-kubeconfig"));
        if (!Files.isReadable(path)) {
            throw new CommandFailure("no readable kubeconfig at " + path + " (write-kubeconfig "
                    + config.origin("write-kubeconfig").describe()
                    + "): start 'karst server' first, run as a user who can read it, or set KUBECONFIG");
        }
        return path.toString();
    }

    private Path executable(Map<String, String> env) throws CommandFailure {
        String configured = env.get("KARST_KUBECTL");
        if (configured != null && !configured.isEmpty()) {
            return Path.of(configured);
        }
        return onPath(env.getOrDefault("PATH", "")).or(
                () -> Files.isExecutable(lastResort) ? Optional.of(lastResort) : Optional.empty())
                .orElseThrow(() -> new CommandFailure("kubectl not found: set KARST_KUBECTL or put kubectl on PATH"));
    }

    private static Optional<Path> onPath(String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate) && !isKarst(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A kubectl symlinked to bin/karst (K3s's multicall habit) would call this command again, forever. */
    private static boolean isKarst(Path candidate) {
        try {
            return candidate.toRealPath().getFileName().toString().equals("karst");
        } catch (IOException e) {
            return false;
        }
    }
}
