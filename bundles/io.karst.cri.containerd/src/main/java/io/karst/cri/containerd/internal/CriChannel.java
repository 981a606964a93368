package io.karst.cri.containerd.internal;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.internal.PickFirstLoadBalancerProvider;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;

/**
 * A plaintext gRPC channel to a CRI socket. It is built with {@link NettyChannelBuilder} on the socket address
 * directly, so no name resolver is used. grpc finds its balancers and resolvers through {@code ServiceLoader} on its
 * own class loader, which inside OSGi is this bundle's, where -conditionalpackage copied grpc's classes but not its
 * service files (TOOLCHAIN P12): the bundle carries its own {@code META-INF/services} for pick-first (which every
 * channel needs) and DNS (without any resolver grpc logs a "broken build" warning), and pick-first is also
 * registered by hand should those files ever be dropped. The socket is reached with Netty's native epoll ({@link EpollDomainSocketChannel}) where it
 * loads, else with the JDK's Unix channels; the event loop is owned here and ended by {@link #close}.
 */
final class CriChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CriChannel.class);
    /** containerd's own limit for CRI responses (ListContainers on a busy node, ExecSync output). */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final EventLoopGroup loop;
    private final ManagedChannel channel;
    private final String transport;

    CriChannel(Path socket) {
        registerPickFirst();
        IoHandlerFactory io;
        Class<? extends Channel> channelType;
        SocketAddress address;
        if (epollAvailable()) {
            io = EpollIoHandler.newFactory();
            channelType = EpollDomainSocketChannel.class;
            address = new DomainSocketAddress(socket.toString());
            transport = "epoll";
        } else {
            io = NioIoHandler.newFactory();
            channelType = NioDomainSocketChannel.class;
            address = UnixDomainSocketAddress.of(socket);
            transport = "nio";
        }
        loop = new MultiThreadIoEventLoopGroup(1, threads("karst-cri-io"), io);
        channel = NettyChannelBuilder.forAddress(address)
                .channelType(channelType)
                .eventLoopGroup(loop)
                .usePlaintext()
                // an authority for the HTTP/2 :authority header; a socket path is not one
                .overrideAuthority("localhost")
                // grpc asks for TCP keepalive on every transport; a Unix socket has none (Netty warns per connect)
                .withOption(ChannelOption.SO_KEEPALIVE, null)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
    }

    ManagedChannel channel() {
        return channel;
    }

    String transport() {
        return transport;
    }

    /** After containerd was restarted: reconnect now rather than after grpc's growing reconnect backoff. */
    void reconnectNow() {
        channel.resetConnectBackoff();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static void registerPickFirst() {
        LoadBalancerRegistry registry = LoadBalancerRegistry.getDefaultRegistry();
        synchronized (CriChannel.class) {
            if (registry.getProvider("pick_first") == null) {
                registry.register(new PickFirstLoadBalancerProvider());
            }
        }
    }

    private static boolean epollAvailable() {
        try {
            if (Epoll.isAvailable()) {
                return true;
            }
            LOG.debug("Native epoll is not available, containerd's socket is reached through NIO: {}",
                    Epoll.unavailabilityCause().toString());
            return false;
        } catch (LinkageError missing) {
            LOG.debug("Netty's epoll classes are not installed, containerd's socket is reached through NIO: {}",
                    missing.toString());
            return false;
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
