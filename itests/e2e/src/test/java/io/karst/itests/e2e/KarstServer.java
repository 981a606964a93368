package io.karst.itests.e2e;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One {@code karst server} process on a temporary data dir with its own ports, started through bin/karst exactly
 * as a user starts it. {@link #close()} stops it with SIGTERM (kill -9 only as a fallback) and removes nothing
 * the test still wants to inspect.
 */
final class KarstServer implements AutoCloseable {
    final Path dataDir;
    final Path kubeconfig;
    int httpsPort;
    final int sshPort;
    /** The address the API listens on and the test reaches it at. */
    private String host = "127.0.0.1";
    final Path log;
    private final List<String> extraArgs;
    private final boolean node;
    /** The network namespace the server runs in, or null for the test's own. */
    private String netns;
    private Process process;

    /** A server without a node (--disable-agent): the API, controllers and scheduler only. */
    KarstServer(Path dataDir, List<String> extraArgs) throws IOException {
        this(dataDir, extraArgs, false);
    }

    /** @param node whether the server also runs its node (kubelet and containerd), as {@code karst server} does */
    KarstServer(Path dataDir, List<String> extraArgs, boolean node) throws IOException {
        this.node = node;
        this.dataDir = dataDir;
        this.kubeconfig = dataDir.resolve("karst.yaml");
        this.httpsPort = FreePort.find();
        this.sshPort = FreePort.find();
        this.log = dataDir.resolveSibling(dataDir.getFileName() + "-server.log");
        this.extraArgs = extraArgs;
    }

    /**
     * Listens on {@code host} (instead of 127.0.0.1) and {@code port}: servers sharing a datastore listen on one
     * port at addresses of their own, as upstream's endpoint reconciler expects.
     */
    KarstServer listeningOn(String host, int port) {
        this.host = host;
        this.httpsPort = port;
        return this;
    }

    /** Runs the server (and so its containerd and pods) in a network namespace the test made. */
    KarstServer inNetworkNamespace(String name) {
        this.netns = name;
        return this;
    }

    /** The command prefix that enters the server's network namespace (empty when it has none). */
    List<String> enter() {
        return netns == null ? List.of() : List.of("nsenter", "--net=/run/netns/" + netns);
    }

    KarstServer start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(enter());
        cmd.addAll(List.of(Distribution.karst().toString(), "server",
                "--data-dir", dataDir.toString(),
                "--https-listen-port", Integer.toString(httpsPort),
                "--admin-ssh-port", Integer.toString(sshPort),
                "--write-kubeconfig", kubeconfig.toString(),
                "--node-name", "e2e-node",
                "--bind-address", host));
        if (!node) {
            cmd.add("--disable-agent");
        }
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // The machine's /etc/karst/config.yaml must not leak into the test: point at an empty one.
        pb.environment().put("KARST_CONFIG_FILE", emptyConfig().toString());
        process = pb.start();
        return this;
    }

    /** Waits until {@code /readyz} answers ok; returns how long it took from now. */
    Duration awaitReady(Duration limit) throws Exception {
        Instant start = Instant.now();
        Instant deadline = start.plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("karst server exited with " + process.exitValue() + "\n" + logText());
            }
            if (Files.exists(serverCa())) {
                if (netns != null) {
                    // the port is only reachable inside the namespace
                    List<String> curl = new ArrayList<>(enter());
                    curl.addAll(List.of("curl", "-s", "--cacert", serverCa().toString(), url("/readyz")));
                    Commands.Result r = Commands.run(curl, Map.of(), Duration.ofSeconds(10));
                    if (r.exit() == 0 && r.stdout().equals("ok")) {
                        return Duration.between(start, Instant.now());
                    }
                } else {
                    try {
                        HttpResponse<String> r = get("/readyz");
                        if (r.statusCode() == 200 && r.body().equals("ok")) {
                            return Duration.between(start, Instant.now());
                        }
                    } catch (IOException notYet) {
                        // not listening yet
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("karst server not ready within " + limit + "\n" + logText());
    }

    Path serverCa() {
        return dataDir.resolve("server/tls/server-ca.crt");
    }

    Path tls(String file) {
        return dataDir.resolve("server/tls").resolve(file);
    }

    String url(String path) {
        return "https://" + host + ":" + httpsPort + path;
    }

    /** An anonymous request that trusts the server CA. */
    HttpResponse<String> get(String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trustingServerCa()).connectTimeout(Duration.ofSeconds(5))
                .build();
        return client.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    SSLContext trustingServerCa() throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate ca = (X509Certificate) cf.generateCertificate(
                new ByteArrayInputStream(Files.readAllBytes(serverCa())));
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("server-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Runs a command in the node's Karaf shell through bin/client, as an operator's script does. */
    Commands.Result shell(String commands) throws Exception {
        List<String> cmd = new ArrayList<>(enter());
        cmd.addAll(List.of("timeout", "60", Distribution.home().resolve("bin/client").toString(),
                "-b", "-r", "3", "-d", "2"));
        return Commands.run(cmd,
                Map.of("KARAF_ETC", dataDir.resolve("server/karaf/etc").toString()), Duration.ofSeconds(90),
                commands + "\n");
    }

    Commands.Result karst(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(enter());
        cmd.add(Distribution.karst().toString());
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("KARST_CONFIG_FILE", emptyConfig().toString()), Duration.ofSeconds(60));
    }

    private Path emptyConfig() throws IOException {
        Path file = dataDir.resolveSibling("empty-config.yaml");
        Files.writeString(file, "{}\n");
        return file;
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The TCP ports a running server listens on: HTTPS, the ssh shell and Karaf's loopback shutdown port. */
    Set<Integer> expectedTcpPorts() throws IOException {
        int shutdown = Integer.parseInt(Files.readString(dataDir.resolve("server/karaf/data/port")).trim());
        return Set.of(httpsPort, sshPort, shutdown);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the server gets no chance to clean up (release leases, close connections). */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /** SIGTERM, then up to 30 s for a clean stop; returns the exit code. */
    int stop() throws InterruptedException {
        if (process == null) {
            return -1;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("karst server ignored SIGTERM for 30 s and was killed");
        }
        return process.exitValue();
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
