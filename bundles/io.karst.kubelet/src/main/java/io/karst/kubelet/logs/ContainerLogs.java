package io.karst.kubelet.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.Map;
import java.util.stream.Stream;

import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerSummary;
import io.karst.api.node.LogOptions;
import io.karst.api.node.LogsNotFoundException;
import io.karst.api.node.PodLogs;
import io.karst.kubelet.KubeletConfig;

/**
 * This node's container logs, read from the CRI log files the runtime writes under
 * {@link KubeletConfig#podLogDir} ({@code <container>/<attempt>.log}): the current attempt is the highest number,
 * {@code previous} the one before it.
 *
 * <p>As upstream's kubelet: records that are not CRI lines are skipped, {@code tailLines} is applied before
 * {@code since}, {@code limitBytes} cuts the last line. Unlike upstream, a line the runtime split ({@code P}
 * records) is joined before it is counted for {@code tailLines} and carries one timestamp prefix (its first
 * piece's), not one per piece.
 *
 * <p>Following polls the file every {@link #POLL} for appended lines (no inotify in the JDK that works for every
 * file system) and ends when a newer attempt's file appears, when the runtime reports the container exited,
 * when the pod's log directory goes, or when writing fails because the reader left.
 */
public final class ContainerLogs implements PodLogs {
    /** How often a followed file is looked at for appended lines. */
    static final Duration POLL = Duration.ofMillis(150);
    /** How often a follow asks the runtime whether the container still runs. */
    private static final Duration RUNTIME_CHECK = Duration.ofSeconds(1);
    /** The CRI labels the kubelet puts on containers (upstream's names; {@code pod.RuntimeLabels} sets them). */
    private static final String POD_UID_LABEL = "io.kubernetes.pod.uid";
    private static final String CONTAINER_NAME_LABEL = "io.kubernetes.container.name";

    private final KubeletConfig config;
    private final ContainerRuntime runtime;
    private final Duration poll;
    private final UnaryOperator<String> runtimeUids;

    /** @param runtime asked whether a followed container exited; {@code null} to rely on the files alone */
    /** @param runtimeUids the uid the node runs a pod under, from its API uid (a mirror's is its static pod's) */
    public ContainerLogs(KubeletConfig config, ContainerRuntime runtime, UnaryOperator<String> runtimeUids) {
        this(config, runtime, POLL, runtimeUids);
    }

    ContainerLogs(KubeletConfig config, ContainerRuntime runtime, Duration poll) {
        this(config, runtime, poll, UnaryOperator.identity());
    }

    ContainerLogs(KubeletConfig config, ContainerRuntime runtime, Duration poll, UnaryOperator<String> runtimeUids) {
        this.config = config;
        this.runtime = runtime;
        this.poll = poll;
        this.runtimeUids = runtimeUids;
    }

    @Override
    public void write(String namespace, String pod, String apiUid, String container, LogOptions options,
            OutputStream out) throws IOException {
        String podUid = runtimeUids.apply(apiUid);
        if (!safe(namespace) || !safe(pod) || !safe(podUid) || !safe(container)) {
            throw new LogsNotFoundException("container \"" + container + "\" in pod \"" + pod
                    + "\" is not available");
        }
        Path podDir = config.podLogDir(namespace, pod, podUid);
        Path dir = podDir.resolve(container);
        List<Integer> attempts = attempts(dir);
        int attempt;
        if (options.previous()) {
            if (attempts.size() < 2) {
                throw new LogsNotFoundException("previous terminated container \"" + container + "\" in pod \""
                        + pod + "\" not found");
            }
            attempt = attempts.get(attempts.size() - 2);
        } else {
            if (attempts.isEmpty()) {
                throw new LogsNotFoundException("container \"" + container + "\" in pod \"" + pod
                        + "\" is waiting to start");
            }
            attempt = attempts.get(attempts.size() - 1);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(attempt + ".log"), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new LogsNotFoundException("container \"" + container + "\" in pod \"" + pod
                    + "\" is not available");
        }
        try (channel) {
            new Reading(channel, options, out, podDir, dir, podUid, container, attempt).run();
        }
    }

