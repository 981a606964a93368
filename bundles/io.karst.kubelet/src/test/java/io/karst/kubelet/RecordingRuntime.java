package io.karst.kubelet;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.karst.api.node.ContainerConfig;
import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerStatus;
import io.karst.api.node.ContainerSummary;
import io.karst.api.node.ExecResult;
import io.karst.api.node.Image;
import io.karst.api.node.ImageFsInfo;
import io.karst.api.node.ImageService;
import io.karst.api.node.PodSandbox;
import io.karst.api.node.PodSandboxConfig;
import io.karst.api.node.PodSandboxStatus;
import io.karst.api.node.RuntimeStatus;
import io.karst.api.node.RuntimeVersion;
import io.karst.api.node.SandboxState;

/**
 * A test double of the container runtime: keeps sandboxes and containers in memory, so the kubelet's logic can be
 * tested without containerd (the end-to-end tests use the real one). Tests make containers exit with
 * {@link #exit}. Public for the tests of the kubelet's packages.
 */
public final class RecordingRuntime implements ContainerRuntime, ImageService {
    final Map<String, PodSandbox> sandboxes = new ConcurrentHashMap<>();
    final Map<String, Container> containers = new ConcurrentHashMap<>();
    final List<String> images = new ArrayList<>(List.of("localhost/karst/busybox:1.35.0"));
    final List<String> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** container name → the timeout it was last stopped with */
    final Map<String, Duration> stopTimeouts = new ConcurrentHashMap<>();
    volatile String podCidr = "";
    private final AtomicInteger ids = new AtomicInteger();

    static final class Container {
        final String id;
        final String sandboxId;
        final ContainerConfig config;
        volatile ContainerState state = ContainerState.CREATED;
        volatile Instant started;
        volatile Instant finished;
        volatile int exitCode;

        Container(String id, String sandboxId, ContainerConfig config) {
            this.id = id;
            this.sandboxId = sandboxId;
            this.config = config;
        }
    }

    /** Makes the running container of that name exit with the code. */
    void exit(String containerName, int code) {
        for (Container c : containers.values()) {
            if (c.config.name().equals(containerName) && c.state == ContainerState.RUNNING) {
                c.exitCode = code;
                c.finished = Instant.now();
                c.state = ContainerState.EXITED;
            }
        }
    }

    @Override
    public RuntimeVersion version() {
        return new RuntimeVersion("recording", "1.0", "v1");
    }

    @Override
    public RuntimeStatus status() {
        return new RuntimeStatus(true, !podCidr.isEmpty(), podCidr.isEmpty() ? "no pod CIDR" : "");
    }

    @Override
    public void updatePodCidr(String cidr) {
        podCidr = cidr;
    }

    @Override
    public String runPodSandbox(PodSandboxConfig config) {
        String id = "sandbox-" + ids.incrementAndGet();
        sandboxes.put(id, new PodSandbox(id, config.name(), config.namespace(), config.uid(), config.attempt(),
                SandboxState.READY, Instant.now(), config.labels(), config.annotations()));
        return id;
    }

    @Override
    public void stopPodSandbox(String sandboxId) {
        PodSandbox s = sandboxes.get(sandboxId);
        if (s != null) {
            for (Container c : containers.values()) {
                if (c.sandboxId.equals(sandboxId) && c.state == ContainerState.RUNNING) {
                    c.state = ContainerState.EXITED;
                    c.exitCode = 137;
                    c.finished = Instant.now();
                }
            }
            sandboxes.put(sandboxId, new PodSandbox(s.id(), s.name(), s.namespace(), s.uid(), s.attempt(),
                    SandboxState.NOT_READY, s.createdAt(), s.labels(), s.annotations()));
        }
    }

    @Override
    public void removePodSandbox(String sandboxId) {
        sandboxes.remove(sandboxId);
        containers.values().removeIf(c -> c.sandboxId.equals(sandboxId));
    }

    @Override
    public Optional<PodSandboxStatus> podSandboxStatus(String sandboxId) {
        PodSandbox s = sandboxes.get(sandboxId);
        return s == null ? Optional.empty() : Optional.of(new PodSandboxStatus(s.id(), s.name(), s.namespace(),
                s.uid(), s.attempt(), s.state(), s.createdAt(), List.of("10.42.0.7"), s.labels(), s.annotations()));
    }

    @Override
    public List<PodSandbox> listPodSandboxes() {
        return List.copyOf(sandboxes.values());
    }

    @Override
    public String createContainer(String sandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
        if (!sandboxes.containsKey(sandboxId)) {
            throw new ContainerRuntimeException("sandbox " + sandboxId + " not found");
        }
        String id = "container-" + ids.incrementAndGet();
        containers.put(id, new Container(id, sandboxId, config));
        return id;
    }

