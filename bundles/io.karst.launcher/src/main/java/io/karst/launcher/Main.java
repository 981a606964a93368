package io.karst.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import io.karst.launcher.boot.NodeLaunch;
import io.karst.launcher.cli.CertificateCommand;
import io.karst.launcher.cli.CheckConfigCommand;
import io.karst.launcher.cli.DatastoreCommand;
import io.karst.launcher.cli.ImagesCommand;
import io.karst.launcher.cli.KubeconfigCommand;
import io.karst.launcher.cli.KubectlCommand;
import io.karst.launcher.cli.SecretsEncryptCommand;
import io.karst.launcher.cli.TokenCommand;
import io.karst.launcher.config.Role;

/** The {@code karst} command: one subcommand per K3s subcommand of the same name. */
public final class Main {
    private static final String USAGE = """
            Usage: karst COMMAND [flags]

            Commands:
              server        Run a Karst server (control plane and, unless --disable-agent, a node)
              agent         Run a Karst agent joining --server with --token
              token         Manage join tokens (create, list, delete, rotate)
              certificate   Check or rotate the server's certificates (check, rotate)
              kubeconfig    A kubeconfig for a new user, signed by the cluster's client CA (user)
              datastore     Back up and restore the embedded datastore (snapshot save, ls, restore)
              secrets-encrypt  Secrets encryption at rest on the running server (status, reencrypt, rotate-keys)
              images        Import an image archive into the running node's containerd (import FILE)
              kubectl       Run kubectl with the server's admin kubeconfig
              check-config  Check this machine for what a Karst node needs
              --version     Print the Karst and Kubernetes versions

            Run 'karst COMMAND --help' for a command's flags.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.getenv(), System.out, System.err));
    }

    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            out.print(USAGE);
            return args.isEmpty() ? 1 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "--version", "-v", "version" -> version(out);
            case "server" -> node(Role.SERVER, rest, env, out, err);
            case "agent" -> node(Role.AGENT, rest, env, out, err);
            case "token" -> new TokenCommand().run(rest, env, out, err);
            case "certificate" -> new CertificateCommand().run(rest, env, out, err);
            case "kubeconfig" -> new KubeconfigCommand().run(rest, env, out, err);
            case "datastore" -> new DatastoreCommand().run(rest, env, out, err);
            case "secrets-encrypt" -> new SecretsEncryptCommand().run(rest, env, out, err);
            case "images" -> new ImagesCommand().run(rest, env, out, err);
            case "kubectl" -> new KubectlCommand().run(rest, env, out, err);
            case "check-config" -> new CheckConfigCommand().run(rest, env, out, err);
            default -> {
                err.println("karst: unknown command \"" + args.get(0) + "\"; run 'karst --help' for the commands");
                yield 1;
            }
        };
    }

    private static int node(Role role, List<String> args, Map<String, String> env, PrintStream out,
            PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(io.karst.launcher.config.FlagTable.help(role));
            return 0;
        }
        return NodeLaunch.run(role, args, env, err);
    }

    private static int version(PrintStream out) {
        Attributes manifest = ownManifest();
        String kubernetes = manifest.getValue("Karst-Kubernetes-Version");
        String release = manifest.getValue("Karst-Version").replace("-SNAPSHOT", "");
        out.println("karst version " + kubernetes + "+karst" + release);
        out.println("java version " + Runtime.version());
        return 0;
    }

    private static Attributes ownManifest() {
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (JarFile file = new JarFile(jar.toFile())) {
                return file.getManifest().getMainAttributes();
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the karst launcher's manifest", e);
        }
    }
}
