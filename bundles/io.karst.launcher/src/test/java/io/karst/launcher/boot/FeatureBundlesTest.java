package io.karst.launcher.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FeatureBundlesTest {
    /** The project's own repository, as the build filters it into system/ (versions still as properties here). */
    private static final Path FEATURES = Path.of("../../features/src/main/feature/feature.xml");
    private static final List<String> AGENT = List.of("karst-lean-platform", "karst-client-remote",
            "karst-cri-containerd", "karst-kubelet", "karst-tunnel");

    @Test
    void theLeanAgentGetsItsFeaturesBundlesAndThePlatformsButNoKarafAndNoServer() throws Exception {
        List<String> bundles = FeatureBundles.read(FEATURES).bundles(AGENT, Set.of("scr"));
        assertTrue(bundles.contains("mvn:org.apache.felix/org.apache.felix.scr/${felix.scr.version}"), bundles::toString);
        assertTrue(bundles.contains("mvn:io.karst/io.karst.kubelet/${project.version}"));
        assertTrue(bundles.contains("mvn:io.karst/io.karst.cri.containerd/${project.version}"));
        assertTrue(bundles.contains("mvn:com.google.protobuf/protobuf-java/${protobuf.version}"));
        // dependency bundles are installed (the condition API is needed, Karaf's system bundle lacks it)
        assertTrue(bundles.contains("mvn:org.osgi/org.osgi.service.condition/1.0.0"));
        // dependency features are not: the kubelet's default API server and PKI are a server's
        assertFalse(bundles.stream().anyMatch(b -> b.contains("apiserver") || b.contains("pki")
                || b.contains("bouncycastle") || b.contains("sqlite")), bundles::toString);
        // each once, the platform first, a provider after the API it imports
        assertEquals(bundles.size(), Set.copyOf(bundles).size());
        assertEquals("mvn:org.slf4j/slf4j-api/${slf4j.version}", bundles.get(0));
        assertTrue(bundles.indexOf("mvn:io.karst/io.karst.api/${project.version}")
                < bundles.indexOf("mvn:io.karst/io.karst.kubelet/${project.version}"));
    }

    @Test
    void aFeatureOfAnotherRepositoryMustBeProvidedByThePlatform() throws Exception {
        FeatureBundles repository = FeatureBundles.read(FEATURES);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> repository.bundles(List.of("karst-kubelet"), Set.of()));
        assertTrue(e.getMessage().contains("scr"), e.getMessage());
        // karst-admin needs Karaf's shell, which the lean platform does not provide
        assertThrows(IllegalArgumentException.class, () -> repository.bundles(List.of("karst-admin"), Set.of("scr")));
    }

    @Test
    void mavenLocationsMapToTheRepositoryLayout() {
        Path system = Path.of("/opt/karst/system");
        assertEquals(system.resolve("io/netty/netty-common/4.2.18.Final/netty-common-4.2.18.Final.jar"),
                FeatureBundles.inRepository(system, "mvn:io.netty/netty-common/4.2.18.Final"));
        assertEquals(system.resolve("io/netty/netty-transport-native-epoll/4.2.18.Final/"
                + "netty-transport-native-epoll-4.2.18.Final-linux-x86_64.jar"), FeatureBundles.inRepository(system,
                        "mvn:io.netty/netty-transport-native-epoll/4.2.18.Final/jar/linux-x86_64"));
        assertThrows(IllegalArgumentException.class, () -> FeatureBundles.inRepository(system, "file:/x.jar"));
    }
}
