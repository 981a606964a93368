package io.karst.launcher.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A Karaf instance of one role inside the data directory: a copy of the distribution's {@code etc/} refreshed at
 * every start, plus the configurations, boot features, shell credentials and ssh binding this start asks for.
 * Karaf installs {@code featuresBoot} only on the first start of an empty data folder, so a start with another
 * distribution or another list of features (a flag such as {@code --etcd-endpoint} added or dropped) starts from
 * an empty one; configurations of Karst PIDs this start does not ask for are removed.
 */
final class KarafInstance {
    private final Path karafHome;
    private final InstanceLayout layout;

    KarafInstance(Path karafHome, InstanceLayout layout) {
        this.karafHome = karafHome;
        this.layout = layout;
    }

    /**
     * Whether a Karaf process (or an agent's lean runtime) runs this instance now: it holds the OS lock on
     * {@link InstanceLayout#lockFile()} (or {@link InstanceLayout#runtimeLockFile()}), which the OS drops when the
     * process dies, even by kill -9.
     */
    static boolean isRunning(InstanceLayout layout) throws IOException {
        // an agent runs either Karaf or, without a shell, the lean runtime; either holds the node's data
        return isLocked(layout.lockFile()) || isLocked(layout.runtimeLockFile());
    }

    static boolean isLocked(Path lock) throws IOException {
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock taken = channel.tryLock();
            if (taken == null) {
                return true;
            }
            taken.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }

    /** Writes the instance; returns the environment bin/karaf needs to run it. */
    Map<String, String> prepare(LaunchPlan plan) throws IOException {
        Path etc = layout.karafEtc();
        Files.createDirectories(etc);
        Files.createDirectories(layout.logs());
        copyStockEtc(etc);
        dropStaleCache(plan.bootFeatures());
        Files.createDirectories(layout.karafData());
        removeUnplannedConfigurations(etc, plan.configurations().keySet());
        for (Map.Entry<String, Map<String, Object>> c : plan.configurations().entrySet()) {
            writeAtomically(etc.resolve(c.getKey() + ".config"), ConfigAdminFile.render(c.getValue()));
        }
        writeFeaturesBoot(etc.resolve("org.apache.karaf.features.cfg"), plan.bootFeatures());
        writeShellBinding(etc.resolve("org.apache.karaf.shell.cfg"), plan.sshPort());
        writeUsers(etc.resolve("users.properties"), shellPassword());
        lockInsideTheInstance(etc.resolve("config.properties"));
        return Map.of(
                "KARAF_ETC", etc.toString(),
                "KARAF_DATA", layout.karafData().toString(),
                "KARAF_LOG", layout.logs().toString());
    }

    private void copyStockEtc(Path etc) throws IOException {
        try (Stream<Path> files = Files.list(karafHome.resolve("etc"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, etc.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /**
     * Karaf keeps installed bundles in its cache and would go on running the old ones after the distribution was
     * replaced (an upgrade, or a rebuilt snapshot); a changed distribution therefore starts from an empty cache.
     * So does a changed list of boot features: Karaf's boot installer runs once per cache ({@code bootDone}), so it
     * would neither install a feature added to the list nor remove one taken out of it.
     */
    private void dropStaleCache(List<String> bootFeatures) throws IOException {
        String stamp = distributionDigest(bootFeatures);
        Path stampFile = layout.distributionStamp();
        String previous = Files.exists(stampFile) ? Files.readString(stampFile).trim() : "";
        if (!stamp.equals(previous)) {
            deleteTree(layout.karafData());
            writeAtomically(stampFile, stamp + "\n");
        }
    }

    /**
     * Karst's launcher writes {@code io.karst.*.config} (typed, PID = bundle name) at every start; one this start
     * does not write belongs to a component the operator turned off, such as the etcd endpoint, and must not
     * bring it back through file install.
     */
    private static void removeUnplannedConfigurations(Path etc, Set<String> plannedPids) throws IOException {
        try (Stream<Path> files = Files.list(etc)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.startsWith("io.karst.") && name.endsWith(".config")
                        && !plannedPids.contains(name.substring(0, name.length() - ".config".length()))) {
                    Files.delete(f);
                }
            }
        }
    }

    private String distributionDigest(List<String> bootFeatures) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(String.join(",", bootFeatures).getBytes(StandardCharsets.UTF_8));
            List<Path> parts = new ArrayList<>();
            parts.add(karafHome.resolve("etc/startup.properties"));
            Path system = karafHome.resolve("system/io/karst");
            if (Files.isDirectory(system)) {
                try (Stream<Path> walk = Files.walk(system)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(parts::add);
                }
            }
            for (Path p : parts) {
                sha.update(p.toString().getBytes(StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(p)) {
                    sha.update(in.readAllBytes());
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void writeFeaturesBoot(Path file, List<String> features) throws IOException {
        List<String> kept = new ArrayList<>();
        boolean continuation = false;
        for (String line : Files.readAllLines(file)) {
            boolean starts = line.trim().startsWith("featuresBoot") && !line.trim().startsWith("featuresBootAsynchronous");
            if (starts || continuation) {
                continuation = line.endsWith("\\");
                continue;
            }
            kept.add(line);
        }
        kept.add("featuresBoot = " + String.join(", ", features));
        writeAtomically(file, String.join("\n", kept) + "\n");
    }

    /**
     * Karaf's instance lock defaults to the installation directory, where a second node run from the same
     * installation would wait forever as a "slave"; each node locks its own data instead.
     *
     * <p>File Install must not write configurations back to their files. Karaf's {@code config:property-set}
     * rewrites a configuration's file in place (not atomically) and then updates the configuration; when File
     * Install's poll reads the file while it is being rewritten, it updates the configuration with the half-written
     * properties, and its write-back then saves those into the file for good: a property set from the shell was
     * seen to vanish this way (the etcd endpoint fell back to its default address). Without the write-back the
     * next poll reads the whole file and the configuration heals within a second. Nothing in Karst writes
     * configurations through ConfigurationAdmin at run time; the launcher and Karaf's shell write the files.
     */
    private void lockInsideTheInstance(Path configProperties) throws IOException {
        String text = Files.readString(configProperties);
        writeAtomically(configProperties, text + "\n# Written by karst: one lock per node instance.\nkaraf.lock.dir="
                + layout.karafData() + "\n# Written by karst: no write-back of configurations by File Install.\n"
                + "felix.fileinstall.enableConfigSave=false\n");
    }

    /** The administration shell listens on loopback only; port 0 means no ssh (the feature is not booted). */
    private static void writeShellBinding(Path file, int sshPort) throws IOException {
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String t = line.trim();
            if (!t.startsWith("sshPort") && !t.startsWith("sshHost")) {
                kept.add(line);
            }
        }
        kept.add("sshHost = 127.0.0.1");
        kept.add("sshPort = " + (sshPort == 0 ? 8101 : sshPort));
        writeAtomically(file, String.join("\n", kept) + "\n");
    }

    private static void writeUsers(Path file, String password) throws IOException {
        String users = """
                # Written by karst: the administration user of this node's shell (see cred/shell-password).
                karst = %s,_g_:admingroup
                _g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh
                """.formatted(password);
        writeAtomically(file, users);
        restrict(file);
    }

    /** Generated at first start and kept, never the stock karaf/karaf. */
    private String shellPassword() throws IOException {
        Path file = layout.shellPassword();
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.getParent());
        restrictDir(file.getParent());
        writeAtomically(file, password + "\n");
        restrict(file);
        return password;
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** As {@link #writeAtomically}, readable by the owner only from its first byte (private keys). */
    static void writePrivately(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restrict(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static void restrictDir(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
