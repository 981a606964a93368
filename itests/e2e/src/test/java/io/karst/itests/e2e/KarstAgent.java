package io.karst.itests.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code karst agent} process joining a server, started through bin/karst as a user starts it, in a network
 * namespace the test made (its own "machine"). Its node password file is kept in its data dir's parent, not in
 * the host's /etc/karst.
 */
final class KarstAgent implements AutoCloseable {
    final Path dataDir;
    final Path log;
    final Path passwordFile;
    final String nodeName;
    private final String netns;
    private final String nodeIp;
    private Process process;

    KarstAgent(Path dataDir, String netns, String nodeName) {
        this(dataDir, netns, nodeName, NodeSandbox.SECOND_NODE_IP);
    }

    KarstAgent(Path dataDir, String netns, String nodeName, String nodeIp) {
        this.nodeIp = nodeIp;
        this.dataDir = dataDir;
        this.netns = netns;
        this.nodeName = nodeName;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + "-agent.log");
        this.passwordFile = dataDir.resolveSibling(dataDir.getFileName() + "-node/password");
    }

    List<String> enter() {
        return List.of("nsenter", "--net=/run/netns/" + netns);
    }

    /** The agent's command line, for a run that is expected to end ({@link #run}) or to keep going. */
    List<String> command(String server, String token, String... extraArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(enter());
        cmd.addAll(List.of(Distribution.karst().toString(), "agent", "--server", server, "--token", token,
                "--data-dir", dataDir.toString(), "--node-name", nodeName, "--node-ip", nodeIp,
                "--admin-ssh-port", "0", "--node-password-file", passwordFile.toString()));
        cmd.addAll(List.of(extraArgs));
        return cmd;
    }

    KarstAgent start(String server, String token, String... extraArgs) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(server, token, extraArgs)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("KARST_CONFIG_FILE", emptyConfig().toString());
        process = pb.start();
        return this;
    }

    /** Runs {@code karst agent} to its end (a refused join ends at once). */
    Commands.Result run(String server, String token, String... extraArgs) throws Exception {
        return Commands.run(command(server, token, extraArgs), Map.of("KARST_CONFIG_FILE", emptyConfig().toString()),
                Duration.ofSeconds(60));
    }

    private Path emptyConfig() throws IOException {
        Path file = dataDir.resolveSibling("agent-empty-config.yaml");
        Files.writeString(file, "{}\n");
        return file;
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
