package io.karst.tunnel.mux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Many {@link TunnelStream}s over one tunnel link. The server's side opens streams ({@link #open}), each with a
 * JSON request; the agent's side hands each opened stream to its {@link Acceptor}. Messages go out through the
 * link's sink, which must not block and must keep their order; they come in through {@link #receive}.
 */
public final class Multiplexer {
    private static final Logger LOG = LoggerFactory.getLogger(Multiplexer.class);
    static final ObjectMapper JSON = new ObjectMapper();

    /** The agent's side: what to do with a stream the server opened. Must not block the calling thread. */
    @FunctionalInterface
    public interface Acceptor {
        void accept(TunnelStream stream, ObjectNode request);
    }

    private final String name;
    private final Consumer<ByteBuffer> sink;
    private final Acceptor acceptor;
    private final Map<Integer, TunnelStream> streams = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private volatile String closedBecause;

    /**
     * @param name     for messages, e.g. {@code tunnel to node edge-1}
     * @param acceptor {@code null} on the side that only opens streams
     */
    public Multiplexer(String name, Consumer<ByteBuffer> sink, Acceptor acceptor) {
        this.name = name;
        this.sink = sink;
        this.acceptor = acceptor;
    }

    /** Opens a stream carrying {@code request} to the far end. */
    public TunnelStream open(ObjectNode request) throws IOException {
        if (closedBecause != null) {
            throw new TunnelError("TunnelClosed", name + " is closed: " + closedBecause);
        }
        TunnelStream stream = new TunnelStream(nextId.incrementAndGet(), this);
        streams.put(stream.id(), stream);
        sink.accept(Frame.encode(Frame.OPEN, stream.id(), JSON.writeValueAsBytes(request)));
        return stream;
    }

    /** One message from the link. A malformed one is logged and dropped; it never breaks the other streams. */
    public void receive(ByteBuffer message) {
        Frame frame;
        try {
            frame = Frame.decode(message);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: {}", name, e.getMessage());
            return;
        }
        TunnelStream stream = streams.get(frame.stream());
        switch (frame.type()) {
            case Frame.OPEN -> accepted(frame);
            case Frame.DATA -> {
                if (stream != null) {
                    ByteBuffer copy = ByteBuffer.allocate(frame.payload().remaining()).put(frame.payload()).flip();
                    stream.received(copy);
                }
            }
            case Frame.WINDOW -> {
                if (stream != null && frame.payload().remaining() >= 4) {
                    stream.granted(frame.payload().getInt());
                }
            }
            case Frame.CLOSE -> {
                if (stream != null) {
                    streams.remove(frame.stream());
                    if (stream.closedByPeer(error(frame.payload()))) {
                        sink.accept(Frame.encode(Frame.CLOSE, frame.stream(), new byte[0]));
                    }
                }
            }
            default -> LOG.warn("{}: unknown message type {}", name, frame.type());
        }
    }

    /** The link is gone: every stream ends with an error saying so, and no stream opens any more. */
    public void closeAll(String because) {
        closedBecause = because;
        TunnelError error = new TunnelError("TunnelClosed", name + " is closed: " + because);
        for (TunnelStream stream : List.copyOf(streams.values())) {
            stream.closedByPeer(error);
        }
        streams.clear();
    }

    public int openStreams() {
        return streams.size();
    }

    private void accepted(Frame frame) {
        if (acceptor == null) {
            LOG.warn("{}: the far end tried to open stream {}", name, frame.stream());
            sink.accept(Frame.encode(Frame.CLOSE, frame.stream(),
                    errorPayload("Refused", "this end does not accept streams")));
            return;
        }
        TunnelStream stream = new TunnelStream(frame.stream(), this);
        ObjectNode request;
        try {
            request = (ObjectNode) JSON.readTree(StandardCharsets.UTF_8.decode(frame.payload()).toString());
        } catch (IOException | ClassCastException e) {
            sink.accept(Frame.encode(Frame.CLOSE, frame.stream(), errorPayload("BadRequest",
                    "the request of stream " + frame.stream() + " is not a JSON object")));
            return;
        }
        if (streams.putIfAbsent(stream.id(), stream) != null) {
            LOG.warn("{}: stream {} opened twice", name, frame.stream());
            return;
        }
        acceptor.accept(stream, request);
    }

    void sendData(TunnelStream stream, byte[] data, int offset, int length) {
        sink.accept(Frame.encode(Frame.DATA, stream.id(), data, offset, length));
    }

    void sendWindow(TunnelStream stream, int consumed) {
        sink.accept(Frame.window(stream.id(), consumed));
    }

    void sendClose(TunnelStream stream, byte[] payload) {
        // the far end answers with its own CLOSE unless it closed first; either way this end is done with it
        if (streams.get(stream.id()) == stream && closedBecause == null) {
            sink.accept(Frame.encode(Frame.CLOSE, stream.id(), payload));
        }
        streams.remove(stream.id(), stream);
    }

    static byte[] errorPayload(String reason, String message) {
        ObjectNode error = JSON.createObjectNode().put("reason", reason).put("message", message);
        try {
            return JSON.writeValueAsBytes(error);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TunnelError error(ByteBuffer payload) {
        if (!payload.hasRemaining()) {
            return null;
        }
        try {
            ObjectNode error = (ObjectNode) JSON.readTree(StandardCharsets.UTF_8.decode(payload).toString());
            return new TunnelError(error.path("reason").asText("Error"), error.path("message").asText(""));
        } catch (IOException | ClassCastException e) {
            return new TunnelError("Error", "the far end closed the stream with an unreadable error");
        }
    }
}
