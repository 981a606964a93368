import java.net.URI;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.Future;

/**
 * One TLS connection speaking HTTP/2 (ALPN h2) with Netty's frame codec, carrying many streams as client-go
 * multiplexes its requests and watches over one connection. The bench's cheap client: a stream costs a few
 * frame objects on one event-loop thread, where the JDK HttpClient spends about 0.3 ms of CPU per request.
 */
final class H2Connection {
    private final Channel channel;
    private final String authority;

    private H2Connection(Channel channel, String authority) {
        this.channel = channel;
        this.authority = authority;
    }

    static SslContext tls(KeyManagerFactory keys, TrustManagerFactory trust) throws Exception {
        return SslContextBuilder.forClient().keyManager(keys).trustManager(trust)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build();
    }

    static H2Connection open(EventLoopGroup group, SslContext tls, URI base) throws Exception {
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(tls.newHandler(c.alloc(), base.getHost(), base.getPort()));
                        // a large window, so that a burst of watch events never waits for a WINDOW_UPDATE
                        c.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                                .initialSettings(Http2Settings.defaultSettings().initialWindowSize(4 << 20)).build());
                        c.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(base.getHost(), base.getPort()).sync().channel();
        // client-go's connection window (1 GiB): with HTTP/2's default 64 KiB, a burst of events to 100 watches
        // of one connection would wait for this client's WINDOW_UPDATEs
        ch.writeAndFlush(new DefaultHttp2WindowUpdateFrame((1 << 30) - 65535)).sync();
        return new H2Connection(ch, base.getHost() + ":" + base.getPort());
    }

    /** A new stream whose pipeline is {@code handler}. */
    Http2StreamChannel stream(ChannelHandler handler) throws Exception {
        return streamAsync(handler).get(30, TimeUnit.SECONDS);
    }

    Future<Http2StreamChannel> streamAsync(ChannelHandler handler) {
        return new Http2StreamChannelBootstrap(channel).handler(handler).open();
    }

    Http2Headers headers(String method, String pathAndQuery) {
        return new DefaultHttp2Headers().method(method).scheme("https").authority(authority).path(pathAndQuery);
    }

    void close() {
        channel.close().syncUninterruptibly();
    }
}
