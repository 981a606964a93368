package io.karst.kubelet.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.node.LogOptions;
import io.karst.api.node.LogsNotFoundException;
import io.karst.kubelet.KubeletConfig;

class ContainerLogsTest {
    @TempDir
    Path dataDir;
    private KubeletConfig config;
    private ContainerLogs logs;
    private Path containerDir;

    private static final LogOptions ALL = new LogOptions(false, false, false, null, null, null);

    @BeforeEach
    void setUp() throws IOException {
        config = new KubeletConfig("node-a", List.of("10.0.0.1"), dataDir, Map.of(), List.of(), List.of(),
                "cluster.local", false, 110, "v1.33.0+karst");
        logs = new ContainerLogs(config, null, Duration.ofMillis(20));
        containerDir = config.podLogDir("default", "web", "uid-1").resolve("app");
        Files.createDirectories(containerDir);
    }

    private void append(int attempt, String... lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        Files.writeString(containerDir.resolve(attempt + ".log"), text, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private String read(LogOptions options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        logs.write("default", "web", "uid-1", "app", options, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void bothStreamsAreWrittenInFileOrderWithoutTheirPrefixes() throws IOException {
        append(0, "2026-11-23T08:00:00.000000001Z stdout F one",
                "2026-11-23T08:00:01.5Z stderr F two",
                "not a cri line",
                "2026-11-23T08:00:02.000000000Z stdout F three");
        assertEquals("one\ntwo\nthree\n", read(ALL));
    }

    @Test
    void partialRecordsAreJoinedPerStream() throws IOException {
        append(0, "2026-11-23T08:00:00Z stdout P long ",
                "2026-11-23T08:00:00.1Z stderr F err",
                "2026-11-23T08:00:00.2Z stdout P line ",
                "2026-11-23T08:00:00.3Z stdout F end",
                "2026-11-23T08:00:00.4Z stdout P cut off");
        assertEquals("err\nlong line end\ncut off", read(ALL));
    }

    @Test
    void timestampsPrefixEachLineWithNineDigitNanoseconds() throws IOException {
        append(0, "2026-11-23T08:00:00.5Z stdout F one",
                "2026-11-23T09:00:00.123456789+01:00 stdout P two ",
                "2026-11-23T09:00:00.2+01:00 stdout F parts");
        assertEquals("2026-11-23T08:00:00.500000000Z one\n2026-11-23T09:00:00.123456789+01:00 two parts\n",
                read(new LogOptions(false, false, true, null, null, null)));
    }

    @Test
    void tailLinesKeepsTheLastLines() throws IOException {
        append(0, "2026-11-23T08:00:00Z stdout F one", "2026-11-23T08:00:01Z stdout F two",
                "2026-11-23T08:00:02Z stdout P thr", "2026-11-23T08:00:03Z stdout F ee");
        assertEquals("two\nthree\n", read(new LogOptions(false, false, false, 2L, null, null)));
        assertEquals("", read(new LogOptions(false, false, false, 0L, null, null)));
        assertEquals("one\ntwo\nthree\n", read(new LogOptions(false, false, false, 10L, null, null)));
    }

    @Test
    void sinceKeepsLinesAtOrAfterTheTime() throws IOException {
        append(0, "2026-11-23T08:00:00Z stdout F one", "2026-11-23T08:00:01Z stdout F two",
                "2026-11-23T08:00:02Z stdout F three");
        Instant since = Instant.parse("2026-11-23T08:00:01Z");
        assertEquals("two\nthree\n", read(new LogOptions(false, false, false, null, since, null)));
        // tail first, then since, as upstream's kubelet
        assertEquals("", read(new LogOptions(false, false, false, 1L, Instant.parse("2026-11-23T09:00:00Z"),
                null)));
    }

    @Test
    void limitBytesCutsTheOutput() throws IOException {
        append(0, "2026-11-23T08:00:00Z stdout F hello", "2026-11-23T08:00:01Z stdout F world");
        assertEquals("hello\nwo", read(new LogOptions(false, false, false, null, null, 8L)));
    }

    @Test
    void theCurrentAttemptIsTheHighestAndPreviousTheOneBefore() throws IOException {
        append(0, "2026-11-23T08:00:00Z stdout F first run");
        append(1, "2026-11-23T08:01:00Z stdout F second run");
        append(10, "2026-11-23T08:02:00Z stdout F third run");
        assertEquals("third run\n", read(ALL));
        assertEquals("second run\n", read(new LogOptions(false, true, false, null, null, null)));
    }

    @Test
    void previousWithoutAnEarlierAttemptIsNotFound() throws IOException {
        append(0, "2026-11-23T08:00:00Z stdout F only run");
        LogsNotFoundException e = assertThrows(LogsNotFoundException.class,
                () -> read(new LogOptions(false, true, false, null, null, null)));
        assertEquals("previous terminated container \"app\" in pod \"web\" not found", e.getMessage());
    }

    @Test
    void aContainerWithoutALogFileIsWaitingToStart() {
        LogsNotFoundException e = assertThrows(LogsNotFoundException.class, () -> logs.write("default", "web",
                "uid-1", "sidecar", ALL, new ByteArrayOutputStream()));
        assertEquals("container \"sidecar\" in pod \"web\" is waiting to start", e.getMessage());
        assertThrows(LogsNotFoundException.class, () -> logs.write("default", "web", "uid-1", "../app", ALL,
                new ByteArrayOutputStream()));
    }

    @Test
    void followSeesAppendedLinesAndEndsWhenANewerAttemptAppears() throws Exception {
        append(0, "2026-11-23T08:00:00Z stdout F before");
        LineCollector out = new LineCollector();
        CompletableFuture<Void> following = CompletableFuture.runAsync(() -> {
            try {
                logs.write("default", "web", "uid-1", "app", new LogOptions(true, false, false, null, null, null),
                        out);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        out.await("before\n");
        append(0, "2026-11-23T08:00:01Z stdout P after");
        Thread.sleep(60);
        append(0, "2026-11-23T08:00:02Z stdout F wards");
        out.await("before\nafterwards\n");
        assertTrue(!following.isDone());
        append(0, "2026-11-23T08:00:03Z stdout F last words");
        append(1, "2026-11-23T08:00:04Z stdout F next attempt");
        following.get(5, TimeUnit.SECONDS);
        assertEquals("before\nafterwards\nlast words\n", out.text());
    }

    @Test
    void followEndsWhenThePodsLogDirectoryGoes() throws Exception {
        append(0, "2026-11-23T08:00:00Z stdout F before");
        LineCollector out = new LineCollector();
        CompletableFuture<Void> following = CompletableFuture.runAsync(() -> {
            try {
                logs.write("default", "web", "uid-1", "app", new LogOptions(true, false, false, null, null, null),
                        out);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        out.await("before\n");
        Files.delete(containerDir.resolve("0.log"));
        Files.delete(containerDir);
        Files.delete(containerDir.getParent());
        following.get(5, TimeUnit.SECONDS);
    }

    @Test
    void followEndsWhenTheRuntimeReportsTheContainerExited() throws Exception {
        java.util.concurrent.atomic.AtomicReference<io.karst.api.node.ContainerState> state =
                new java.util.concurrent.atomic.AtomicReference<>(io.karst.api.node.ContainerState.RUNNING);
        io.karst.api.node.ContainerRuntime runtime = (io.karst.api.node.ContainerRuntime) java.lang.reflect.Proxy
                .newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {io.karst.api.node.ContainerRuntime.class}, (proxy, method, args) -> {
                            if (method.getName().equals("listContainers")) {
                                return List.of(new io.karst.api.node.ContainerSummary("c1", "s1", "app", 0,
                                        "busybox", "sha256:1", state.get(), Instant.now(),
                                        Map.of("io.kubernetes.pod.uid", "uid-1",
                                                "io.kubernetes.container.name", "app"), Map.of()));
                            }
                            throw new UnsupportedOperationException(method.getName());
                        });
        ContainerLogs withRuntime = new ContainerLogs(config, runtime, Duration.ofMillis(20));
        append(0, "2026-11-23T08:00:00Z stdout F before");
        LineCollector out = new LineCollector();
        CompletableFuture<Void> following = CompletableFuture.runAsync(() -> {
            try {
                withRuntime.write("default", "web", "uid-1", "app",
                        new LogOptions(true, false, false, null, null, null), out);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        out.await("before\n");
        Thread.sleep(1200);
        assertTrue(!following.isDone(), "a running container is followed");
        append(0, "2026-11-23T08:00:01Z stderr F exiting");
        state.set(io.karst.api.node.ContainerState.EXITED);
        following.get(5, TimeUnit.SECONDS);
        assertEquals("before\nexiting\n", out.text());
    }

    @Test
    void followEndsWhenTheReaderLeaves() throws Exception {
        append(0, "2026-11-23T08:00:00Z stdout F before");
        OutputStream gone = new OutputStream() {
            int writes;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++writes > 2) {
                    throw new IOException("reset by peer");
                }
            }
        };
        CompletableFuture<Void> following = CompletableFuture.runAsync(() -> {
            try {
                logs.write("default", "web", "uid-1", "app", new LogOptions(true, false, false, null, null, null),
                        gone);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(60);
        append(0, "2026-11-23T08:00:01Z stdout F after");
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> following.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof java.io.UncheckedIOException, e.toString());
    }

    /** An output a test waits on. */
    private static final class LineCollector extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        void await(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!text().equals(expected)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("expected <" + expected + "> but was <" + text() + ">");
                }
                Thread.sleep(10);
            }
        }
    }
}