    @Override
    public void startContainer(String containerId) {
        Container c = containers.get(containerId);
        c.state = ContainerState.RUNNING;
        c.started = Instant.now();
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        Container c = containers.get(containerId);
        if (c != null && c.state == ContainerState.RUNNING) {
            stopped.add(c.config.name());
            stopTimeouts.put(c.config.name(), timeout);
            c.state = ContainerState.EXITED;
            c.exitCode = 137;
            c.finished = Instant.now();
        }
    }

    @Override
    public void removeContainer(String containerId) {
        containers.remove(containerId);
    }

    @Override
    public Optional<ContainerStatus> containerStatus(String containerId) {
        Container c = containers.get(containerId);
        if (c == null) {
            return Optional.empty();
        }
        return Optional.of(new ContainerStatus(c.id, c.config.name(), c.config.attempt(), c.state, Instant.now(),
                c.started, c.finished, c.exitCode, c.config.image(), "sha256:abc", "", "",
                Path.of("/nonexistent").toString(), c.config.labels(), c.config.annotations()));
    }

    @Override
    public List<ContainerSummary> listContainers() {
        List<ContainerSummary> out = new ArrayList<>();
        for (Container c : containers.values()) {
            out.add(new ContainerSummary(c.id, c.sandboxId, c.config.name(), c.config.attempt(), c.config.image(),
                    "sha256:abc", c.state, Instant.now(), c.config.labels(), c.config.annotations()));
        }
        return out;
    }

    @Override
    public ExecResult execSync(String containerId, List<String> command, Duration timeout) {
        return new ExecResult(command.contains("fail") ? 1 : 0, new byte[0], new byte[0]);
    }

    @Override
    public java.net.URI exec(String containerId, List<String> command, boolean tty, boolean stdin, boolean stdout,
            boolean stderr) {
        return java.net.URI.create("http://127.0.0.1:1/exec/" + containerId);
    }

    @Override
    public java.net.URI attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        return java.net.URI.create("http://127.0.0.1:1/attach/" + containerId);
    }

    @Override
    public java.net.URI portForward(String sandboxId, List<Integer> ports) {
        return java.net.URI.create("http://127.0.0.1:1/portforward/" + sandboxId);
    }

    /** Images with a size and pinning of their own (image GC tests), by id; listed after {@link #images}. */
    final Map<String, Image> sizedImages = new ConcurrentHashMap<>();
    /** What {@link #removeImage} removed of {@link #sizedImages}, in order. */
    final List<String> removedImages = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** References whose removal fails. */
    final java.util.Set<String> failingRemovals = ConcurrentHashMap.newKeySet();
    /** The image filesystem: removing a sized image makes its size available. */
    volatile long fsCapacity = 1_000_000;
    volatile long fsAvailable = 500_000;
    /** Thrown by {@link #imageFsInfo} while set. */
    volatile RuntimeException imageFsFailure;

    /** Adds an image of that size, named {@code name}, with the id {@code sha256:<name>}. */
    Image addImage(String name, long size, boolean pinned) {
        Image image = new Image("sha256:" + name, List.of(name), List.of(), size, pinned);
        sizedImages.put(image.id(), image);
        return image;
    }

    /** Puts a container that uses {@code image} (by tag) in a sandbox of its own, in {@code state}. */
    void addContainer(String name, String image, ContainerState state) {
        String sandbox = runPodSandbox(new PodSandboxConfig(name, "default", "uid-" + name, 0, name, "/nonexistent",
                Map.of(), Map.of(), List.of(), null, false, null));
        String id = createContainer(sandbox, new ContainerConfig(name, 0, image, List.of(), List.of(), "",
                List.of(), List.of(), Map.of(), Map.of(), name + ".log", false, false, false, null, null, false,
                false, null), null);
        containers.get(id).state = state;
    }

    @Override
    public List<Image> listImages() {
        List<Image> out = new ArrayList<>(images.stream()
                .map(i -> new Image("sha256:" + i.hashCode(), List.of(i), List.of(), 1000, true)).toList());
        out.addAll(sizedImages.values());
        return out;
    }

    @Override
    public ImageFsInfo imageFsInfo() {
        RuntimeException failure = imageFsFailure;
        if (failure != null) {
            throw failure;
        }
        long used = sizedImages.values().stream().mapToLong(Image::size).sum();
        return new ImageFsInfo("/recording/images", used, fsCapacity, fsAvailable, Instant.now());
    }

    @Override
    public Optional<Image> imageStatus(String reference) {
        return listImages().stream().filter(i -> i.repoTags().contains(reference)).findFirst();
    }

    @Override
    public String pullImage(String reference) {
        throw new io.karst.api.node.ImagePullException("no registry: " + reference, null);
    }

    @Override
    public void removeImage(String reference) {
        if (failingRemovals.contains(reference)) {
            throw new ContainerRuntimeException("image " + reference + " is busy");
        }
        images.remove(reference);
        Image image = sizedImages.remove(reference);
        if (image != null) {
            removedImages.add(reference);
            fsAvailable += image.size();
        }
    }

    @Override
    public List<String> importArchive(Path archive) {
        throw new ContainerRuntimeException("not in tests");
    }
}
