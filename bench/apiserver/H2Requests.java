import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Requests over {@link H2Connection}s, a fixed number in flight, one stream each, spread round robin over the
 * connections; answers are counted and dropped unread (their status is checked). The generator then costs a
 * small fraction of the server's CPU per request, so the figure is the server's.
 */
final class H2Requests implements RequestLoad {
    private final List<H2Connection> connections;
    private final int inFlight;

    H2Requests(List<H2Connection> connections, int inFlight) {
        this.connections = connections;
        this.inFlight = inFlight;
    }

    /** Sends {@code count} requests and waits for every answer; prints the first few failures. */
    public void run(int count, IntFunction<ApiRequest> requests) throws Exception {
        Semaphore permits = new Semaphore(inFlight);
        CountDownLatch finished = new CountDownLatch(count);
        AtomicLong failures = new AtomicLong();
        for (int i = 0; i < count; i++) {
            permits.acquire();
            ApiRequest r = requests.apply(i);
            H2Connection connection = connections.get(i % connections.size());
            Runnable done = () -> {
                permits.release();
                finished.countDown();
            };
            connection.streamAsync(new Answer(r, failures, done)).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(failures, r, f.cause().toString());
                    done.run();
                    return;
                }
                Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
                Http2Headers headers = connection.headers(r.method(), r.path());
                for (String[] h : r.headers()) {
                    headers.add(h[0], h[1]);
                }
                if (r.body() == null) {
                    stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
                } else {
                    headers.add("content-type", r.contentType());
                    stream.write(new DefaultHttp2HeadersFrame(headers, false));
                    stream.writeAndFlush(new DefaultHttp2DataFrame(
                            Unpooled.wrappedBuffer(r.body().getBytes(StandardCharsets.UTF_8)), true));
                }
            });
        }
        finished.await();
        if (failures.get() > 0) {
            System.err.println(failures.get() + " requests failed");
        }
    }

    private static void fail(AtomicLong failures, ApiRequest r, String why) {
        if (failures.incrementAndGet() < 5) {
            System.err.println("request failed: " + r.method() + " " + r.path() + " -> " + why);
        }
    }

    /** One stream's answer: its status, then frames up to the end of the stream. */
    private static final class Answer extends ChannelInboundHandlerAdapter {
        private final ApiRequest request;
        private final AtomicLong failures;
        private final Runnable done;
        private int status;
        private ByteBuf errorBody;
        private boolean finished;

        Answer(ApiRequest request, AtomicLong failures, Runnable done) {
            this.request = request;
            this.failures = failures;
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end;
                if (msg instanceof Http2HeadersFrame h) {
                    if (status == 0) {
                        status = Integer.parseInt(h.headers().status().toString());
                    }
                    end = h.isEndStream();
                } else if (msg instanceof Http2DataFrame d) {
                    // a conflict of a create that a warm-up already made is not a failure
                    if (status >= 300 && !(status == 409 && request.method().equals("POST"))) {
                        if (errorBody == null) {
                            errorBody = Unpooled.buffer();
                        }
                        errorBody.writeBytes(d.content());
                    }
                    end = d.isEndStream();
                } else {
                    end = false;
                }
                if (end) {
                    finish(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!finished) {
                status = status == 0 ? -1 : status;
                finish(ctx);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!finished) {
                fail(failures, request, cause.toString());
                finished = true;
                done.run();
            }
            ctx.close();
        }

        private void finish(ChannelHandlerContext ctx) {
            if (finished) {
                return;
            }
            finished = true;
            if (status <= 0 || status >= 300 && !(status == 409 && request.method().equals("POST"))) {
                fail(failures, request, status + " " + (errorBody == null ? ""
                        : errorBody.toString(StandardCharsets.UTF_8)));
            }
            if (errorBody != null) {
                errorBody.release();
            }
            done.run();
        }
    }
}
