package io.karst.launcher.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeanInstanceTest {
    private static final String FEATURES = """
            <features name="karst-1" xmlns="http://karaf.apache.org/xmlns/features/v1.6.0">
              <feature name="karst-lean-platform" version="1">
                <bundle>mvn:org.apache.felix/org.apache.felix.scr/2.2.18</bundle>
              </feature>
              <feature name="karst-api" version="1">
                <bundle>mvn:io.karst/io.karst.api/1</bundle>
              </feature>
              <feature name="karst-kubelet" version="1">
                <feature prerequisite="true">scr</feature>
                <feature>karst-api</feature>
                <feature dependency="true">karst-apiserver</feature>
                <bundle>mvn:io.karst/io.karst.kubelet/1</bundle>
                <conditional><condition>shell</condition><bundle>mvn:io.karst/io.karst.shell/1</bundle></conditional>
              </feature>
            </features>
            """;

    @TempDir
    Path tmp;
    Path home;
    InstanceLayout layout;

    @BeforeEach
    void distribution() throws IOException {
        home = tmp.resolve("home");
        write(home.resolve("system/io/karst/karst-features/1/karst-features-1-features.xml"), FEATURES);
        write(home.resolve("etc/config.properties"),
                "karaf.framework.felix=mvn\\:org.apache.felix/org.apache.felix.framework/7.0.5\n");
        for (String jar : List.of("org/apache/felix/org.apache.felix.framework/7.0.5/org.apache.felix.framework-7.0.5.jar",
                "org/apache/felix/org.apache.felix.scr/2.2.18/org.apache.felix.scr-2.2.18.jar",
                "io/karst/io.karst.api/1/io.karst.api-1.jar", "io/karst/io.karst.kubelet/1/io.karst.kubelet-1.jar")) {
            write(home.resolve("system").resolve(jar), "");
        }
        layout = InstanceLayout.of(tmp.resolve("data"), "agent");
    }

    @Test
    void writesTheBundlesOfThePlatformAndTheFeaturesTheConfigurationsAndTheFramework() throws IOException {
        // as LaunchPlans.agent plans it: Karaf's platform features first
        LaunchPlan plan = new LaunchPlan(Map.of("io.karst.kubelet", Map.of("node.name", "n1")),
                List.of("log", "feature", "config", "scr", "karst-kubelet"), 0);
        Map<String, String> env = new LeanInstance(home, layout).prepare(plan);

        Path system = home.resolve("system").toAbsolutePath();
        assertEquals(List.of(system + "/org/apache/felix/org.apache.felix.scr/2.2.18/org.apache.felix.scr-2.2.18.jar",
                system + "/io/karst/io.karst.api/1/io.karst.api-1.jar",
                system + "/io/karst/io.karst.kubelet/1/io.karst.kubelet-1.jar"),
                Files.readAllLines(layout.runtime().resolve("bundles")));
        assertTrue(Files.readString(layout.runtime().resolve("etc/io.karst.kubelet.config")).contains("node.name=\"n1\""));
        Properties framework = new Properties();
        try (InputStream in = Files.newInputStream(layout.runtime().resolve("framework.properties"))) {
            framework.load(in);
        }
        assertEquals(layout.runtime().resolve("etc").toString(), framework.getProperty("felix.fileinstall.dir"));
        assertEquals(layout.runtime().resolve("data/cache").toString(),
                framework.getProperty("org.osgi.framework.storage"));
        assertEquals("lean", env.get("KARST_RUNTIME"));
        assertEquals(system + "/org/apache/felix/org.apache.felix.framework/7.0.5/org.apache.felix.framework-7.0.5.jar",
                env.get("KARST_RUNTIME_FRAMEWORK"));
        assertEquals(layout.logs().toString(), env.get("KARST_LOG"));
        assertFalse(Files.exists(layout.roleDir().resolve("karaf")), "no Karaf instance");
    }

    @Test
    void aConfigurationThisStartDoesNotWriteIsRemoved() throws IOException {
        write(layout.runtime().resolve("etc/io.karst.old.config"), "x=\"1\"\n");
        new LeanInstance(home, layout).prepare(new LaunchPlan(Map.of(), List.of("karst-kubelet"), 0));
        assertFalse(Files.exists(layout.runtime().resolve("etc/io.karst.old.config")));
    }

    @Test
    void aMissingBundleIsAnIncompleteInstallation() throws IOException {
        Files.delete(home.resolve("system/io/karst/io.karst.api/1/io.karst.api-1.jar"));
        IOException e = assertThrows(IOException.class,
                () -> new LeanInstance(home, layout).prepare(new LaunchPlan(Map.of(), List.of("karst-kubelet"), 0)));
        assertTrue(e.getMessage().contains("mvn:io.karst/io.karst.api/1"), e.getMessage());
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
