import java.nio.charset.StandardCharsets;
import java.util.function.ObjLongConsumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One watch stream read on the connection's event loop: its JSON lines are scanned for the name of a probe
 * object ({@code "name":"probe-N"}) without decoding them, and each probe seen is reported with its arrival
 * time. A line split over DATA frames is carried over to the next frame.
 */
final class H2Watch extends ChannelInboundHandlerAdapter {
    private static final byte[] NAME = "\"name\":\"probe-".getBytes(StandardCharsets.UTF_8);

    private final ObjLongConsumer<String> seen;
    private final Runnable opened;
    private final Runnable ended;
    private ByteBuf partial;

    /**
     * @param seen told of each probe's name and the nanoTime it arrived at
     * @param opened told once the response headers arrived
     * @param ended told when the stream ends
     */
    H2Watch(ObjLongConsumer<String> seen, Runnable opened, Runnable ended) {
        this.seen = seen;
        this.opened = opened;
        this.ended = ended;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long now = System.nanoTime();
        try {
            if (msg instanceof Http2HeadersFrame h) {
                if (!"200".contentEquals(h.headers().status())) {
                    System.err.println("watch answered " + h.headers().status());
                }
                opened.run();
                if (h.isEndStream()) {
                    ended.run();
                }
            } else if (msg instanceof Http2DataFrame d) {
                scan(d.content(), now);
                if (d.isEndStream()) {
                    ended.run();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void scan(ByteBuf data, long now) {
        ByteBuf in = data;
        if (partial != null) {
            partial.writeBytes(data);
            in = partial;
        }
        int end;
        while ((end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n')) >= 0) {
            int at = find(in, in.readerIndex(), end);
            if (at >= 0) {
                int from = at + NAME.length;
                int quote = in.indexOf(from, end, (byte) '"');
                seen.accept("probe-" + in.toString(from, quote - from, StandardCharsets.US_ASCII), now);
            }
            in.readerIndex(end + 1);
        }
        if (in.isReadable()) {
            if (partial == null) {
                partial = Unpooled.buffer(in.readableBytes() * 2);
                partial.writeBytes(in);
            } else {
                partial.discardReadBytes();
            }
        } else if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    /** The absolute index of {@link #NAME} in {@code buf} between {@code from} and {@code to}, or -1. */
    private static int find(ByteBuf buf, int from, int to) {
        outer:
        for (int i = from; i <= to - NAME.length; i++) {
            for (int j = 0; j < NAME.length; j++) {
                if (buf.getByte(i + j) != NAME[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (partial != null) {
            partial.release();
            partial = null;
        }
        ended.run();
    }
}
