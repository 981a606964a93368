package io.karst.cri.containerd.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.health.HealthCheck;
import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.RuntimeVersion;

/**
 * One node's container runtime, outside OSGi: the generated configuration and supervised containerd (unless an
 * existing CRI socket is used), the CRI channel, the two services over it, and the image directory watcher once
 * the runtime answers. The DS component and the tests drive it the same way: {@link #start}, {@link #awaitReady},
 * {@link #watchImageDirs}, {@link #close}.
 */
final class ContainerdNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerdNode.class);
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(1);

    /**
     * @param endpoint an existing CRI socket, or {@code null} to start containerd
     * @param launcher a command prefix for containerd (tests: {@code nsenter --net=...}), empty normally
     * @param registriesFile K3s's registries.yaml for this node, or {@code null} for none; not read with an endpoint
     */
    record Settings(Path dataDir, String endpoint, String pauseImage, List<Path> imageDirs, Path cniBinDir,
            List<String> launcher, String containerd, String ctr, String zstd, Path registriesFile) {
        Settings {
            imageDirs = List.copyOf(imageDirs);
            launcher = List.copyOf(launcher);
        }

        static Settings of(ContainerdConfig config) {
            String endpoint = config.container_runtime_endpoint();
            return new Settings(Path.of(config.data_dir()),
                    endpoint == null || endpoint.isBlank() ? null : endpoint.strip(),
                    config.pause_image(),
                    config.image_dirs() == null ? List.of()
                            : List.of(config.image_dirs()).stream().filter(d -> !d.isBlank()).map(Path::of).toList(),
                    Path.of(config.cni_bin_dir()), List.of(), "containerd", "ctr", "zstd",
                    config.registries_file() == null || config.registries_file().isBlank() ? null
                            : Path.of(config.registries_file().strip()));
        }
    }

    private final Settings settings;
    private final ContainerdLayout layout;
    private final Path socket;
    private final ContainerdSupervisor supervisor;
    private final CriChannel channel;
    private final CriContainerRuntime runtime;
    private final CriImageService images;
    private ImageDirWatcher watcher;

    private ContainerdNode(Settings settings, ContainerdLayout layout, Path socket, ContainerdSupervisor supervisor,
            CriChannel channel) {
        this.settings = settings;
        this.layout = layout;
        this.socket = socket;
        this.supervisor = supervisor;
        this.channel = channel;
        CriCalls calls = new CriCalls("unix://" + socket);
        this.runtime = new CriContainerRuntime(channel, calls);
        this.images = new CriImageService(channel, calls, new ImportedImages(layout.importedImages()),
                settings.pauseImage(), new ArchiveImporter(settings.ctr(), settings.zstd(), socket));
    }

    /** Writes the configuration and starts containerd (unless an endpoint is given); does not wait for it. */
    static ContainerdNode start(Settings settings) throws IOException {
        ContainerdLayout layout = ContainerdLayout.of(settings.dataDir());
        if (settings.endpoint() != null) {
            Path socket = Path.of(settings.endpoint().replaceFirst("^unix://", ""));
            return new ContainerdNode(settings, layout, socket, null, new CriChannel(socket));
        }
        RegistriesFile registries = settings.registriesFile() == null
                ? RegistriesFile.none()
                : RegistriesFile.read(settings.registriesFile());
        ContainerdConfigWriter.write(layout, settings.pauseImage(), settings.cniBinDir(), registries);
        if (!registries.isEmpty()) {
            LOG.info("Registries from {}: mirrors for {}, configs for {}", registries.source(),
                    registries.mirrors().keySet(), registries.configs().keySet());
        }
        CriChannel[] channel = new CriChannel[1];
        ContainerdSupervisor supervisor = new ContainerdSupervisor(layout, settings.containerd(), settings.launcher(),
                () -> {
                    if (channel[0] != null) {
                        channel[0].reconnectNow();
                    }
                });
        supervisor.start();
        try {
            channel[0] = new CriChannel(layout.socket());
        } catch (RuntimeException e) {
            supervisor.stop();
            throw e;
        }
        return new ContainerdNode(settings, layout, layout.socket(), supervisor, channel[0]);
    }

    /**
     * Waits until the runtime answers Version.
     *
     * @return its version
     * @throws ContainerRuntimeException when it has not answered within {@code timeout}
     * @throws InterruptedException when interrupted while waiting
     */
    RuntimeVersion awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ContainerRuntimeException last;
        do {
            try {
                return runtime.version(PROBE_DEADLINE);
            } catch (ContainerRuntimeException e) {
                last = e;
            }
            Thread.sleep(20);
            channel.reconnectNow();
        } while (System.nanoTime() < deadline);
        Optional<String> problem = problem();
        throw new ContainerRuntimeException("containerd did not answer at unix://" + socket + " within "
                + timeout.toSeconds() + " s" + problem.map(p -> ": " + p).orElse("") + " (" + last.getMessage() + ")",
                last);
    }

    /** Starts importing the archives of the image directories; call once the runtime answers. */
    synchronized void watchImageDirs() throws IOException {
        if (watcher == null && !settings.imageDirs().isEmpty()) {
            watcher = new ImageDirWatcher(settings.imageDirs(), archive -> {
                List<String> names = images.importArchive(archive);
                LOG.info("Imported {} from {}", names, archive);
            });
            watcher.start();
        }
    }

    Settings settings() {
        return settings;
    }

    CriContainerRuntime runtime() {
        return runtime;
    }

    CriImageService images() {
        return images;
    }

    Path socket() {
        return socket;
    }

    ContainerdLayout layout() {
        return layout;
    }

    String transport() {
        return channel.transport();
    }

    /** Whether the supervised process is down (always empty for an external endpoint). */
    Optional<String> problem() {
        return supervisor == null ? Optional.empty() : supervisor.problem();
    }

    /** For the health endpoints: the process is up and answers Version within a second. */
    HealthCheck.Result health() {
        Optional<String> problem = problem();
        if (problem.isPresent()) {
            return HealthCheck.Result.failed(problem.get());
        }
        try {
            runtime.version(PROBE_DEADLINE);
            return HealthCheck.Result.ok();
        } catch (RuntimeException e) {
            return HealthCheck.Result.failed(e.getMessage());
        }
    }

    /** Stops the watcher, closes the channel and stops containerd with SIGTERM; containers keep running. */
    @Override
    public void close() {
        synchronized (this) {
            if (watcher != null) {
                watcher.close();
            }
        }
        channel.close();
        if (supervisor != null) {
            supervisor.stop();
        }
    }
}
