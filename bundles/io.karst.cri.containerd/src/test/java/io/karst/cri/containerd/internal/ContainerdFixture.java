package io.karst.cri.containerd.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real containerd for tests, in a temporary data directory and, when asked, in a network namespace of its own
 * ({@code karst-t-XXXXXX}), so the CNI bridge, its iptables rules and the pod veths live and die there and the
 * host's network is never touched. {@link #close} removes everything it made: sandboxes and containers, containerd
 * and its shims, mounts below the data and state directories, the namespace, the state directory, the data
 * directory, and the libcni cache files and stale shim sockets that containerd 1.6 leaves outside them.
 * Needs root and Debian's containerd, runc and CNI plugins; tests are skipped without them.
 */
final class ContainerdFixture implements AutoCloseable {
    static final Path CNI_RESULTS = Path.of("/var/lib/cni/results");
    static final Path SHIM_SOCKETS = Path.of("/run/containerd/s");

    final Path dataDir;
    final String netns;
    ContainerdNode node;
    /** How long containerd took from start until it answered Version. */
    long startMillis;
    private final Set<Path> cniResultsBefore;
    private final Set<Path> shimSocketsBefore;
    /** Directories outside the data directory that did not exist before, removed again if left empty. */
    private final List<Path> absentBefore = new ArrayList<>();

    private ContainerdFixture(Path dataDir, String netns, ContainerdNode node, long startMillis,
            Set<Path> cniResultsBefore, Set<Path> shimSocketsBefore) {
        this.dataDir = dataDir;
        this.netns = netns;
        this.node = node;
        this.startMillis = startMillis;
        this.cniResultsBefore = cniResultsBefore;
        this.shimSocketsBefore = shimSocketsBefore;
    }

    static void assumeNodeRuntime() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/containerd")), "needs containerd");
        assumeTrue(Files.isExecutable(Path.of("/usr/lib/cni/bridge")), "needs the CNI plugins");
    }

    /** Starts containerd, in its own network namespace if {@code ownNetwork}, and waits until it answers. */
    static ContainerdFixture start(boolean ownNetwork, List<Path> imageDirs) throws Exception {
        return start(ownNetwork, imageDirs, null);
    }

    /** As {@link #start(boolean, List)}, with a registries file (K3s's registries.yaml) or {@code null}. */
    static ContainerdFixture start(boolean ownNetwork, List<Path> imageDirs, Path registriesFile) throws Exception {
        assumeNodeRuntime();
        Set<Path> cniBefore = list(CNI_RESULTS);
        Set<Path> shimsBefore = list(SHIM_SOCKETS);
        List<Path> absent = Stream.of(CNI_RESULTS, CNI_RESULTS.getParent(), SHIM_SOCKETS, SHIM_SOCKETS.getParent(),
                Path.of("/run/karst")).filter(d -> !Files.exists(d)).toList();
        Path dataDir = Files.createTempDirectory("karst-cri-test-");
        String netns = null;
        List<String> launcher = List.of();
        if (ownNetwork) {
            netns = "karst-t-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
            run("ip", "netns", "add", netns);
            run("ip", "-n", netns, "link", "set", "lo", "up");
            launcher = List.of("nsenter", "--net=/run/netns/" + netns);
        }
        ContainerdNode.Settings settings = new ContainerdNode.Settings(dataDir, null,
                ContainerdLayout.DEFAULT_PAUSE_IMAGE, imageDirs, Path.of("/usr/lib/cni"), launcher, "containerd",
                "ctr", "zstd", registriesFile);
        long started = System.nanoTime();
        ContainerdNode node;
        try {
            node = ContainerdNode.start(settings);
        } catch (Exception e) {
            if (netns != null) {
                run("ip", "netns", "del", netns);
            }
            throw e;
        }
        ContainerdFixture fixture = new ContainerdFixture(dataDir, netns, node, 0, cniBefore, shimsBefore);
        fixture.absentBefore.addAll(absent);
        try {
            node.awaitReady(Duration.ofSeconds(30));
            node.watchImageDirs();
        } catch (Exception e) {
            fixture.close();
            throw e;
        }
        fixture.startMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("containerd answered Version " + fixture.startMillis + " ms after start ("
                + node.transport() + ")");
        return fixture;
    }

    /**
     * Stops this containerd as deactivation does (SIGTERM) and starts a new one on the same data directory, as a
     * restarted agent would.
     */
    void restart() throws Exception {
        ContainerdNode.Settings settings = node.settings();
        node.close();
        node = ContainerdNode.start(settings);
        node.awaitReady(Duration.ofSeconds(30));
        node.watchImageDirs();
    }

    CriContainerRuntime runtime() {
        return node.runtime();
    }

    CriImageService images() {
        return node.images();
    }

    @Override
    public void close() throws Exception {
        try {
            cleanRuntime();
        } catch (RuntimeException e) {
            System.err.println("cleanup through CRI failed: " + e);
        }
        node.close();
        ContainerdLayout layout = node.layout();
        killShimsOf(layout.socket());
        unmountBelow(List.of(dataDir, layout.runDir()));
        if (netns != null) {
            run("ip", "netns", "del", netns);
        }
        deleteTree(layout.runDir());
        deleteTree(dataDir);
        for (Path file : list(CNI_RESULTS)) {
            if (!cniResultsBefore.contains(file) && file.getFileName().toString().startsWith("karst-")) {
                Files.deleteIfExists(file);
            }
        }
        for (Path socket : list(SHIM_SOCKETS)) {
            if (!shimSocketsBefore.contains(socket) && !answers(socket)) {
                Files.deleteIfExists(socket);
            }
        }
        for (Path dir : absentBefore) {
            if (Files.isDirectory(dir) && list(dir).isEmpty()) {
                Files.deleteIfExists(dir);
            }
        }
    }

    private void cleanRuntime() {
        CriContainerRuntime runtime = node.runtime();
        if (node.problem().isPresent()) {
            return;
        }
        for (var container : runtime.listContainers()) {
            runtime.stopContainer(container.id(), Duration.ZERO);
            runtime.removeContainer(container.id());
        }
        for (var sandbox : runtime.listPodSandboxes()) {
            runtime.stopPodSandbox(sandbox.id());
            runtime.removePodSandbox(sandbox.id());
        }
    }

    /** Shims are started with {@code -address <containerd socket>}; they outlive containerd by design. */
    private static void killShimsOf(Path socket) {
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(socket.toString()))
                        .orElse(false))
                .forEach(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> p).join();
                });
    }

    private static void unmountBelow(List<Path> roots) throws IOException, InterruptedException {
        List<String> targets = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String target = line.split(" ")[4].replace("\\040", " ");
            for (Path root : roots) {
                if (target.startsWith(root.toString() + "/")) {
                    targets.add(target);
                }
            }
        }
        targets.sort(Comparator.comparing(String::length).reversed());
        for (String target : targets) {
            run("umount", "-l", target);
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Set<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return new HashSet<>(files.toList());
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /** The test images: built by scripts/build-images into target/test-images, or given as karst.test.images. */
    static Path testImages() throws IOException, InterruptedException {
        String given = System.getProperty("karst.test.images");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path out = Path.of("target/test-images").toAbsolutePath();
        if (Files.exists(out.resolve("karst-busybox.tar")) && Files.exists(out.resolve("karst-pause.tar"))) {
            return out;
        }
        Path script = Path.of("../../scripts/build-images").toAbsolutePath().normalize();
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("no test images: set -Dkarst.test.images=DIR (with karst-busybox.tar and "
                    + "karst-pause.tar) or provide " + script);
        }
        run(script.toString(), out.toString());
        return out;
    }
}
