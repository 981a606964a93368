package io.karst.launcher.boot;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.karst.launcher.config.ConfigException;
import io.karst.launcher.config.ConfigResolver;
import io.karst.launcher.config.ResolvedConfig;
import io.karst.launcher.config.Role;

/**
 * {@code karst server} and {@code karst agent}: resolve and validate the configuration, prepare the node's Karaf
 * instance, and hand bin/karst the environment to run it in the foreground. Nothing is written when the
 * configuration is invalid.
 */
public final class NodeLaunch {
    /** Set by bin/karst: the distribution's home. */
    static final String HOME = "KARST_HOME";
    /** Set by bin/karst: the file to write the instance's environment to, which it sources before exec'ing Karaf. */
    static final String LAUNCH_ENV = "KARST_LAUNCH_ENV";

    private NodeLaunch() {
    }

    public static int run(Role role, List<String> args, Map<String, String> env, PrintStream err) {
        String command = "karst " + role.name().toLowerCase();
        ResolvedConfig config;
        try {
            config = ConfigResolver.resolve(role, args, env);
        } catch (ConfigException e) {
            err.println(command + ": " + e.getMessage());
            return 1;
        }
        String home = env.get(HOME);
        String envFile = env.get(LAUNCH_ENV);
        if (home == null || envFile == null) {
            err.println(command + ": " + HOME + " and " + LAUNCH_ENV + " are not set; start Karst with bin/karst");
            return 1;
        }
        Path dataDir = Path.of(config.string("data-dir")).toAbsolutePath();
        try {
            LaunchPlan plan;
            InstanceLayout layout;
            if (role == Role.SERVER) {
                Optional<String> endpoint = config.optional("datastore-endpoint").filter(e -> !e.isBlank());
                if (endpoint.isPresent() && endpoint.get().startsWith("sqlite:")) {
                    // Said plainly rather than silently using another file than the one the operator named.
                    err.println(command + ": --datastore-endpoint sqlite://... is not supported; the embedded"
                            + " datastore lives in <data-dir>/server/db/state.db (leave --datastore-endpoint empty)");
                    return 1;
                }
                List<String> nodeIps = config.list("node-ip").isEmpty() ? List.of(NodeAddress.detect())
                        : config.list("node-ip");
                plan = LaunchPlans.server(config, nodeIps, Path.of(home));
                Path keys = dataDir.resolve("server/cred/encryption-config.json");
                if (!config.bool("secrets-encryption") && Files.exists(keys)) {
                    err.println(command + ": warning: " + keys + " exists but --secrets-encryption is not set: "
                            + "Secrets encrypted with it cannot be read (500) and new ones are stored in plaintext");
                }
                layout = InstanceLayout.of(dataDir, "server");
            } else {
                layout = InstanceLayout.of(dataDir, "agent");
                Optional<String> token = config.optional("token");
                if (token.isEmpty()) {
                    err.println(command + ": --token or --token-file is required to join " + config.string("server"));
                    return 1;
                }
                if (KarafInstance.isRunning(layout)) {
                    err.println(command + ": a Karst agent is already running on " + dataDir + " (it holds "
                            + runningLock(layout) + "): stop it first");
                    return 1;
                }
                plan = join(config, token.get(), layout, Path.of(home), err, command);
            }
            if (KarafInstance.isRunning(layout)) {
                // preparing would rewrite, even empty, the running instance's etc and data under it
                err.println(command + ": a Karst " + role.name().toLowerCase() + " is already running on " + dataDir
                        + " (it holds " + runningLock(layout) + "): stop it first");
                return 1;
            }
            // an agent nobody can reach by shell runs no Karaf: its bundles on a bare framework (LeanInstance)
            Map<String, String> vars = role == Role.AGENT && plan.sshPort() == 0
                    ? new LeanInstance(Path.of(home), layout).prepare(plan)
                    : new KarafInstance(Path.of(home), layout).prepare(plan);
            KarafInstance.writeAtomically(Path.of(envFile), shellExports(vars));
            return 0;
        } catch (JoinVerifier.JoinException | ConfigException e) {
            err.println(command + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println(command + ": cannot prepare " + dataDir + ": " + e);
            return 1;
        }
    }

    /**
     * Proves the server, joins it under this node's name and password, and plans the agent's instance; waits for a
     * server that cannot be reached yet ({@link JoinRetry}).
     */
    private static LaunchPlan join(ResolvedConfig config, String token, InstanceLayout layout, Path home,
            PrintStream err, String command) throws JoinVerifier.JoinException, IOException, ConfigException {
        String server = config.string("server");
        JoinRetry.Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
        // nothing is written on this machine before the server is proven to be the token's
        byte[] ca = JoinRetry.until(() -> JoinVerifier.fetchVerifiedCa(server, token), err, command, sleeper);
        Path passwordFile = Path.of(config.string("node-password-file"));
        String nodeName = config.bool("with-node-id")
                ? config.string("node-name") + "-" + NodePassword.nodeId(passwordFile)
                : config.string("node-name");
        String password = NodePassword.ensure(passwordFile);
        List<String> nodeIps = config.list("node-ip").isEmpty() ? List.of(NodeAddress.detect())
                : config.list("node-ip");
        NodeJoin.Joined joined = JoinRetry.until(() -> NodeJoin.join(server, token, ca, nodeName, password, nodeIps,
                layout.roleDir().resolve("tls")), err, command, sleeper);
        return LaunchPlans.agent(config, nodeName, nodeIps, joined, home);
    }

    private static Path runningLock(InstanceLayout layout) throws IOException {
        return KarafInstance.isLocked(layout.runtimeLockFile()) ? layout.runtimeLockFile() : layout.lockFile();
    }

    private static String shellExports(Map<String, String> vars) {
        StringBuilder out = new StringBuilder();
        vars.forEach((k, v) -> out.append("export ").append(k).append("='")
                .append(v.replace("'", "'\\''")).append("'\n"));
        return out.toString();
    }
}
