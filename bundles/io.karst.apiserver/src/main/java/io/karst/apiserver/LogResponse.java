package io.karst.apiserver;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.node.LogsNotFoundException;
import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.endpoint.ApiResponse;
import io.karst.apiserver.status.ApiException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
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

/**
 * Streams a container's log ({@code pods/log}) to the client as {@code text/plain}, chunked over HTTP/1.1 and as
 * DATA frames over HTTP/2 (the same HTTP objects a watch writes), flushed as the kubelet's side flushes, so
 * {@code kubectl logs -f} shows lines as they come.
 *
 * <p>Each log runs on a thread of its own, not on the request pool: a followed log lasts as long as the client
 * stays, as upstream's long-running requests are outside max-in-flight. The client leaving interrupts the thread
 * and fails its next write, which ends the log. Until the first byte the answer may still be a Status: a log the
 * node does not have is upstream's 400 with the kubelet's message.
 */
final class LogResponse {
    private static final Logger LOG = LoggerFactory.getLogger(LogResponse.class);
    private static final int CHUNK = 8192;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private LogResponse() {
    }

    static void start(ChannelHandlerContext ctx, boolean keepAlive, ApiResponse.Log log, ObjectCodec codec) {
        Channel channel = ctx.channel();
        if (log.logs() == null) {
            FullHttpResponse none = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
            send(channel, keepAlive, none);
            return;
        }
        // an open log keeps its connection from being closed as idle while the container is quiet, as a watch does
        AtomicInteger open = HttpsServerInitializer.connection(channel).attr(HttpsServerInitializer.OPEN_STREAMS).get();
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (open != null && released.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        };
        if (open != null) {
            open.incrementAndGet();
        }
        Thread thread = new Thread(() -> {
            try {
                run(channel, keepAlive, log, codec);
            } finally {
                release.run();
            }
        }, "karst-apiserver-log-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        channel.closeFuture().addListener(f -> {
            release.run();
            thread.interrupt();
        });
        thread.start();
    }

    private static void run(Channel channel, boolean keepAlive, ApiResponse.Log log, ObjectCodec codec) {
        ChannelOutput out = new ChannelOutput(channel);
        try {
            log.logs().write(log.namespace(), log.pod(), log.podUid(), log.container(), log.options(), out);
            out.finish(keepAlive);
        } catch (LogsNotFoundException e) {
            if (out.started) {
                out.finish(keepAlive);
            } else {
                send(channel, keepAlive, ResourceApi.failure(codec, ApiException.badRequest(e.getMessage())));
            }
        } catch (IOException e) {
            if (out.started || !channel.isActive()) {
                // the client went away, or the node's side failed mid-stream: nothing more can be said
                channel.close();
            } else {
                // the node's side failed before the first byte (a tunnel that just closed): say so
                LOG.warn("log of {}/{} container {} failed: {}", log.namespace(), log.pod(), log.container(),
                        e.getMessage());
                send(channel, keepAlive, ResourceApi.failure(codec, ApiException.internal(e.getMessage())));
            }
        } catch (RuntimeException e) {
            LOG.warn("log of {}/{} container {} failed", log.namespace(), log.pod(), log.container(), e);
            if (out.started) {
                channel.close();
            } else {
                send(channel, keepAlive, ResourceApi.failure(codec, ApiException.internal(e.toString())));
            }
        }
    }

    private static void send(Channel channel, boolean keepAlive, FullHttpResponse response) {
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            channel.writeAndFlush(response);
        } else {
            channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The log's bytes as response chunks; the response head goes out with the first. */
    private static final class ChannelOutput extends OutputStream {
        private final Channel channel;
        private final byte[] buffer = new byte[CHUNK];
        private int count;
        volatile boolean started;

        ChannelOutput(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            if (count == buffer.length) {
                send();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (count == buffer.length) {
                    send();
                }
                int n = Math.min(len, buffer.length - count);
                System.arraycopy(b, off, buffer, count, n);
                count += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            if (count > 0) {
                send();
            }
        }

        private void send() throws IOException {
            if (!channel.isActive()) {
                throw new IOException("the client went away");
            }
            head();
            ChannelFuture written = channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(buffer, 0,
                    count)));
            count = 0;
            if (!channel.isWritable()) {
                // a client reading slower than the log grows: wait for it rather than queue without bound
                written.awaitUninterruptibly();
                if (!written.isSuccess()) {
                    throw new IOException("writing the log failed", written.cause());
                }
            }
        }

        private void head() {
            if (!started) {
                started = true;
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
                head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private");
                channel.write(head);
            }
        }

        void finish(boolean keepAlive) {
            if (!channel.isActive()) {
                return;
            }
            head();
            if (count > 0) {
                channel.write(new DefaultHttpContent(Unpooled.copiedBuffer(buffer, 0, count)));
                count = 0;
            }
            ChannelFuture last = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                last.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