    /** A path segment the caller could not use to leave the log directory. */
    private static boolean safe(String segment) {
        return segment != null && !segment.isEmpty() && !segment.contains("/") && !segment.equals("..")
                && !segment.equals(".");
    }

    /** The attempts of a container that have a log file, in ascending order. */
    static List<Integer> attempts(Path containerDir) throws IOException {
        if (!Files.isDirectory(containerDir)) {
            return List.of();
        }
        List<Integer> attempts = new ArrayList<>();
        try (Stream<Path> files = Files.list(containerDir)) {
            files.forEach(f -> {
                String name = f.getFileName().toString();
                if (name.endsWith(".log") && name.length() > 4
                        && name.substring(0, name.length() - 4).chars().allMatch(Character::isDigit)
                        && name.length() < 14) {
                    attempts.add(Integer.parseInt(name.substring(0, name.length() - 4)));
                }
            });
        } catch (NoSuchFileException e) {
            return List.of();
        }
        attempts.sort(null);
        return attempts;
    }

    /** One request's walk through one log file. */
    private final class Reading {
        private final FileChannel channel;
        private final LogOptions options;
        private final OutputStream out;
        private final Path podDir;
        private final Path containerDir;
        private final String podUid;
        private final String container;
        private final int attempt;
        private final Instant since;
        private final LineReader lines;
        private final Map<String, Pending> pending = new LinkedHashMap<>();
        private long skip;
        private long remaining;

        Reading(FileChannel channel, LogOptions options, OutputStream out, Path podDir, Path containerDir,
                String podUid, String container, int attempt) {
            this.channel = channel;
            this.options = options;
            this.out = out;
            this.podDir = podDir;
            this.containerDir = containerDir;
            this.podUid = podUid;
            this.container = container;
            this.attempt = attempt;
            this.since = options.since();
            this.lines = new LineReader(channel);
            this.remaining = options.limitBytes() == null ? Long.MAX_VALUE : Math.max(0, options.limitBytes());
        }

