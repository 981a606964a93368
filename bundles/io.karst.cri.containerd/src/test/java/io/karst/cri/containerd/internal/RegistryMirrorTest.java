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
 * A registries.yaml at work on a real containerd: Debian's docker-registry (distribution 2.8) listens on
 * 192.0.2.10:5000 (TEST-NET-1) inside the test's network namespace, with TLS from a test CA, client certificates
 * required and htpasswd authentication; containerd pulls an image named after a registry that does not exist
 * ({@code registry.karst.test}) through the mirror the file names, trusting the file's CA, presenting its client
 * certificate and the credentials the file gives that mirror; and, through the {@code "*"} mirror, an image of any
 * other registry. The image is pushed there first with ctr through the same certs.d directory. Skipped without root,
 * containerd, openssl or docker-registry ({@code apt-get install docker-registry}; scripts/install-deps).
 */
class RegistryMirrorTest {
    private static final String REGISTRY_BINARY = "/usr/bin/docker-registry";
    /**
     * The mirror's address, added to the loopback interface of the test's network namespace: not a loopback address,
     * which containerd and ctr 1.6 treat specially (plain HTTP by default).
     */
    private static final String MIRROR_IP = "192.0.2.10";
    private static final String MIRROR = MIRROR_IP + ":5000";
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
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl");
        Path images = ContainerdFixture.testImages();
        work = Files.createTempDirectory("karst-registry-test-");
        certificates(work);
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
                  tls:
                    certificate: %s
                    key: %s
                    clientcas: [%s]
                auth:
                  htpasswd:
                    realm: karst-test
                    path: %s
                """.formatted(work.resolve("storage"), MIRROR, work.resolve("server.crt"), work.resolve("server.key"),
                work.resolve("ca.crt"), work.resolve("htpasswd")));
        Path registries = work.resolve("registries.yaml");
        Files.writeString(registries, """
                mirrors:
                  registry.karst.test:
                    endpoint:
                      - "https://%s"
                  "*":
                    endpoint: ["%s"]
                configs:
                  "%s":
                    auth:
                      username: %s
                      password: "%s"
                    tls:
                      ca_file: ca.crt
                      cert_file: client.crt
                      key_file: client.key
                """.formatted(MIRROR, MIRROR, MIRROR, USER, PASSWORD));

        fixture = ContainerdFixture.start(true, List.of(imageDir), registries);
        ContainerdRuntimeTest.waitFor(java.time.Duration.ofSeconds(30),
                () -> fixture.images().imageStatus(BUSYBOX).isPresent());
        ContainerdFixture.run("ip", "-n", fixture.netns, "addr", "add", MIRROR_IP + "/32", "dev", "lo");
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
        // ctr reads the certs.d directory too: the mirror's own hosts.toml (server, CA, client certificate)
        String certsDir = fixture.node.layout().registryConfigDir().toString();
        String mirrorHosts = Files.readString(
                fixture.node.layout().registryConfigDir().resolve(MIRROR + "/hosts.toml"));
        assertTrue(mirrorHosts.contains("ca = [\"" + work.resolve("ca.crt") + "\"]"), mirrorHosts);
        // the registry wants credentials: without them the push is refused
        IOException anonymous = assertThrows(IOException.class,
                () -> ctr(socket, "images", "push", "--hosts-dir", certsDir, pushed));
        assertTrue(anonymous.getMessage().contains("401") || anonymous.getMessage().contains("nauthorized"),
                () -> anonymous.getMessage() + "\n" + registryLog());
        ctr(socket, "images", "push", "--hosts-dir", certsDir, "--user", USER + ":" + PASSWORD, pushed);

        String hosts = Files.readString(fixture.node.layout().registryConfigDir()
                .resolve("registry.karst.test/hosts.toml"));
        assertTrue(hosts.contains("[host.\"https://" + MIRROR + "/v2\"]"), hosts);
        assertTrue(hosts.contains("client = [[\"" + work.resolve("client.crt") + "\", \"" + work.resolve("client.key")
                + "\"]]"), hosts);
        String ref = fixture.images().pullImage("registry.karst.test/karst/busybox:1.35.0");
        assertTrue(ref.startsWith("sha256:"), ref);
        assertTrue(fixture.images().imageStatus("registry.karst.test/karst/busybox:1.35.0").isPresent());
        synchronized (registryLog) {
            // resolved at the mirror for the registry named in the image, as the user the file names
            assertTrue(registryLog.stream().anyMatch(l -> l.contains("msg=\"authorized request\"")
                    && l.contains("/v2/karst/busybox/manifests/1.35.0?ns=registry.karst.test")),
                    String.join("\n", registryLog));
        }

        // "*": any other registry's images come through the mirror too (certs.d/_default)
        fixture.images().pullImage("elsewhere.karst.test/karst/busybox:1.35.0");
        assertTrue(registryLog().contains("/v2/karst/busybox/manifests/1.35.0?ns=elsewhere.karst.test"),
                RegistryMirrorTest::registryLog);

        ImagePullException missing = assertThrows(ImagePullException.class,
                () -> fixture.images().pullImage("registry.karst.test/karst/none:1"));
        // not at the mirror: the registry itself is tried last, and here it does not exist
        assertTrue(missing.getMessage().contains("https://registry.karst.test/v2/karst/none/manifests/1"),
                missing.getMessage());
        assertFalse(Files.readString(fixture.node.layout().logFile()).contains(PASSWORD),
                "containerd's log never shows the password");
    }

    private static String registryLog() {
        synchronized (registryLog) {
            return String.join("\n", registryLog);
        }
    }

    /** A CA, a server certificate for the mirror's address and a client certificate, with openssl. */
    private static void certificates(Path dir) throws Exception {
        String ec = "ec_paramgen_curve:P-256";
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "1", "-subj", "/CN=karst-test-ca");
        Files.writeString(dir.resolve("server.ext"),
                "subjectAltName=IP:" + MIRROR_IP + "\nextendedKeyUsage=serverAuth\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        for (String name : List.of("server", "client")) {
            openssl(dir, "req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", name + ".key", "-out",
                    name + ".csr", "-subj", "/CN=karst-test-" + name);
            openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".crt", "-days", "1", "-extfile", name + ".ext");
        }
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static String ctr(Path socket, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + fixture.netns, "ctr",
                "--address", socket.toString(), "--namespace", "k8s.io"));
        command.addAll(List.of(args));
        return ContainerdFixture.run(command.toArray(String[]::new));
    }
}
