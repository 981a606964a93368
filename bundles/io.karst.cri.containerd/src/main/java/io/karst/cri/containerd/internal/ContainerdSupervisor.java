package io.karst.cri.containerd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code containerd --config <config.toml>} as a child process and starts it again, after 1 s doubling up to
 * 30 s, whenever it exits while supervised. Its output is appended to {@code containerd.log}.
 *
 * <p>A containerd left running by an earlier agent on the same data directory (the JVM was killed, so it never
 * stopped its child) is stopped first with SIGTERM, and only then is a new one started. Reusing it was the other
 * choice, but then this agent could neither see it exit nor restart it, and its output would still go to a file
 * descriptor of the dead JVM's choosing. Stopping it costs nothing that matters: containers belong to their shims,
 * which keep running, and the new containerd adopts them. It is found by its command line (the same binary with
 * the same config path), which also catches one whose pid file is gone; the pid file is written for operators.
 *
 * <p>{@link #stop} sends SIGTERM and waits; containers keep running for the same reason.
 */
final class ContainerdSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerdSupervisor.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A run this long counts as healthy: the next failure starts again at the first backoff. */
    private static final Duration STABLE_RUN = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final ContainerdLayout layout;
    private final String binary;
    private final List<String> launcher;
    private final Runnable onRestart;
    private final Object lock = new Object();
    private Thread thread;
    private Process process;
    private volatile boolean stopping;
    private volatile String lastExit = "";
    private volatile long startedNanos;

    /**
     * @param launcher a command prefix that starts containerd in another context (tests run it under
     *                 {@code nsenter --net=...}); empty for a plain child process
     * @param onRestart called after containerd was started again following an exit
     */
    ContainerdSupervisor(ContainerdLayout layout, String binary, List<String> launcher, Runnable onRestart) {
        this.layout = layout;
        this.binary = binary;
        this.launcher = List.copyOf(launcher);
        this.onRestart = onRestart;
    }

    /** Stops a stale containerd of this data directory, starts a new one and supervises it on a thread. */
    void start() throws IOException {
        stopStale();
        Files.createDirectories(layout.root());
        Files.createDirectories(layout.state());
        synchronized (lock) {
            process = launch();
        }
        thread = new Thread(this::supervise, "karst-containerd-supervisor");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the child is running, and if not, how it last ended. */
    Optional<String> problem() {
        synchronized (lock) {
            if (process != null && process.isAlive()) {
                return Optional.empty();
            }
        }
        return Optional.of(lastExit.isEmpty() ? "containerd is not running" : lastExit);
    }

    private Process launch() throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(binary, "--config", layout.configFile().toString()));
        Path log = layout.logFile();
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process started = builder.start();
        startedNanos = System.nanoTime();
        Files.writeString(layout.pidFile(), started.pid() + "\n", StandardCharsets.US_ASCII);
        LOG.info("Started containerd (pid {}) with {}, log {}", started.pid(), layout.configFile(), log);
        return started;
    }

    private void supervise() {
        Duration backoff = FIRST_BACKOFF;
        while (!stopping) {
            Process current;
            synchronized (lock) {
                current = process;
            }
            int code;
            try {
                code = current.waitFor();
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
                continue;
            }
            if (stopping) {
                return;
            }
            long ranNanos = System.nanoTime() - startedNanos;
            if (ranNanos > STABLE_RUN.toNanos()) {
                backoff = FIRST_BACKOFF;
            }
            lastExit = "containerd exited with status " + code + ", restarting in " + backoff.toSeconds() + " s (see "
                    + layout.logFile() + ")";
            LOG.warn(lastExit);
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            synchronized (lock) {
                if (stopping) {
                    return;
                }
                try {
                    process = launch();
                } catch (IOException e) {
                    lastExit = "cannot start containerd: " + e.getMessage();
                    LOG.error(lastExit);
                    continue;
                }
            }
            onRestart.run();
        }
    }

    /** SIGTERM to the child, SIGKILL if it has not ended after 10 s; the supervising thread ends too. */
    void stop() {
        stopping = true;
        Process current;
        synchronized (lock) {
            current = process;
        }
        if (thread != null) {
            thread.interrupt();
        }
        if (current != null) {
            terminate(current.toHandle());
        }
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(layout.pidFile());
        } catch (IOException e) {
            // a stale pid file is only informative: the next start looks at command lines
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** A containerd started earlier with this very config file, by this JVM or a dead one. */
    private void stopStale() {
        String config = layout.configFile().toString();
        ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> isContainerdWith(p, config))
                .forEach(stale -> {
                    LOG.warn("Stopping containerd pid {} left running with {} (its containers keep running)",
                            stale.pid(), config);
                    terminate(stale);
                });
    }

    private boolean isContainerdWith(ProcessHandle handle, String config) {
        Optional<String[]> arguments = handle.info().arguments();
        Optional<String> command = handle.info().command();
        if (arguments.isEmpty() || command.isEmpty()) {
            return false;
        }
        String[] args = arguments.get();
        return Path.of(command.get()).getFileName().toString().equals(Path.of(binary).getFileName().toString())
                && args.length == 2 && args[0].equals("--config") && args[1].equals(config);
    }

    private static void terminate(ProcessHandle handle) {
        handle.destroy();
        try {
            handle.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("containerd pid {} did not stop within {} s of SIGTERM; killing it", handle.pid(),
                    STOP_GRACE.toSeconds());
            handle.destroyForcibly();
            handle.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // onExit does not fail
        }
    }
}
