package io.karst.apiserver;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slf4j.LoggerFactory;

import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.codec.protobuf.ProtobufObjects;
import io.karst.apiserver.endpoint.StreamWriter;
import io.karst.apiserver.endpoint.WatchFrame;
import io.karst.apiserver.endpoint.WatchSession;
import io.karst.apiserver.status.ApiException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/** Writes resource API answers to the channel, from any thread: whole bodies, Status failures, watch streams. */
final class ResponseWriter {
    /** The event transformation of a plain JSON watch: frames that need no conversion share their encoding. */
    static final java.util.function.UnaryOperator<ObjectNode> IDENTITY = o -> o;

    /** Frames a watch may queue while the client is not reading before the watch is ended. */
    private static final int MAX_QUEUED_FRAMES = 2000;

    private final ObjectCodec codec;

    ResponseWriter(ObjectCodec codec) {
        this.codec = codec;
    }

    void send(ChannelHandlerContext ctx, boolean keepAlive, boolean head, int code, JsonNode body,
            Representation representation) {
        send(ctx, keepAlive, head, code, body, representation, java.util.List.of());
    }

    /** @param warnings each sent as {@code Warning: 299 - "text"}, which kubectl prints as "Warning: text" */
    void send(ChannelHandlerContext ctx, boolean keepAlive, boolean head, int code, JsonNode body,
            Representation representation, java.util.List<String> warnings) {
        byte[] bytes;
        if (representation.kind() == Representation.Kind.PROTOBUF) {
            // the caller has checked that the object has a message (ProtobufFallback)
            ProtobufObjects.Encoded encoded = ProtobufObjects.encode((ObjectNode) body).orElseThrow();
            if (!encoded.droppedFields().isEmpty()) {
                if (representation.fallback() != null) {
                    // the protos are older than the object: JSON carries all of it, so an update the client
                    // sends back from what it read cannot erase fields it never saw
                    send(ctx, keepAlive, head, code, body, representation.fallback(), warnings);
                    return;
                }
                warnings = new java.util.ArrayList<>(warnings);
                warnings.add("the protobuf form of this " + body.path("kind").asText() + " leaves out "
                        + String.join(", ", encoded.droppedFields())
                        + ", which this server's protobuf types do not have; read it as application/json to see them");
            }
            bytes = encoded.bytes();
        } else {
            bytes = representation.kind() == Representation.Kind.YAML ? codec.encodeYaml(body)
                    : codec.encodeJson(body);
        }
        FullHttpResponse response = StatusResponses.bytes(HttpResponseStatus.valueOf(code),
                representation.contentType(), bytes);
        if (head) {
            response.content().clear();
        }
        for (String warning : warnings) {
            response.headers().add("Warning", "299 - \"" + warning.replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\"");
        }
        write(ctx, keepAlive, response);
    }

    /** Bytes as another server gave them (a kubelet through {@code nodes/proxy}). */
    void sendRaw(ChannelHandlerContext ctx, boolean keepAlive, boolean head, int code, String contentType,
            byte[] body) {
        FullHttpResponse response = StatusResponses.bytes(HttpResponseStatus.valueOf(code),
                contentType == null || contentType.isEmpty() ? "application/octet-stream" : contentType, body);
        if (head) {
            response.content().clear();
        }
        write(ctx, keepAlive, response);
    }

    void fail(ChannelHandlerContext ctx, boolean keepAlive, ApiException e) {
        write(ctx, keepAlive, ResourceApi.failure(codec, e));
    }

    /** A failure Status in the representation the request negotiated (protobuf, or JSON). */
    void fail(ChannelHandlerContext ctx, boolean keepAlive, ApiException e, Representation representation) {
        write(ctx, keepAlive, ResourceApi.failure(codec, e, representation));
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Opens a chunked response and lets the session write one JSON line per event. */
    void stream(ChannelHandlerContext ctx, WatchSession session, Representation representation,
            java.util.function.UnaryOperator<ObjectNode> events) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        boolean protobuf = representation.kind() == Representation.Kind.PROTOBUF;
        // upstream adds ;stream=watch to every watch media type but JSON's
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, protobuf ? ProtobufObjects.MEDIA_TYPE + ";stream=watch"
                : representation.kind() == Representation.Kind.YAML ? "application/yaml" : "application/json");
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private");
        ctx.writeAndFlush(head);
        var open = HttpsServerInitializer.connection(ctx.channel()).attr(HttpsServerInitializer.OPEN_STREAMS).get();
        if (open != null) {
            open.incrementAndGet();
            session.start(new ChannelStream(ctx.channel(), codec, events, protobuf, open::decrementAndGet));
        } else {
            session.start(new ChannelStream(ctx.channel(), codec, events, protobuf, () -> { }));
        }
    }

    /** A watch's view of its channel: bounded queueing, end once, close notification. */
    private static final class ChannelStream implements StreamWriter {
        private final Channel channel;
        private final ObjectCodec codec;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final AtomicInteger queued = new AtomicInteger();
        private final Runnable closed;
        private final AtomicBoolean released = new AtomicBoolean();
        private final java.util.function.UnaryOperator<ObjectNode> events;
        private final boolean protobuf;

        ChannelStream(Channel channel, ObjectCodec codec, java.util.function.UnaryOperator<ObjectNode> events,
                boolean protobuf, Runnable closed) {
            this.channel = channel;
            this.protobuf = protobuf;
            this.codec = codec;
            this.events = events;
            this.closed = closed;
            channel.closeFuture().addListener(f -> release());
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                closed.run();
            }
        }

        @Override
        public boolean write(WatchFrame frame) {
            if (ended.get() || !channel.isActive()) {
                return false;
            }
            if (!channel.isWritable() && queued.get() > MAX_QUEUED_FRAMES) {
                return false;
            }
            byte[] line;
            if (protobuf) {
                // length-prefixed frames; a watch cannot change its media type midway, so an object whose
                // fields the protos lack is sent without them (see ProtobufObjects.Encoded)
                try {
                    line = events == IDENTITY ? SharedEncodings.encodeProtobuf(frame)
                            : SharedEncodings.protobufFrame(frame.type(), events.apply(frame.object()));
                } catch (RuntimeException e) {
                    // an object its message cannot hold ends this watch only (the client re-lists), never the
                    // dispatch to the other watchers
                    LoggerFactory.getLogger(ResponseWriter.class).warn("ending a protobuf watch: {}", e.toString());
                    end();
                    return false;
                }
            } else {
                line = events == IDENTITY ? SharedEncodings.encodeLine(frame, codec)
                        : SharedEncodings.withNewline(encode(frame));
            }
            queued.incrementAndGet();
            CoalescedFlush.write(channel, new DefaultHttpContent(Unpooled.wrappedBuffer(line)), queued::decrementAndGet);
            return true;
        }

        private byte[] encode(WatchFrame frame) {
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            event.put("type", frame.type());
            event.set("object", events.apply(frame.object()));
            return codec.encodeJson(event);
        }

        @Override
        public void end() {
            if (ended.compareAndSet(false, true) && channel.isActive()) {
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            release();
        }

        @Override
        public void onClose(Runnable action) {
            channel.closeFuture().addListener(f -> action.run());
        }
    }
}
