package io.karst.launcher.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import io.karst.api.security.PkiProvider;
import io.karst.api.security.PkiSettings;
import io.karst.launcher.config.ResolvedConfig;

/**
 * Opens an existing server's PKI without a running framework, through the {@link PkiProvider} on the class path.
 * Opening creates what is missing, so it refuses a data directory that has no server CA yet: certificate and
 * token commands must never create a cluster by accident.
 */
final class ServerPki {
    private ServerPki() {
    }

    static PkiProvider.Pki open(ResolvedConfig config) throws CommandFailure {
        Path dataDir = Path.of(config.string("data-dir")).toAbsolutePath();
        if (!Files.exists(dataDir.resolve("server/tls/server-ca.crt"))) {
            throw new CommandFailure("no Karst server PKI in " + dataDir + ": start 'karst server' first");
        }
        PkiProvider provider;
        try {
            provider = ServiceLoader.load(PkiProvider.class).findFirst().orElseThrow(() -> new CommandFailure(
                    "no PKI provider on the class path: the karst lib directory lacks io.karst.pki"));
        } catch (ServiceConfigurationError e) {
            throw new CommandFailure("cannot load the PKI provider: " + e.getMessage());
        }
        try {
            return provider.open(settings(config, dataDir));
        } catch (IllegalStateException | IllegalArgumentException e) {
            // The provider names the file or the setting it cannot use.
            throw new CommandFailure(e.getMessage());
        }
    }

    /** The settings {@code karst server} gives the PKI, without a kubeconfig to write. */
    static PkiSettings settings(ResolvedConfig config, Path dataDir) {
        return new PkiSettings(dataDir, config.string("node-name"), config.list("node-ip"), config.list("tls-san"),
                config.string("cluster-domain"), config.string("service-cidr"), config.integer("https-listen-port"),
                config.optional("token"), Optional.empty(), config.string("write-kubeconfig-mode"));
    }
}
