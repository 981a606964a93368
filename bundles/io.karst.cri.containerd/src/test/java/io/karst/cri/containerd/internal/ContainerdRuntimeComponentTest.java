package io.karst.cri.containerd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.karst.api.health.HealthCheck;
import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ImageService;

/**
 * The DS component and the supervisor without a framework: a recording BundleContext stands in for the registry.
 * No pod is run here, so containerd stays in the host's network namespace and touches nothing outside the data
 * directory and its state directory.
 */
class ContainerdRuntimeComponentTest {
    private record Registration(Class<?> type, Object service, Dictionary<String, ?> properties, boolean[] gone) {
    }

    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private Path dataDir;

    @BeforeEach
    void createDataDir() throws Exception {
        ContainerdFixture.assumeNodeRuntime();
        dataDir = Files.createTempDirectory("karst-cri-component-");
    }

    @AfterEach
    void removeDataDir() throws Exception {
        if (dataDir != null) {
            ContainerdLayout layout = ContainerdLayout.of(dataDir);
            ContainerdFixture.deleteTree(layout.runDir());
            ContainerdFixture.deleteTree(dataDir);
            Path run = layout.runDir().getParent();
            if (Files.isDirectory(run) && ContainerdFixture.list(run).isEmpty()) {
                Files.deleteIfExists(run);
            }
        }
    }

    @Test
    void servicesAppearOnceContainerdAnswersAndGoWithIt() throws Exception {
        ContainerdRuntimeComponent component = new ContainerdRuntimeComponent(context(), config(Map.of(
                "data.dir", dataDir.toString())));
        ContainerdRuntimeTest.waitFor(Duration.ofSeconds(30), () -> registrations.size() == 3);
        assertEquals(List.of(ContainerRuntime.class, ImageService.class, HealthCheck.class),
                registrations.stream().map(Registration::type).toList());
        Registration health = registrations.get(2);
        assertEquals("containerd", health.properties().get(HealthCheck.NAME));
        assertTrue(((HealthCheck) health.service()).check().healthy());
        assertEquals("containerd", ((ContainerRuntime) registrations.get(0).service()).version().runtimeName());

        ContainerdLayout layout = ContainerdLayout.of(dataDir);
        String config = Files.readString(layout.configFile());
        assertTrue(config.contains("sandbox_image = \"localhost/karst/pause:1.35.0\""), config);
        assertTrue(config.contains("address = \"" + layout.socket() + "\""), config);
        assertTrue(layout.socket().toString().startsWith("/run/karst/" + ContainerdLayout.shortHash(
                dataDir.toAbsolutePath().normalize().toString()) + "/containerd/"));
        ProcessHandle containerd = ProcessHandle.of(Long.parseLong(Files.readString(layout.pidFile()).strip()))
                .orElseThrow();

        component.deactivate();
        assertTrue(registrations.stream().allMatch(r -> r.gone()[0]), "all unregistered");
        assertFalse(containerd.isAlive(), "containerd stopped");
        assertFalse(Files.exists(layout.pidFile()));
        assertTrue(Files.readString(layout.logFile()).contains("containerd successfully booted"));
    }

    @Test
    void aBadRegistriesFileKeepsTheRuntimeFromStarting() throws Exception {
        Path registries = dataDir.resolve("registries.yaml");
        Files.writeString(registries, """
                configs:
                  registry.example:
                    auth:
                      username: karst
                      password: "s3cret"
                      pasword: typo
                """);
        RegistriesFile.InvalidRegistriesException refused = assertThrows(
                RegistriesFile.InvalidRegistriesException.class, () -> new ContainerdRuntimeComponent(context(),
                        config(Map.of("data.dir", dataDir.toString(), "registries.file", registries.toString()))));
        assertEquals(registries + ":6: configs.registry.example.auth.pasword: unknown key \"pasword\" (known: "
                + "username, password, auth, identity_token)", refused.getMessage());
        assertFalse(refused.getMessage().contains("s3cret"));
        assertFalse(Files.exists(ContainerdLayout.of(dataDir).configFile()), "nothing written, nothing started");
        assertTrue(registrations.isEmpty());
    }

    @Test
    void nothingIsRegisteredWhileTheEndpointDoesNotAnswer() throws Exception {
        Path socket = dataDir.resolve("nobody.sock");
        ContainerdRuntimeComponent component = new ContainerdRuntimeComponent(context(), config(Map.of(
                "data.dir", dataDir.toString(), "container.runtime.endpoint", "unix://" + socket)));
        Thread.sleep(1500);
        assertTrue(registrations.isEmpty());
        assertFalse(Files.exists(ContainerdLayout.of(dataDir).configFile()), "no config for an external runtime");
        component.deactivate();
        assertTrue(registrations.isEmpty());
    }

    @Test
    void aContainerdLeftByAKilledAgentIsStoppedBeforeANewOneStarts() throws Exception {
        ContainerdLayout layout = ContainerdLayout.of(dataDir);
        ContainerdConfigWriter.write(layout, ContainerdLayout.DEFAULT_PAUSE_IMAGE, Path.of("/usr/lib/cni"),
                RegistriesFile.none());
        Files.createDirectories(layout.state());
        // what a killed JVM leaves: its containerd, no longer anyone's child
        Process stale = new ProcessBuilder("containerd", "--config", layout.configFile().toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ContainerdRuntimeTest.waitFor(Duration.ofSeconds(10), () -> Files.exists(layout.socket()));

        ContainerdNode.Settings settings = new ContainerdNode.Settings(dataDir, null,
                ContainerdLayout.DEFAULT_PAUSE_IMAGE, List.of(), Path.of("/usr/lib/cni"), List.of(), "containerd",
                "ctr", "zstd", null);
        try (ContainerdNode node = ContainerdNode.start(settings)) {
            assertFalse(stale.isAlive(), "the stale containerd was stopped");
            assertEquals(0, stale.exitValue(), "with SIGTERM, not killed");
            long start = System.nanoTime();
            node.awaitReady(Duration.ofSeconds(30));
            System.out.println("containerd answered Version " + (System.nanoTime() - start) / 1_000_000
                    + " ms after it was started (JVM warm)");
            assertTrue(node.health().healthy());
        } finally {
            stale.destroyForcibly();
        }
    }

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("registerService") || !(args[0] instanceof Class<?> type)) {
                        throw new UnsupportedOperationException(method.toString());
                    }
                    @SuppressWarnings("unchecked")
                    Registration registration = new Registration(type, args[1], (Dictionary<String, ?>) args[2],
                            new boolean[1]);
                    registrations.add(registration);
                    return Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                                if (m.getName().equals("unregister")) {
                                    registration.gone()[0] = true;
                                    return null;
                                }
                                throw new UnsupportedOperationException(m.toString());
                            });
                });
    }

    /** The configuration as DS would hand it over: property names with dots, defaults from the annotation. */
    private static ContainerdConfig config(Map<String, Object> properties) {
        return (ContainerdConfig) Proxy.newProxyInstance(ContainerdConfig.class.getClassLoader(),
                new Class<?>[] {ContainerdConfig.class}, (proxy, method, args) -> {
                    Object value = properties.get(method.getName().replace('_', '.'));
                    return value != null ? value : method.getDefaultValue();
                });
    }
}
