package io.karst.cri.containerd.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.karst.api.node.ImagePullException;

/**
 * A registries.yaml at work on a real containerd: Debian's docker-registry (distribution 2.8, htpasswd
 * authentication) listens on 127.0.0.1:5000 inside the test's network namespace, and containerd pulls an image named
 * after a registry that does not exist ({@code registry.karst.test}) through the mirror the file names, with the
 * credentials the file gives that mirror. Skipped without root, containerd or docker-registry
 * ({@code apt-get install docker-registry}; scripts/install-deps).
 */
class RegistryMirrorTest {
    private static final String REGISTRY_BINARY = "/usr/bin/docker-registry";
    private static final String MIRROR = "127.0.0.1:5000";
    private static final String USER = "karst";
    private static final String PASSWORD = "karst-test-password";
    /** bcrypt of {@link #PASSWORD}, as htpasswd -B would write it. */
    private static final String PASSWORD_HASH = "$2b$12$JxOrnPF83AbQEqsvucWesepOgIkD4PCrbouQCq1XNlTc1/vk5ksEC";
    private static final String BUSYBOX = "localhost/karst/busybox:1.35.0";

    private static Path work;
    private static ContainerdFixture fixture;
    private static Process registry;
    private static final List<String> registryLog = new ArrayList<>();

    @BeforeAll
    static void startContainerdAndRegistry() throws Exception {
        ContainerdFixture.assumeNodeRuntime();
        assumeTrue(Files.isExecutable(Path.of(REGISTRY_BINARY)), "needs docker-registry");
        Path images = ContainerdFixture.testImages();
        work = Files.createTempDirectory("karst-registry-test-");
        Path imageDir = Files.createDirectories(work.resolve("images"));
        Files.copy(images.resolve("karst-busybox.tar"), imageDir.resolve("karst-busybox.tar"));
        Files.writeString(work.resolve("htpasswd"), USER + ":" + PASSWORD_HASH + "\n");
        Files.writeString(work.resolve("config.yml"), """
                version: 0.1
                log:
                  level: info
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: %s
                auth:
                  htpasswd:
                    realm: karst-test
                    path: %s
                """.formatted(work.resolve("storage"), MIRROR, work.resolve("htpasswd")));
        Path registries = work.resolve("registries.yaml");
        Files.writeString(registries, """
                mirrors:
                  registry.karst.test:
                    endpoint:
                      - "http://%s"
                configs:
                  "%s":
                    auth:
                      username: %s
                      password: "%s"
                """.formatted(MIRROR, MIRROR, USER, PASSWORD));

        fixture = ContainerdFixture.start(true, List.of(imageDir), registries);
        ContainerdRuntimeTest.waitFor(java.time.Duration.ofSeconds(30),
                () -> fixture.images().imageStatus(BUSYBOX).isPresent());
        registry = new ProcessBuilder("nsenter", "--net=/run/netns/" + fixture.netns, REGISTRY_BINARY, "serve",
                work.resolve("config.yml").toString()).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (var lines = registry.inputReader()) {
                lines.lines().forEach(line -> {
                    synchronized (registryLog) {
                        registryLog.add(line);
                    }
                });
            } catch (IOException e) {
                // the registry stopped
            }
        }, "registry-log");
        reader.setDaemon(true);
        reader.start();
        ContainerdRuntimeTest.waitFor(java.time.Duration.ofSeconds(15), () -> {
            synchronized (registryLog) {
                return registryLog.stream().anyMatch(l -> l.contains("listening on"));
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.destroy();
            if (!registry.waitFor(5, TimeUnit.SECONDS)) {
                registry.destroyForcibly();
            }
        }
        if (fixture != null) {
            fixture.close();
        }
        if (work != null) {
            ContainerdFixture.deleteTree(work);
        }
    }

    @Test
    void anImageOfAnUnreachableRegistryIsPulledThroughTheMirrorWithTheFilesCredentials() throws Exception {
        Path socket = fixture.node.layout().socket();
        String pushed = MIRROR + "/karst/busybox:1.35.0";
        ctr(socket, "images", "tag", "--force", BUSYBOX, pushed);
        // the registry wants credentials: without them the push is refused
        IOException anonymous = assertThrows(IOException.class,
                () -> ctr(socket, "images", "push", "--plain-http", pushed));
        assertTrue(anonymous.getMessage().contains("401") || anonymous.getMessage().contains("nauthorized"),
                anonymous.getMessage());
        ctr(socket, "images", "push", "--plain-http", "--user", USER + ":" + PASSWORD, pushed);

        String hosts = Files.readString(fixture.node.layout().registryConfigDir()
                .resolve("registry.karst.test/hosts.toml"));
        assertTrue(hosts.contains("[host.\"http://" + MIRROR + "/v2\"]"), hosts);
        String ref = fixture.images().pullImage("registry.karst.test/karst/busybox:1.35.0");
        assertTrue(ref.startsWith("sha256:"), ref);
        assertTrue(fixture.images().imageStatus("registry.karst.test/karst/busybox:1.35.0").isPresent());
        synchronized (registryLog) {
            // resolved at the mirror for the registry named in the image, as the user the file names
            assertTrue(registryLog.stream().anyMatch(l -> l.contains("msg=\"authorized request\"")
                    && l.contains("/v2/karst/busybox/manifests/1.35.0?ns=registry.karst.test")),
                    String.join("\n", registryLog));
        }

        ImagePullException missing = assertThrows(ImagePullException.class,
                () -> fixture.images().pullImage("registry.karst.test/karst/none:1"));
        // not at the mirror: the registry itself is tried last, and here it does not exist
        assertTrue(missing.getMessage().contains("https://registry.karst.test/v2/karst/none/manifests/1"),
                missing.getMessage());
        assertFalse(Files.readString(fixture.node.layout().logFile()).contains(PASSWORD),
                "containerd's log never shows the password");
    }

    private static String ctr(Path socket, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + fixture.netns, "ctr",
                "--address", socket.toString(), "--namespace", "k8s.io"));
        command.addAll(List.of(args));
        return ContainerdFixture.run(command.toArray(String[]::new));
    }
}
