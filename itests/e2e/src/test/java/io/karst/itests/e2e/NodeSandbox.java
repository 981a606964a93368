package io.karst.itests.e2e;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A network namespace for a node under test ({@code karst-e2e-XXXXXX}, with loopback and a veth pair holding
 * the node address 192.0.2.10 from TEST-NET-1; a {@link #secondNode} gets 192.0.2.11 on the other end), so the CNI bridge, iptables rules and pod veths of the node's
 * containerd never touch the host. {@link #cleanUp} removes what the node left outside its data dir once the server
 * has stopped: containerd's shims and their containers, mounts below the data dir and the state dir, the namespace,
 * the state dir, libcni cache files and shim sockets of this run.
 */
final class NodeSandbox implements AutoCloseable {
    static final String NODE_IP = "192.0.2.10";
    static final String SECOND_NODE_IP = "192.0.2.11";
    private static final Path CNI_RESULTS = Path.of("/var/lib/cni/results");
    private static final Path SHIM_SOCKETS = Path.of("/run/containerd/s");
    /** containerd's CRI pins each pod's network namespace here as cni-<uuid>. */
    private static final Path NETNS = Path.of("/run/netns");

    final String netns;
    private final Path dataDir;
    private final Set<Path> cniResultsBefore;
    private final Set<Path> shimSocketsBefore;
    private final Set<Path> podNetnsBefore;

    NodeSandbox(Path dataDir) throws Exception {
        this(dataDir, null);
        try {
            // a veth pair with both ends inside (this kernel has no dummy interfaces): the node's address
            run("ip", "-n", netns, "link", "add", "node0", "type", "veth", "peer", "name", "node1");
            run("ip", "-n", netns, "addr", "add", NODE_IP + "/24", "dev", "node0");
            run("ip", "-n", netns, "link", "set", "node0", "up");
            run("ip", "-n", netns, "link", "set", "node1", "up");
        } catch (Exception e) {
            run("ip", "netns", "del", netns);
            throw e;
        }
    }

    /**
     * A second machine on the wire of {@code first}: the free end of its veth pair moves into this namespace and
     * takes {@link #SECOND_NODE_IP}, so the two nodes reach each other as two hosts on one link do. Close this
     * one first (deleting its namespace deletes the link).
     */
    static NodeSandbox secondNode(Path dataDir, NodeSandbox first) throws Exception {
        NodeSandbox second = new NodeSandbox(dataDir, null);
        try {
            run("ip", "-n", first.netns, "link", "set", "node1", "netns", second.netns);
            run("ip", "-n", second.netns, "addr", "add", SECOND_NODE_IP + "/24", "dev", "node1");
            run("ip", "-n", second.netns, "link", "set", "node1", "up");
        } catch (Exception e) {
            run("ip", "netns", "del", second.netns);
            throw e;
        }
        return second;
    }

    /**
     * A machine on a link to this host: a veth pair from the host (taking {@code hostAddresses}, e.g. where servers
     * running on the host listen) into this namespace (taking {@code address}), all in one /24 that the host must
     * not use already (TEST-NET-2, 198.51.100.0/24: the host itself may sit in TEST-NET-1). Deleting the namespace
     * at {@link #close} deletes the pair and so the host's addresses.
     */
    static NodeSandbox linkedToHost(Path dataDir, List<String> hostAddresses, String address) throws Exception {
        NodeSandbox sandbox = new NodeSandbox(dataDir, null);
        String hostEnd = "kh" + sandbox.netns.substring(sandbox.netns.length() - 6);
        try {
            run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "node1", "netns", sandbox.netns);
            for (String hostAddress : hostAddresses) {
                run("ip", "addr", "add", hostAddress + "/24", "dev", hostEnd);
            }
            run("ip", "link", "set", hostEnd, "up");
            run("ip", "-n", sandbox.netns, "addr", "add", address + "/24", "dev", "node1");
            run("ip", "-n", sandbox.netns, "link", "set", "node1", "up");
        } catch (Exception e) {
            run("ip", "netns", "del", sandbox.netns);
            throw e;
        }
        return sandbox;
    }

    private NodeSandbox(Path dataDir, Void loopbackOnly) throws Exception {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.netns = "karst-e2e-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
        this.cniResultsBefore = list(CNI_RESULTS);
        this.shimSocketsBefore = list(SHIM_SOCKETS);
        this.podNetnsBefore = list(NETNS);
        run("ip", "netns", "add", netns);
        try {
            run("ip", "-n", netns, "link", "set", "lo", "up");
        } catch (Exception e) {
            run("ip", "netns", "del", netns);
            throw e;
        }
    }

    /** containerd's state below /run/karst, named as io.karst.cri.containerd names it for the data dir. */
    Path runDir() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(dataDir.toString().getBytes(StandardCharsets.UTF_8));
        return Path.of("/run/karst", HexFormat.of().formatHex(digest).substring(0, 12));
    }

    Path containerdSocket() throws Exception {
        return runDir().resolve("containerd/containerd.sock");
    }

    /** Containers in containerd's k8s.io namespace (pause containers of sandboxes included), by id. */
    List<String> containers() throws Exception {
        // ctr gives up dialing after a couple of seconds by default: too short for a containerd just restarted on a
        // loaded machine (failed once in CI)
        Commands.Result r = Commands.run(List.of("ctr", "--connect-timeout", "20s", "-a",
                containerdSocket().toString(), "-n", "k8s.io", "containers", "ls", "-q"), Map.of(),
                Duration.ofSeconds(30));
        if (r.exit() != 0) {
            throw new IllegalStateException("ctr containers ls: " + r);
        }
        return r.stdout().lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public void close() throws Exception {
        Path socket = containerdSocket();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(socket.toString())).orElse(false))
                .forEach(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> p).join();
                });
        // runc's state names the containers; their cgroups stay when runc could not delete them
        List<Path> cgroups = new ArrayList<>();
        for (Path container : list(runDir().resolve("runc/k8s.io"))) {
            for (Path controller : list(Path.of("/sys/fs/cgroup"))) {
                cgroups.add(controller.resolve("k8s.io").resolve(container.getFileName()));
            }
        }
        List<String> targets = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String target = line.split(" ")[4].replace("\\040", " ");
            if (target.startsWith(dataDir + "/") || target.startsWith(runDir() + "/")) {
                targets.add(target);
            }
        }
        targets.sort(Comparator.comparing(String::length).reversed());
        for (String target : targets) {
            run("umount", "-l", target);
        }
        run("ip", "netns", "del", netns);
        // pods' network namespaces that outlived their sandboxes (the node stopped before removing them): only
        // those made during this test and holding no process, so another node's running pods keep theirs
        for (Path pinned : list(NETNS)) {
            String name = pinned.getFileName().toString();
            if (!podNetnsBefore.contains(pinned) && name.startsWith("cni-")
                    && Commands.run(List.of("ip", "netns", "pids", name), Map.of(), Duration.ofSeconds(10))
                            .stdout().isBlank()) {
                run("ip", "netns", "del", name);
            }
        }
        for (Path cgroup : cgroups) {
            try {
                Files.deleteIfExists(cgroup); // rmdir: only an empty cgroup goes
            } catch (IOException busy) {
                // still in use or not a directory of ours
            }
        }
        deleteTree(runDir());
        for (Path file : list(CNI_RESULTS)) {
            if (!cniResultsBefore.contains(file) && file.getFileName().toString().startsWith("karst-")) {
                Files.deleteIfExists(file);
            }
        }
        for (Path s : list(SHIM_SOCKETS)) {
            if (!shimSocketsBefore.contains(s) && !answers(s)) {
                Files.deleteIfExists(s);
            }
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

    private static Set<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return new HashSet<>(files.toList());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void run(String... command) throws Exception {
        Commands.Result r = Commands.run(List.of(command), Map.of(), Duration.ofSeconds(30));
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + r);
        }
    }
}