        void run() throws IOException {
            if (options.tailLines() != null) {
                skip = Math.max(0, countLines() - Math.max(0, options.tailLines()));
            }
            lines.readAvailable(this::record);
            if (!options.follow()) {
                lines.readRest(this::record);
                endPending();
                out.flush();
                return;
            }
            out.flush();
            long nextRuntimeCheck = System.nanoTime() + RUNTIME_CHECK.toNanos();
            while (remaining > 0) {
                if (lines.readAvailable(this::record)) {
                    out.flush();
                    continue;
                }
                boolean ended = !Files.isDirectory(podDir) || newerAttempt();
                if (!ended && runtime != null && System.nanoTime() - nextRuntimeCheck >= 0) {
                    nextRuntimeCheck = System.nanoTime() + RUNTIME_CHECK.toNanos();
                    ended = exited();
                }
                if (ended) {
                    // what the container wrote before it went
                    lines.readAvailable(this::record);
                    lines.readRest(this::record);
                    endPending();
                    out.flush();
                    return;
                }
                try {
                    Thread.sleep(poll.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            out.flush();
        }

        /** The lines the file holds now, as {@link #record} would write them before any filter. */
        private long countLines() throws IOException {
            LineReader counter = new LineReader(channel);
            Map<String, Boolean> open = new LinkedHashMap<>();
            long[] count = {0};
            LineHandler counting = line -> CriLogRecord.parse(line).ifPresent(r -> {
                if (r.partial()) {
                    open.put(r.stream(), true);
                } else {
                    open.remove(r.stream());
                    count[0]++;
                }
            });
            counter.readAvailable(counting);
            counter.readRest(counting);
            return count[0] + open.size();
        }

        private void record(byte[] line) throws IOException {
            if (remaining <= 0) {
                return;
            }
            var parsed = CriLogRecord.parse(line);
            if (parsed.isEmpty()) {
                return;
            }
            CriLogRecord r = parsed.get();
            Pending p = pending.get(r.stream());
            if (r.partial()) {
                if (p == null) {
                    pending.put(r.stream(), p = new Pending(r));
                }
                p.text.write(r.content());
                return;
            }
            if (p == null) {
                emit(r, r.content(), true);
            } else {
                pending.remove(r.stream());
                p.text.write(r.content());
                emit(p.first, p.text.toByteArray(), true);
            }
        }

        /** Pieces of lines never finished (the container went mid-line) are written as they are. */
        private void endPending() throws IOException {
            for (Pending p : List.copyOf(pending.values())) {
                emit(p.first, p.text.toByteArray(), false);
            }
            pending.clear();
        }

        private void emit(CriLogRecord first, byte[] text, boolean newline) throws IOException {
            if (skip > 0) {
                skip--;
                return;
            }
            if (since != null && first.instant().isBefore(since)) {
                return;
            }
            if (options.timestamps()) {
                put(first.prefix());
            }
            put(text);
            if (newline) {
                put(new byte[] {'\n'});
            }
        }

        private void put(byte[] bytes) throws IOException {
            int n = (int) Math.min(bytes.length, remaining);
            if (n > 0) {
                out.write(bytes, 0, n);
                remaining -= n;
            }
        }

        private boolean newerAttempt() throws IOException {
            List<Integer> attempts = attempts(containerDir);
            return !attempts.isEmpty() && attempts.get(attempts.size() - 1) > attempt;
        }

        /** Whether the runtime knows this attempt of the container and it no longer runs. */
        private boolean exited() {
            try {
                for (ContainerSummary c : runtime.listContainers()) {
                    if (c.attempt() == attempt && podUid.equals(c.labels().get(POD_UID_LABEL))
                            && container.equals(c.labels().get(CONTAINER_NAME_LABEL))) {
                        return c.state() == ContainerState.EXITED;
                    }
                }
            } catch (RuntimeException e) {
                // the runtime is away for a moment: keep following the file
            }
            return false;
        }
    }

    /** A line the runtime split, gathered until its last piece. */
    private static final class Pending {
        final CriLogRecord first;
        final ByteArrayOutputStream text = new ByteArrayOutputStream();

        Pending(CriLogRecord first) {
            this.first = first;
        }
    }

    @FunctionalInterface
    private interface LineHandler {
        void line(byte[] line) throws IOException;
    }

    /** Reads a file's newline-terminated lines from where it left off; keeps an unterminated tail for later. */
    private static final class LineReader {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private long position;

        LineReader(FileChannel channel) {
            this.channel = channel;
        }

        /** Hands over every complete line written so far; whether any byte was read. */
        boolean readAvailable(LineHandler handler) throws IOException {
            boolean any = false;
            while (true) {
                buffer.clear();
                int n = channel.read(buffer, position);
                if (n <= 0) {
                    return any;
                }
                any = true;
                position += n;
                byte[] bytes = buffer.array();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (bytes[i] == '\n') {
                        byte[] line;
                        if (partial.size() > 0) {
                            partial.write(bytes, start, i - start);
                            line = partial.toByteArray();
                            partial.reset();
                        } else {
                            line = java.util.Arrays.copyOfRange(bytes, start, i);
                        }
                        handler.line(line);
                        start = i + 1;
                    }
                }
                partial.write(bytes, start, n - start);
            }
        }

        /** Hands over the unterminated last line, if any (the file is complete). */
        void readRest(LineHandler handler) throws IOException {
            if (partial.size() > 0) {
                byte[] line = partial.toByteArray();
                partial.reset();
                handler.line(line);
            }
        }
    }
}
