package io.karst.launcher.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A resolver whose default config file lives in a temporary directory, and helpers to write config files. */
final class ConfigFixture {
    static final String HOST_NAME = "Test-Host";

    final Path dir;
    final Path defaultConfig;

    ConfigFixture(Path dir) {
        this.dir = dir;
        this.defaultConfig = dir.resolve("config.yaml");
    }

    ResolvedConfig resolve(Role role, List<String> args, Map<String, String> env) throws ConfigException {
        return new ConfigResolver(defaultConfig, () -> HOST_NAME).resolveFor(role, args, env);
    }

    ResolvedConfig server(String... args) throws ConfigException {
        return resolve(Role.SERVER, List.of(args), Map.of());
    }

    /** Writes a file below the fixture's directory, creating parents. */
    Path write(String relative, String content) {
        try {
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
