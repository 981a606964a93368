package io.karst.launcher.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KarafInstanceTest {
    private static final List<String> SERVER = List.of("scr", "karst-datastore-sqlite", "karst-apiserver");
    private static final List<String> SERVER_WITH_ETCD = List.of("scr", "karst-datastore-sqlite", "karst-etcdserver",
            "karst-apiserver");

    @TempDir
    Path tmp;
    Path home;
    InstanceLayout layout;
    KarafInstance instance;

    @BeforeEach
    void distribution() throws Exception {
        home = tmp.resolve("home");
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/startup.properties"), "mvn\\:org.apache.felix/x/1 = 5\n");
        Files.writeString(home.resolve("etc/org.apache.karaf.features.cfg"), "featuresBoot = \\\n    shell\n");
        Files.writeString(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort = 8101\n");
        Files.writeString(home.resolve("etc/config.properties"), "karaf.framework=felix\n");
        layout = InstanceLayout.of(tmp.resolve("data"), "server");
        instance = new KarafInstance(home, layout);
    }

    private static LaunchPlan plan(List<String> features, Map<String, Map<String, Object>> configurations) {
        return new LaunchPlan(configurations, features, 8101);
    }

    @Test
    void theSameFeaturesKeepKarafsCacheAndOtherFeaturesStartFromAnEmptyOne() throws Exception {
        instance.prepare(plan(SERVER, Map.of()));
        Path cached = Files.writeString(layout.karafData().resolve("cache-marker"), "installed bundles");
        instance.prepare(plan(SERVER, Map.of()));
        assertTrue(Files.exists(cached), "a restart with the same features keeps the cache");
        instance.prepare(plan(SERVER_WITH_ETCD, Map.of()));
        assertFalse(Files.exists(cached), "Karaf installs boot features only into an empty cache");
    }

    @Test
    void configurationsOfKarstPidsThisStartDoesNotWriteAreRemoved() throws Exception {
        Path etc = layout.karafEtc();
        instance.prepare(plan(SERVER_WITH_ETCD, Map.of("io.karst.etcdserver", Map.of("listen", "127.0.0.1:2379"),
                "io.karst.apiserver", Map.of("https.port", 6443))));
        assertTrue(Files.exists(etc.resolve("io.karst.etcdserver.config")));
        Files.writeString(etc.resolve("org.example.operator.cfg"), "kept = true\n");

        instance.prepare(plan(SERVER, Map.of("io.karst.apiserver", Map.of("https.port", 6443))));
        assertFalse(Files.exists(etc.resolve("io.karst.etcdserver.config")));
        assertTrue(Files.exists(etc.resolve("io.karst.apiserver.config")));
        assertTrue(Files.exists(etc.resolve("org.example.operator.cfg")));
    }

    @Test
    void theInstanceLocksItsOwnDataAndFileInstallDoesNotWriteConfigurationsBack() throws Exception {
        instance.prepare(plan(SERVER, Map.of()));
        Properties config = new Properties();
        try (Reader reader = Files.newBufferedReader(layout.karafEtc().resolve("config.properties"))) {
            config.load(reader);
        }
        assertEquals("felix", config.getProperty("karaf.framework"));
        assertEquals(layout.karafData().toString(), config.getProperty("karaf.lock.dir"));
        // a half-written file read by File Install's poll must not be saved back for good
        assertEquals("false", config.getProperty("felix.fileinstall.enableConfigSave"));
    }

    @Test
    void anInstanceWhoseLockIsHeldIsRunning() throws Exception {
        assertFalse(KarafInstance.isRunning(layout), "never started");
        instance.prepare(plan(SERVER, Map.of()));
        Files.createDirectories(layout.karafData());
        try (FileChannel channel = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            assertTrue(KarafInstance.isRunning(layout));
        }
        assertFalse(KarafInstance.isRunning(layout), "a lock file nobody holds is left by a stopped server");
    }
}
