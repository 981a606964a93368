package io.karst.launcher.cli;

import java.util.List;
import java.util.Map;

import io.karst.launcher.config.ConfigException;
import io.karst.launcher.config.ConfigResolver;
import io.karst.launcher.config.ResolvedConfig;
import io.karst.launcher.config.Role;

/** The server's configuration as {@code karst server} would resolve it, for the offline subcommands. */
final class ServerConfig {
    private ServerConfig() {
    }

    static ResolvedConfig resolve(List<String> serverArgs, Map<String, String> env) throws CommandFailure {
        try {
            return ConfigResolver.resolve(Role.SERVER, serverArgs, env);
        } catch (ConfigException e) {
            throw new CommandFailure(e.getMessage());
        }
    }
}
