package io.karst.launcher.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import io.karst.api.security.PkiProvider;
import io.karst.api.security.PkiSettings;

/**
 * A server data directory with a real PKI (created through the same ServiceLoader lookup the commands use), an
 * empty config file so the machine's /etc/karst/config.yaml cannot leak in, and captured output.
 */
final class ServerFixture {
    static final String NODE_NAME = "node-1";

    final Path dataDir;
    final Path configFile;
    final Map<String, String> env;

    ServerFixture(Path dir) {
        this.dataDir = dir.resolve("data");
        this.configFile = dir.resolve("config.yaml");
        try {
            Files.writeString(configFile, "# test config\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.env = Map.of("KARST_CONFIG_FILE", configFile.toString(), "KARST_NODE_NAME", NODE_NAME);
    }

    /** Creates the server PKI as a starting server would. */
    PkiProvider.Pki createPki() {
        PkiProvider provider = ServiceLoader.load(PkiProvider.class).findFirst().orElseThrow();
        return provider.open(new PkiSettings(dataDir, NODE_NAME, List.of(), List.of(), "cluster.local",
                "10.43.0.0/16", 6443, Optional.empty(), Optional.empty(), "0600"));
    }

    /** A subcommand's exit code and output. */
    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    /** Runs {@code command} with {@code args} followed by {@code --data-dir <dataDir>}. */
    Run run(Subcommand command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", dataDir.toString()));
        return runExactly(command, all, env);
    }

    static Run runExactly(Subcommand command, List<String> args, Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = command.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
