package io.karst.client.remote;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * The client end of an HTTP watch: the response's newline-delimited {@code WatchEvent}s, cut into lines by Netty's
 * {@link LineBasedFrameDecoder} on the event loop, are parsed and handed to the {@link Watcher} in order on a
 * {@code delivery} executor (the client's callback threads, one at a time), so no thread waits on a watch. The
 * stream is read only while fewer than {@value #MAX_PENDING} lines wait for the watcher: a slow watcher holds the
 * server back through HTTP/2 flow control (frames not read are not acknowledged) instead of filling memory.
 *
 * <p>The watcher gets {@code onClose(null)} when the server ends the stream or the owner closes the watch,
 * {@code onClose(cause)} after an ERROR event. A broken connection ends the watch like the server's timeout does:
 * the owner watches again from the last version it saw.
 */
final class RemoteWatch implements ResourceWatch {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteWatch.class);
    /** An event is one object; the API server takes objects of up to 3 MiB, with room to spare. */
    static final int MAX_EVENT_BYTES = 32 * 1024 * 1024;
    /** Lines read but not yet delivered, above which the stream is not read. */
    static final int MAX_PENDING = 64;

    private final URI uri;
    private final Watcher watcher;
    private final ObjectMapper json;
    private final Executor delivery;
    private final Consumer<RemoteWatch> onEnd;
    private final AtomicBoolean closedByOwner = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile Channel stream;
    /** Set on the delivery thread by an ERROR event or an unreadable line: nothing is delivered after it. */
    private ResourceException failure;
    private boolean broken;

    /**
     * @param delivery runs the watcher's calls, one at a time, in order
     * @param onEnd told once when the watch has ended, however it ended
     */
    RemoteWatch(URI uri, Watcher watcher, ObjectMapper json, Executor delivery, Consumer<RemoteWatch> onEnd) {
        this.uri = uri;
        this.watcher = watcher;
        this.json = json;
        this.delivery = delivery;
        this.onEnd = onEnd;
    }

    /** The handlers of a stream that carries this watch: the answer, cut into lines, delivered here. */
    ChannelHandler handlers(WatchResponseReader reader) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(reader, new LineBasedFrameDecoder(MAX_EVENT_BYTES, true, false),
                        new Lines());
            }
        };
    }

    /** Reads the next frames unless the watcher is behind. */
    private void readMore(Channel channel) {
        if (pending.get() < MAX_PENDING) {
            channel.read();
            return;
        }
        paused.set(true);
        // the watcher may have caught up between the check and the flag: then nobody else would read again
        if (pending.get() < MAX_PENDING && paused.compareAndSet(true, false)) {
            channel.read();
        }
    }

    private void offer(byte[] line) {
        pending.incrementAndGet();
        delivery.execute(() -> {
            try {
                deliver(line);
            } finally {
                Channel channel = stream;
                if (pending.decrementAndGet() < MAX_PENDING && paused.compareAndSet(true, false) && channel != null) {
                    channel.read();
                }
            }
        });
    }

    /** On the delivery executor. */
    private void deliver(byte[] line) {
        if (closedByOwner.get() || failure != null || broken) {
            return;
        }
        ResourceEvent event;
        try {
            event = event(json.readTree(line));
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("watch {} ended: {}", uri, e.toString());
            broken = true;
            closeStream();
            return;
        }
        if (event == null) {
            return;
        }
        if (event.type() == ResourceEvent.Type.ERROR) {
            failure = ResourceException.fromStatus(event.object());
            closeStream();
        }
        watcher.onEvent(event);
    }

    /** {@code null} for a blank line. */
    private static ResourceEvent event(JsonNode frame) throws IOException {
        if (frame == null || frame.isMissingNode()) {
            return null;
        }
        JsonNode object = frame.get("object");
        if (!(object instanceof ObjectNode o) || !frame.hasNonNull("type")) {
            throw new IOException("not a watch event: " + frame);
        }
        return new ResourceEvent(ResourceEvent.Type.valueOf(frame.get("type").asText()), o);
    }

    /** Tells the owner and the watcher once, after the events already queued. */
    private void end() {
        if (ended.compareAndSet(false, true)) {
            delivery.execute(() -> {
                onEnd.accept(this);
                try {
                    watcher.onClose(closedByOwner.get() ? null : failure);
                } catch (RuntimeException e) {
                    LOG.warn("watcher of {} failed on close", uri, e);
                }
            });
        }
    }

    /** The watch was never started (its request failed): nobody is told anything. */
    void abandon() {
        ended.set(true);
        closeStream();
    }

    private void closeStream() {
        Channel channel = stream;
        if (channel != null) {
            // resets the stream if it is still open: the server stops sending
            channel.close();
        }
    }

    /** Cancels the request: what is not delivered is dropped, and the watcher gets onClose(null). */
    @Override
    public void close() {
        if (closedByOwner.compareAndSet(false, true)) {
            closeStream();
            end();
        }
    }

    @Override
    public String toString() {
        return "watch " + uri;
    }

    /** The last handler of the stream: lines in, the stream's end, and the demand for more. */
    private final class Lines extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            stream = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf line = (ByteBuf) msg;
            try {
                if (line.isReadable()) {
                    offer(ByteBufUtil.getBytes(line));
                }
            } finally {
                line.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                readMore(ctx.channel());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // an event longer than MAX_EVENT_BYTES, or the stream failed: the owner watches again
            LOG.debug("watch {} ended: {}", uri, cause.toString());
            ctx.close();
        }
    }
}
