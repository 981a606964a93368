package io.karst.cri.containerd.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a node's containerd keeps its files. Persistent data sits below {@code <data.dir>/agent/}; the state
 * (sockets, runc state) below {@code /run/karst/<12 hex>/}, a tmpfs that a reboot empties, as containerd expects.
 * The 12 hex digits are the start of the SHA-256 of the absolute data directory, so several nodes on one host (as
 * in tests) get separate state while every path stays far below the 108-byte limit of a Unix socket address.
 */
record ContainerdLayout(Path dataDir, Path runDir) {
    static final String DEFAULT_PAUSE_IMAGE = "localhost/karst/pause:1.35.0";
    static final String DEFAULT_CNI_BIN_DIR = "/usr/lib/cni";
    /** The name containerd's CRI plugin renders the template to (pkg/cri/server/update_runtime_config.go). */
    static final String CNI_CONFIG_FILE = "10-containerd-net.conflist";

    static ContainerdLayout of(Path dataDir) {
        Path absolute = dataDir.toAbsolutePath().normalize();
        return new ContainerdLayout(absolute, Path.of("/run/karst", shortHash(absolute.toString())));
    }

    Path agentDir() {
        return dataDir.resolve("agent");
    }

    /** containerd's {@code root}: content, snapshots, metadata. */
    Path root() {
        return agentDir().resolve("containerd");
    }

    Path optDir() {
        return agentDir().resolve("opt");
    }

    Path configFile() {
        return agentDir().resolve("etc/containerd/config.toml");
    }

    Path cniTemplate() {
        return agentDir().resolve("etc/containerd/cni.conflist.template");
    }

    /** containerd's registry hosts directory: {@code <registry host>/hosts.toml} for mirrors and credentials. */
    Path registryConfigDir() {
        return agentDir().resolve("etc/containerd/certs.d");
    }

    Path cniConfDir() {
        return agentDir().resolve("etc/cni/net.d");
    }

    /** host-local's allocations, kept in the data dir rather than /var/lib/cni/networks. */
    Path ipamDir() {
        return agentDir().resolve("cni/networks");
    }

    Path logFile() {
        return root().resolve("containerd.log");
    }

    /** Names of imported images, one a line: pinned, so image garbage collection keeps them. */
    Path importedImages() {
        return root().resolve("imported-images");
    }

    /** containerd's {@code state}. */
    Path state() {
        return runDir.resolve("containerd");
    }

    Path socket() {
        return state().resolve("containerd.sock");
    }

    Path pidFile() {
        return state().resolve("containerd.pid");
    }

    Path runcRoot() {
        return runDir.resolve("runc");
    }

    static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
