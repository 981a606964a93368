package io.karst.tunnel.mux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Two multiplexers joined as a link joins them: each one's messages delivered to the other, in order, on a
 * thread of the link (a queue per direction), as the WebSocket transports do.
 */
class MultiplexerTest {
    private final ExecutorService link = Executors.newFixedThreadPool(2);
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final AtomicLong bytesInFlight = new AtomicLong();
    private final AtomicLong mostInFlight = new AtomicLong();
    private Multiplexer server;
    private Multiplexer agent;

    private void connect(Multiplexer.Acceptor acceptor) {
        LinkedBlockingQueue<ByteBuffer> toAgent = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<ByteBuffer> toServer = new LinkedBlockingQueue<>();
        server = new Multiplexer("server", m -> queue(toAgent, m), null);
        agent = new Multiplexer("agent", m -> queue(toServer, m), acceptor);
        link.execute(() -> deliver(toAgent, agent));
        link.execute(() -> deliver(toServer, server));
    }

    private void queue(LinkedBlockingQueue<ByteBuffer> queue, ByteBuffer message) {
        long now = bytesInFlight.addAndGet(message.remaining());
        mostInFlight.accumulateAndGet(now, Math::max);
        queue.add(message);
    }

    private void deliver(LinkedBlockingQueue<ByteBuffer> queue, Multiplexer to) {
        try {
            while (true) {
                ByteBuffer message = queue.take();
                bytesInFlight.addAndGet(-message.remaining());
                to.receive(message);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() {
        link.shutdownNow();
        workers.shutdownNow();
    }

    private static ObjectNode request(String op) {
        return JsonNodeFactory.instance.objectNode().put("op", op);
    }

    @Test
    void aStreamCarriesTheRequestAndBytesBothWaysAndEndsWhenTheFarEndCloses() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        connect((stream, request) -> workers.execute(() -> {
            seen.set(request.path("op").asText());
            try (stream) {
                byte[] question = stream.input().readNBytes(5);
                stream.output().write(("echo:" + new String(question, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }));
        try (TunnelStream stream = server.open(request("echo"))) {
            stream.output().write("hello".getBytes(StandardCharsets.UTF_8));
            assertEquals("echo:hello", new String(stream.input().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals("echo", seen.get());
        awaitNoStreams();
    }

    @Test
    void anErrorOfTheFarEndIsThrownByTheReaderWithItsReason() throws Exception {
        connect((stream, request) -> stream.fail("LogsNotFound", "container \"c\" has no log"));
        try (TunnelStream stream = server.open(request("logs"))) {
            TunnelError e = assertThrows(TunnelError.class, () -> stream.input().readAllBytes());
            assertEquals("LogsNotFound", e.reason());
            assertEquals("container \"c\" has no log", e.getMessage());
        }
    }

    @Test
    void aSlowReaderHoldsBackTheWriterToOneWindow() throws Exception {
        int total = 4 * 1024 * 1024;
        CompletableFuture<Void> written = new CompletableFuture<>();
        connect((stream, request) -> workers.execute(() -> {
            try (stream) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) i;
                }
                for (int sent = 0; sent < total; sent += chunk.length) {
                    stream.output().write(chunk);
                }
                written.complete(null);
            } catch (IOException e) {
                written.completeExceptionally(e);
            }
        }));
        try (TunnelStream stream = server.open(request("flood"))) {
            byte[] first = stream.input().readNBytes(1000);
            assertEquals(1000, first.length);
            Thread.sleep(300); // the writer runs ahead as far as it may
            assertTrue(!written.isDone(), "the writer is held back while nobody reads");
            assertTrue(mostInFlight.get() <= TunnelStream.WINDOW + 64 * 1024,
                    "in flight at most a window (+ headers): " + mostInFlight.get());
            long rest = 0;
            byte[] buffer = new byte[8192];
            int n;
            while ((n = stream.input().read(buffer)) >= 0) {
                rest += n;
            }
            assertEquals(total - 1000, rest);
        }
        written.get(10, TimeUnit.SECONDS);
    }

    @Test
    void closingTheReaderStopsTheFarWriterWithAnError() throws Exception {
        CompletableFuture<IOException> writerFailure = new CompletableFuture<>();
        connect((stream, request) -> workers.execute(() -> {
            try (stream) {
                while (true) {
                    stream.output().write(new byte[1024]);
                }
            } catch (IOException e) {
                writerFailure.complete(e);
            }
        }));
        TunnelStream stream = server.open(request("follow"));
        stream.input().readNBytes(10_000);
        stream.close();
        assertTrue(writerFailure.get(10, TimeUnit.SECONDS) != null);
        awaitNoStreams();
    }

    @Test
    void aLostLinkEndsEveryStreamAndRefusesNewOnes() throws Exception {
        connect((stream, request) -> {
            // never answers
        });
        TunnelStream stream = server.open(request("hang"));
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                stream.input().read();
                return null;
            } catch (IOException e) {
                return e;
            }
        }, workers);
        Thread.sleep(100);
        server.closeAll("the agent disconnected");
        Throwable failure = reader.get(5, TimeUnit.SECONDS);
        assertTrue(failure instanceof TunnelError t && t.reason().equals("TunnelClosed"), String.valueOf(failure));
        TunnelError refused = assertThrows(TunnelError.class, () -> server.open(request("again")));
        assertTrue(refused.getMessage().contains("the agent disconnected"), refused.getMessage());
    }

    @Test
    void aMalformedMessageIsDroppedAndTheOtherStreamsGoOn() throws Exception {
        connect((stream, request) -> workers.execute(() -> {
            try (stream) {
                stream.output().write(new byte[] {1, 2, 3});
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }));
        server.receive(ByteBuffer.wrap(new byte[] {2}));
        agent.receive(ByteBuffer.wrap(new byte[] {Frame.OPEN, 0, 0, 0, 9, '{'}));
        try (TunnelStream stream = server.open(request("bytes"))) {
            assertArrayEquals(new byte[] {1, 2, 3}, stream.input().readAllBytes());
        }
    }

    @Test
    void aSocketBridgedToAStreamCarriesASessionBothWaysAndEndsWithIt() throws Exception {
        try (java.net.ServerSocket echo = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            workers.execute(() -> {
                try (java.net.Socket peer = echo.accept()) {
                    peer.getInputStream().transferTo(peer.getOutputStream());
                } catch (IOException e) {
                    // the test failed elsewhere
                }
            });
            connect((stream, request) -> workers.execute(() -> {
                try (stream; java.net.Socket socket = new java.net.Socket(echo.getInetAddress(), echo.getLocalPort())) {
                    SocketBridge.bridge(socket, stream, workers);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }));
            try (TunnelStream stream = server.open(request("dial"))) {
                stream.output().write("echoed through the bridge".getBytes(StandardCharsets.UTF_8));
                assertEquals("echoed through the bridge", new String(stream.input().readNBytes(25),
                        StandardCharsets.UTF_8));
            }
            awaitNoStreams();
        }
    }

    private void awaitNoStreams() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((server.openStreams() > 0 || agent.openStreams() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, server.openStreams(), "server streams");
        assertEquals(0, agent.openStreams(), "agent streams");
    }
}
