package io.karst.apiserver;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The listening socket and its event loops; {@link #close()} releases the port and every thread. */
final class HttpsServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;
    private final String transport;

    HttpsServer(InetSocketAddress address, HttpsServerInitializer initializer) throws InterruptedException {
        // Native epoll where it loads: fewer system calls per request than the JDK selector, which counts on a VM.
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("karst-apiserver-accept"), io);
        workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("karst-apiserver-io"), io);
        transport = epoll ? "epoll" : "nio";
        try {
            channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childHandler(initializer)
                    .bind(address).sync().channel();
        } catch (Exception e) {
            // bind() failures (address in use) surface here as checked exceptions thrown by sync().
            shutdown();
            throw e;
        }
    }

    /** {@code epoll} (native) or {@code nio}. */
    String transport() {
        return transport;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        shutdown();
    }

    private void shutdown() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
