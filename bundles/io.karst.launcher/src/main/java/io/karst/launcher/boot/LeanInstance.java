package io.karst.launcher.boot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The lean runtime of an agent without a shell, inside its data directory: the configurations in {@code etc/} (the
 * same {@code .config} files Karaf's File Install reads, read by the same File Install here), the framework's
 * properties, and the list of bundle jars, expanded from the agent's features in the distribution's features
 * repository plus {@code karst-lean-platform} (Declarative Services, ConfigAdmin, File Install, logging), which
 * stands in for Karaf's {@code scr} feature. bin/karst then runs {@code io.karst.launcher.runtime.AgentRuntime} on
 * it. The framework's cache is emptied at every start, so the bundles that run are always this start's list.
 */
final class LeanInstance {
    /** The feature that stands in for Karaf's platform. */
    static final String PLATFORM_FEATURE = "karst-lean-platform";
    /** Karaf features the agent's features name and the lean platform provides. */
    private static final Set<String> PROVIDED = Set.of("scr");

    private final Path home;
    private final InstanceLayout layout;

    LeanInstance(Path home, InstanceLayout layout) {
        this.home = home;
        this.layout = layout;
    }

    /** Writes the runtime; returns the environment bin/karst needs to run it. */
    Map<String, String> prepare(LaunchPlan plan) throws IOException {
        Path dir = layout.runtime();
        Path etc = dir.resolve("etc");
        Files.createDirectories(etc);
        Files.createDirectories(layout.logs());
        removeUnplannedConfigurations(etc, plan);
        for (Map.Entry<String, Map<String, Object>> c : plan.configurations().entrySet()) {
            KarafInstance.writeAtomically(etc.resolve(c.getKey() + ".config"), ConfigAdminFile.render(c.getValue()));
        }
        Path system = home.resolve("system");
        List<String> features = new ArrayList<>();
        features.add(PLATFORM_FEATURE);
        // Karaf's log, feature, config and scr: the lean platform stands in for them
        features.addAll(LaunchPlans.karstFeatures(plan));
        StringBuilder bundles = new StringBuilder();
        for (String location : FeatureBundles.read(featuresRepository(system)).bundles(features, PROVIDED)) {
            Path jar = FeatureBundles.inRepository(system, location);
            if (!Files.isRegularFile(jar)) {
                throw new IOException(location + " is missing from " + system + "; the installation is incomplete");
            }
            bundles.append(jar.toAbsolutePath()).append('\n');
        }
        KarafInstance.writeAtomically(dir.resolve("bundles"), bundles.toString());
        KarafInstance.writeAtomically(dir.resolve("framework.properties"), frameworkProperties(dir, etc));
        Path framework = FeatureBundles.inRepository(system, felixLocation());
        if (!Files.isRegularFile(framework)) {
            throw new IOException(framework + " is missing; the installation is incomplete");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KARST_RUNTIME", "lean");
        env.put("KARST_RUNTIME_DIR", dir.toString());
        env.put("KARST_RUNTIME_FRAMEWORK", framework.toAbsolutePath().toString());
        env.put("KARST_LOG", layout.logs().toString());
        return env;
    }

    /** The launcher writes every io.karst.* configuration at each start; one it did not write this time goes. */
    private static void removeUnplannedConfigurations(Path etc, LaunchPlan plan) throws IOException {
        try (Stream<Path> files = Files.list(etc)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".config")
                        && !plan.configurations().containsKey(name.substring(0, name.length() - ".config".length()))) {
                    Files.delete(f);
                }
            }
        }
    }

    private static String frameworkProperties(Path dir, Path etc) {
        Properties p = new Properties();
        p.setProperty("org.osgi.framework.storage", dir.resolve("data/cache").toString());
        p.setProperty("org.osgi.framework.storage.clean", "onFirstInit");
        // as Karaf's config.properties: packages of the JDK that bundles import (Netty, Guava, protobuf use
        // sun.misc.Unsafe) or load through the boot class loader
        p.setProperty("org.osgi.framework.system.packages.extra", "sun.misc");
        p.setProperty("org.osgi.framework.bootdelegation", "com.sun.*,sun.*,jdk.internal.reflect,jdk.internal.reflect.*");
        // Karaf's File Install settings, for the launcher's files only
        p.setProperty("felix.fileinstall.dir", etc.toString());
        p.setProperty("felix.fileinstall.filter", "io\\.karst\\..*\\.config");
        p.setProperty("felix.fileinstall.poll", "1000");
        // Not Karaf's noInitialDelay=true: then the starting thread and File Install's own thread both processed
        // the files at start, and the second, seeing the first one's configuration, sometimes updated it again; the
        // kubelet, reconfigured while it was activating, never registered its node (AgentEndToEndTest, restart
        // after 50 s). Here only File Install's thread reads them, once; Karaf keeps its configurations between
        // starts and so sees no change.
        p.setProperty("felix.fileinstall.noInitialDelay", "false");
        p.setProperty("felix.fileinstall.log.level", "3");
        // the launcher owns these files: nothing in the agent writes configurations back into them
        p.setProperty("felix.fileinstall.enableConfigSave", "false");
        java.io.StringWriter out = new java.io.StringWriter();
        try {
            p.store(out, "Written by karst at start: the lean agent runtime's framework");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static Path featuresRepository(Path system) throws IOException {
        Path dir = system.resolve("io/karst/karst-features");
        try (Stream<Path> walk = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
            return walk.filter(p -> p.getFileName().toString().endsWith("-features.xml")).sorted()
                    .reduce((a, b) -> b)
                    .orElseThrow(() -> new IOException("no Karst features repository under " + dir));
        }
    }

    /** The Felix framework Karaf itself runs on, as the distribution's etc/config.properties names it. */
    private String felixLocation() throws IOException {
        Properties config = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve("etc/config.properties"))) {
            config.load(in);
        }
        String location = config.getProperty("karaf.framework.felix");
        if (location == null) {
            throw new IOException("etc/config.properties of " + home + " names no karaf.framework.felix");
        }
        return location.trim();
    }
}
