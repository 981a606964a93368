package io.karst.cri.containerd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.karst.api.node.ContainerConfig;
import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerStatus;
import io.karst.api.node.ExecResult;
import io.karst.api.node.Image;
import io.karst.api.node.ImageFsInfo;
import io.karst.api.node.ImagePullException;
import io.karst.api.node.PodSandboxConfig;
import io.karst.api.node.PodSandboxStatus;
import io.karst.api.node.RuntimeStatus;
import io.karst.api.node.RuntimeVersion;
import io.karst.api.node.SandboxState;

/**
 * One pod's life on a real containerd in a network namespace of the test's own: image import, the pod network
 * from the pod CIDR, a sandbox with an address from it, a busybox container with its log, exec and stop, and the
 * cleanup that leaves nothing listed. The steps share one containerd and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerdRuntimeTest {
    private static final String BUSYBOX = "localhost/karst/busybox:1.35.0";
    private static final String PAUSE = "localhost/karst/pause:1.35.0";

    private static ContainerdFixture fixture;
    private static Path images;
    private static Path watched;
    private static String sandboxId;
    private static PodSandboxConfig sandboxConfig;
    private static String containerId;

    @BeforeAll
    static void startContainerd() throws Exception {
        ContainerdFixture.assumeNodeRuntime();
        images = ContainerdFixture.testImages();
        watched = Files.createTempDirectory("karst-cri-images-");
        fixture = ContainerdFixture.start(true, List.of(watched));
    }

    @AfterAll
    static void stopContainerd() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        if (watched != null) {
            ContainerdFixture.deleteTree(watched);
        }
    }

    @Test
    @Order(1)
    void versionAndRuntimeReady() {
        RuntimeVersion version = fixture.runtime().version();
        assertEquals("containerd", version.runtimeName());
        assertEquals("v1", version.runtimeApiVersion());
        assertTrue(fixture.runtime().status().runtimeReady());
        assertTrue(fixture.node.health().healthy(), fixture.node.health().reason());
    }

    @Test
    @Order(2)
    void importedImagesAreListedAndPinned() throws Exception {
        assertEquals(List.of(BUSYBOX), fixture.images().importArchive(images.resolve("karst-busybox.tar")));
        assertEquals(List.of(PAUSE), fixture.images().importArchive(images.resolve("karst-pause.tar")));

        List<Image> listed = fixture.images().listImages();
        for (String name : List.of(BUSYBOX, PAUSE)) {
            Image image = listed.stream().filter(i -> i.repoTags().contains(name)).findFirst().orElseThrow();
            assertTrue(image.pinned(), name + " pinned");
            assertTrue(image.size() > 0);
        }
        assertTrue(fixture.images().imageStatus(BUSYBOX).orElseThrow().pinned());
        assertTrue(fixture.images().imageStatus("localhost/karst/absent:0").isEmpty());
    }

    @Test
    @Order(3)
    void compressedArchivesImportToo() throws Exception {
        Path gz = watched.resolveSibling(watched.getFileName() + "-busybox.tar.gz");
        try (InputStream in = Files.newInputStream(images.resolve("karst-busybox.tar"));
                OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            in.transferTo(out);
        }
        Path zst = watched.resolveSibling(watched.getFileName() + "-busybox.tar.zst");
        ContainerdFixture.run("zstd", "-q", "-f", images.resolve("karst-busybox.tar").toString(), "-o",
                zst.toString());
        try {
            assertEquals(List.of(BUSYBOX), fixture.images().importArchive(gz));
            assertEquals(List.of(BUSYBOX), fixture.images().importArchive(zst));
        } finally {
            Files.deleteIfExists(gz);
            Files.deleteIfExists(zst);
        }
    }

    @Test
    @Order(3)
    void aBrokenArchiveFailsWithCtrsMessage() throws Exception {
        Path broken = watched.resolveSibling(watched.getFileName() + "-broken.tar");
        Files.writeString(broken, "not a tar archive\n".repeat(100));
        try {
            ContainerRuntimeException e = assertThrows(ContainerRuntimeException.class,
                    () -> fixture.images().importArchive(broken));
            assertTrue(e.getMessage().startsWith("cannot import " + broken + ": "), e.getMessage());
            System.out.println("broken archive: " + e.getMessage());
            assertThrows(ContainerRuntimeException.class,
                    () -> fixture.images().importArchive(images.resolve("nothing-here.tar")));
        } finally {
            Files.deleteIfExists(broken);
        }
    }

    @Test
    @Order(4)
    void podCidrRendersTheNetworkConfig() throws Exception {
        fixture.runtime().updatePodCidr("10.42.0.0/24");
        Path conflist = fixture.node.layout().cniConfDir().resolve(ContainerdLayout.CNI_CONFIG_FILE);
        assertTrue(Files.readString(conflist).contains("\"subnet\": \"10.42.0.0/24\""), Files.readString(conflist));
        waitFor(Duration.ofSeconds(10), () -> fixture.runtime().status().networkReady());
        RuntimeStatus status = fixture.runtime().status();
        assertTrue(status.runtimeReady() && status.networkReady(), status.message());
        assertEquals("", status.message());
    }

    @Test
    @Order(5)
    void sandboxGetsAnAddressFromThePodCidr() throws Exception {
        Path logs = fixture.dataDir.resolve("pods/default_web_uid-1");
        sandboxConfig = new PodSandboxConfig("web", "default", "uid-1", 0, "web-pod", logs.toString(),
                Map.of("app", "web"), Map.of("note", "test"), List.of(), null, false, null);
        long start = System.nanoTime();
        sandboxId = fixture.runtime().runPodSandbox(sandboxConfig);
        System.out.println("RunPodSandbox took " + (System.nanoTime() - start) / 1_000_000 + " ms");

        PodSandboxStatus status = fixture.runtime().podSandboxStatus(sandboxId).orElseThrow();
        assertEquals(SandboxState.READY, status.state());
        assertEquals("web", status.name());
        assertEquals("uid-1", status.uid());
        assertEquals("web", status.labels().get("app"));
        assertEquals(1, status.ips().size(), status.ips().toString());
        byte[] address = InetAddress.getByName(status.ips().get(0)).getAddress();
        assertEquals(10, address[0]);
        assertEquals(42, address[1]);
        assertEquals(0, address[2]);
        assertEquals(List.of(sandboxId), fixture.runtime().listPodSandboxes().stream().map(s -> s.id()).toList());
    }

    @Test
    @Order(6)
    void aMissingImageIsNamedInTheError() {
        ContainerRuntimeException e = assertThrows(ContainerRuntimeException.class,
                () -> fixture.runtime().createContainer(sandboxId, container("ghost", "localhost/karst/ghost:9.9"),
                        sandboxConfig));
        assertTrue(e.getMessage().contains("localhost/karst/ghost:9.9"), e.getMessage());
    }

    @Test
    @Order(7)
    void containerRunsAndLogs() throws Exception {
        long start = System.nanoTime();
        containerId = fixture.runtime().createContainer(sandboxId, container("main", BUSYBOX), sandboxConfig);
        fixture.runtime().startContainer(containerId);
        System.out.println("CreateContainer+StartContainer took " + (System.nanoTime() - start) / 1_000_000 + " ms");

        ContainerStatus status = fixture.runtime().containerStatus(containerId).orElseThrow();
        assertEquals(ContainerState.RUNNING, status.state());
        assertEquals("main", status.name());
        assertEquals(BUSYBOX, status.image());
        Path log = Path.of(status.logPath());
        assertEquals(Path.of(sandboxConfig.logDirectory(), "main/0.log"), log);
        waitFor(Duration.ofSeconds(10), () -> read(log).contains(" stdout F hello\n"));
        assertEquals(List.of(containerId), fixture.runtime().listContainers().stream().map(c -> c.id()).toList());
    }

    @Test
    @Order(8)
    void execSyncRunsInTheContainer() {
        ExecResult result = fixture.runtime().execSync(containerId, List.of("cat", "/etc/hostname"),
                Duration.ofSeconds(10));
        assertEquals(0, result.exitCode());
        assertEquals("web-pod\n", new String(result.stdout(), StandardCharsets.UTF_8));

        ExecResult failed = fixture.runtime().execSync(containerId, List.of("sh", "-c", "echo oops >&2; exit 3"),
                Duration.ofSeconds(10));
        assertEquals(3, failed.exitCode());
        assertEquals("oops\n", new String(failed.stderr(), StandardCharsets.UTF_8));
    }

    @Test
    @Order(8)
    void streamingCallsReturnTheStreamingServersSingleUseUrls() {
        // containerd's streaming server listens on loopback inside the node's network namespace, with a token each
        java.net.URI exec = fixture.runtime().exec(containerId, List.of("sh"), false, true, true, true);
        assertTrue(exec.toString().matches("http://127\\.0\\.0\\.1:\\d+/exec/\\S+"), exec.toString());
        java.net.URI attach = fixture.runtime().attach(containerId, false, false, true, true);
        assertTrue(attach.toString().matches("http://127\\.0\\.0\\.1:\\d+/attach/\\S+"), attach.toString());
        java.net.URI forward = fixture.runtime().portForward(sandboxId, List.of(8080));
        assertTrue(forward.toString().matches("http://127\\.0\\.0\\.1:\\d+/portforward/\\S+"),
                forward.toString());
        assertFalse(exec.getPath().equals(fixture.runtime().exec(containerId, List.of("sh"), false, true, true, true)
                .getPath()), "a new token per call");
        assertThrows(io.karst.api.node.ContainerRuntimeException.class,
                () -> fixture.runtime().exec("no-such-container", List.of("sh"), false, false, true, false));
    }

    @Test
    @Order(9)
    void containersKeepRunningAcrossAnAgentRestart() throws Exception {
        PodSandboxStatus before = fixture.runtime().podSandboxStatus(sandboxId).orElseThrow();
        long start = System.nanoTime();
        fixture.restart();
        System.out.println("containerd stopped and started again, answering, in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
        assertEquals(ContainerState.RUNNING, fixture.runtime().containerStatus(containerId).orElseThrow().state());
        PodSandboxStatus after = fixture.runtime().podSandboxStatus(sandboxId).orElseThrow();
        assertEquals(SandboxState.READY, after.state());
        assertEquals(before.ips(), after.ips());
        assertEquals(0, fixture.runtime().execSync(containerId, List.of("true"), Duration.ofSeconds(10)).exitCode());
        assertTrue(fixture.runtime().status().networkReady());
    }

    @Test
    @Order(10)
    void stopKillsAfterTheTimeoutThenEverythingIsRemoved() {
        long start = System.nanoTime();
        fixture.runtime().stopContainer(containerId, Duration.ofSeconds(2));
        long millis = (System.nanoTime() - start) / 1_000_000;
        ContainerStatus status = fixture.runtime().containerStatus(containerId).orElseThrow();
        assertEquals(ContainerState.EXITED, status.state());
        // sh as PID 1 ignores SIGTERM, so it is killed when the 2 s are up
        assertEquals(137, status.exitCode());
        assertTrue(millis >= 1900 && millis < 10_000, millis + " ms");

        fixture.runtime().stopContainer(containerId, Duration.ofSeconds(2)); // idempotent
        fixture.runtime().removeContainer(containerId);
        fixture.runtime().removeContainer(containerId);
        assertTrue(fixture.runtime().containerStatus(containerId).isEmpty());
        fixture.runtime().stopPodSandbox(sandboxId);
        assertEquals(SandboxState.NOT_READY, fixture.runtime().podSandboxStatus(sandboxId).orElseThrow().state());
        fixture.runtime().removePodSandbox(sandboxId);
        fixture.runtime().stopPodSandbox(sandboxId);
        fixture.runtime().removePodSandbox(sandboxId);
        assertTrue(fixture.runtime().podSandboxStatus(sandboxId).isEmpty());
        assertTrue(fixture.runtime().listContainers().isEmpty());
        assertTrue(fixture.runtime().listPodSandboxes().isEmpty());
    }

    @Test
    @Order(11)
    void pullWithoutARegistryFailsWithTheRuntimesMessage() {
        ImagePullException e = assertThrows(ImagePullException.class,
                () -> fixture.images().pullImage("registry.invalid/karst/none:1"));
        assertTrue(e.getMessage().contains("registry.invalid"), e.getMessage());
    }

    @Test
    @Order(12)
    void anArchiveDroppedIntoAnImageDirIsImported() throws Exception {
        // an image of its own: busybox may still be on its way in from the start's import of the distribution's
        // archives (that import settles in the background), which made a removed busybox come back now and then
        String dropped = "localhost/karst/dropped:1";
        assertTrue(fixture.images().imageStatus(dropped).isEmpty());
        Path archive = scratchImage(dropped);
        try {
            // copied in under a name the watcher ignores, then renamed, as an installer would
            Path partial = watched.resolve("dropped.tar.part");
            Files.copy(archive, partial);
            Files.move(partial, watched.resolve("dropped.tar"), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            ContainerdFixture.deleteTree(archive.getParent());
        }
        // the import and the pin label are two steps: the image can be listed a moment before it is pinned
        // (failed once in CI)
        waitFor(Duration.ofSeconds(20), () -> fixture.images().imageStatus(dropped).isPresent());
        waitFor(Duration.ofSeconds(10), () -> fixture.images().imageStatus(dropped).orElseThrow().pinned());
    }

    @Test
    @Order(13)
    void aKilledContainerdIsRestarted() throws Exception {
        ProcessHandle containerd = ProcessHandle.of(supervisorPid()).orElseThrow();
        containerd.destroyForcibly();
        containerd.onExit().join();
        assertFalse(fixture.node.health().healthy());
        long start = System.nanoTime();
        fixture.node.awaitReady(Duration.ofSeconds(15));
        System.out.println("containerd answered again " + (System.nanoTime() - start) / 1_000_000
                + " ms after SIGKILL");
        assertTrue(supervisorPid() != containerd.pid());
        assertTrue(fixture.images().imageStatus(PAUSE).isPresent());
    }

    @Test
    @Order(14)
    void theImageFilesystemIsMeasuredAndAnUnpinnedImageCanBeRemoved() throws Exception {
        ImageFsInfo fs = fixture.images().imageFsInfo();
        System.out.println("image filesystem: " + fs);
        assertTrue(fs.mountpoint().startsWith(fixture.dataDir.toString()), fs.mountpoint());
        assertTrue(Files.isDirectory(Path.of(fs.mountpoint())), fs.mountpoint());
        assertTrue(fs.capacityBytes() > 0 && fs.availableBytes() > 0 && fs.availableBytes() <= fs.capacityBytes(),
                fs.toString());
        assertTrue(fs.usedBytes() > 0, "the imported images' snapshots take space: " + fs);
        assertTrue(fs.timestamp() != null && fs.timestamp().isAfter(Instant.now().minusSeconds(600)), fs.toString());

        // imported with ctr, not through importArchive: a pulled image, as far as pinning goes
        String scratch = "localhost/karst/scratch:gc";
        Path archive = scratchImage(scratch);
        try {
            ContainerdFixture.run("ctr", "--address", fixture.node.layout().socket().toString(), "--namespace",
                    "k8s.io", "images", "import", archive.toString());
        } finally {
            ContainerdFixture.deleteTree(archive.getParent());
        }
        Image unpinned = fixture.images().imageStatus(scratch).orElseThrow();
        assertFalse(unpinned.pinned());
        fixture.images().removeImage(unpinned.id());
        assertTrue(fixture.images().imageStatus(scratch).isEmpty());
        List<Image> left = fixture.images().listImages();
        for (String name : List.of(BUSYBOX, PAUSE)) {
            assertTrue(left.stream().anyMatch(i -> i.repoTags().contains(name) && i.pinned()), name + " " + left);
        }
    }

    /** An OCI archive of one image with one uncompressed layer holding one file, for this machine's platform. */
    private static Path scratchImage(String name) throws Exception {
        Path dir = Files.createTempDirectory("karst-scratch-image-");
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.writeString(rootfs.resolve("gc.txt"), "image gc test " + System.nanoTime() + "\n");
        Path blobs = Files.createDirectories(dir.resolve("oci/blobs/sha256"));
        Path layerTar = dir.resolve("layer.tar");
        ContainerdFixture.run("tar", "--sort=name", "--owner=0", "--group=0", "-cf", layerTar.toString(), "-C",
                rootfs.toString(), ".");
        byte[] layer = Files.readAllBytes(layerTar);
        String layerDigest = blob(blobs, layer);
        String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
        byte[] config = ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":"
                + "\"layers\",\"diff_ids\":[\"sha256:" + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
        String configDigest = blob(blobs, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                + configDigest + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:" + layerDigest + "\",\"size\":"
                + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        String manifestDigest = blob(blobs, manifest);
        Files.writeString(dir.resolve("oci/oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("oci/index.json"), "{\"schemaVersion\":2,\"mediaType\":"
                + "\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + manifestDigest
                + "\",\"size\":" + manifest.length + ",\"platform\":{\"architecture\":\"" + arch
                + "\",\"os\":\"linux\"},\"annotations\":{\"io.containerd.image.name\":\"" + name
                + "\",\"org.opencontainers.image.ref.name\":\"gc\"}}]}");
        Path archive = dir.resolve("scratch.tar");
        ContainerdFixture.run("tar", "-cf", archive.toString(), "-C", dir.resolve("oci").toString(), "oci-layout",
                "index.json", "blobs");
        return archive;
    }

    private static String blob(Path blobs, byte[] content) throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        Files.write(blobs.resolve(digest), content);
        return digest;
    }

    private static long supervisorPid() throws Exception {
        return Long.parseLong(Files.readString(fixture.node.layout().pidFile()).strip());
    }

    private static ContainerConfig container(String name, String image) {
        return new ContainerConfig(name, 0, image, List.of("sh", "-c"), List.of("echo hello; sleep 3600"), "",
                List.of(), List.of(), Map.of("c", name), Map.of(), name + "/0.log", false, false, false, null, null,
                false, false, null);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (Exception e) {
            return "";
        }
    }

    static void waitFor(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
