package io.karst.etcdserver.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.KeyValueStore;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The etcd v3 gRPC server over one store, on Netty. It is built with {@link NettyServerBuilder} directly rather
 * than {@code ServerBuilder.forPort}, which would look the transport up with {@code ServiceLoader}: inside OSGi
 * that lookup sees only grpc's own class loader (TOOLCHAIN P12). Event loops and the call executor are owned
 * here, so {@link #close} ends every thread the endpoint started.
 *
 * <p>A Unix socket is served by Netty's {@link NioServerDomainSocketChannel} (JDK 16+ {@code UNIX} channels) on
 * the same NIO event loops as TCP. grpc-netty itself offers sockets only through native epoll
 * ({@code io.netty.channel.unix.DomainSocketAddress}), which would add a platform-specific fragment bundle; grpc
 * binds whatever address and channel type it is given, so the JDK's {@link UnixDomainSocketAddress} works. The
 * socket file is created mode 0600 (its mode is the only access control) and removed again by {@link #close}.
 */
public final class EtcdEndpoint implements AutoCloseable {
    /** etcd's default request limit is 1.5 MiB; values reach the store's 1.5 MiB maximum plus the envelope. */
    private static final int MAX_REQUEST_BYTES = 2 * 1024 * 1024 + 64 * 1024;
    private static final long SHUTDOWN_SECONDS = 5;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService calls;
    private String transport;
    private final Server server;
    private final SocketAddress address;
    /** Set once the socket file exists and is this endpoint's to remove. */
    private volatile boolean listening;

    private EtcdEndpoint(EventLoopGroup boss, EventLoopGroup workers, ExecutorService calls, Server server,
            SocketAddress address) {
        this.boss = boss;
        this.workers = workers;
        this.calls = calls;
        this.server = server;
        this.address = address;
    }

    /** Starts serving {@code store} on {@code host:port} (port 0: a free one). */
    public static EtcdEndpoint start(KeyValueStore store, String host, int port) {
        return start(store, new InetSocketAddress(host, port));
    }

    /**
     * Starts serving {@code store} on a TCP address (port 0: a free one) or a Unix socket. A socket file left by
     * an endpoint that did not stop cleanly is replaced; one another process still serves is not.
     *
     * @throws DatastoreUnavailableException when the address cannot be bound
     */
    public static EtcdEndpoint start(KeyValueStore store, SocketAddress address) {
        Class<? extends ServerChannel> channelType = NioServerSocketChannel.class;
        IoHandlerFactory io = NioIoHandler.newFactory();
        if (address instanceof UnixDomainSocketAddress socket) {
            clearStaleSocket(socket);
            channelType = NioServerDomainSocketChannel.class;
        } else if (NativeEpoll.available()) {
            // Native epoll makes fewer system calls per request than the JDK selector, which counts on a VM.
            channelType = EpollServerSocketChannel.class;
            io = EpollIoHandler.newFactory();
        }
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, threads("karst-etcd-accept"), io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, threads("karst-etcd-io"), io);
        // Calls block on the store (SQL), so they run off the event loops, on a pool that grows with demand.
        ExecutorService calls = Executors.newCachedThreadPool(threads("karst-etcd-call"));
        Server server = NettyServerBuilder.forAddress(address)
                .channelType(channelType)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(calls)
                .callExecutor(new CallThreads(calls))
                .maxInboundMessageSize(MAX_REQUEST_BYTES)
                // clientv3 pings idle connections every 30 s (kube-apiserver: 10 s); etcd permits 5 s
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(new KvService(store, calls, new EventLoopCommits(store, workers)))
                .addService(new WatchService(store))
                .addService(new LeaseService(store))
                .addService(new MaintenanceService(store))
                .build();
        EtcdEndpoint endpoint = new EtcdEndpoint(boss, workers, calls, server, address);
        endpoint.transport = channelType == EpollServerSocketChannel.class ? "epoll" : "nio";
        try {
            server.start();
            endpoint.listening = true;
            if (address instanceof UnixDomainSocketAddress socket) {
                Files.setPosixFilePermissions(socket.getPath(), PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException | RuntimeException e) {
            endpoint.close();
            throw new DatastoreUnavailableException("cannot listen for etcd clients on "
                    + ListenAddress.forClients(address) + ": " + e.getMessage(), e);
        }
        return endpoint;
    }

    /** The port bound, which is the chosen one when started with port 0; 0 on a Unix socket. */
    public int port() {
        return server.getListenSockets().get(0) instanceof InetSocketAddress inet ? inet.getPort() : 0;
    }

    /** Where clients reach the endpoint, in etcdctl's {@code --endpoints} form. */
    public String clientUrl() {
        return ListenAddress.forClients(address instanceof InetSocketAddress inet
                ? new InetSocketAddress(inet.getAddress(), port()) : address);
    }

    /**
     * Removes a socket file that no process listens on any more (the JDK does not unlink one on close, and an
     * endpoint killed with -9 never gets to). Anything else at the path is left alone and makes the bind fail.
     */
    private static void clearStaleSocket(UnixDomainSocketAddress socket) {
        Path path = socket.getPath();
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) || !isSocket(path)) {
                return;
            }
            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.connect(socket);
                throw new DatastoreUnavailableException("cannot listen for etcd clients on unix://" + path
                        + ": another process is serving that socket");
            } catch (IOException refused) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new DatastoreUnavailableException("cannot listen for etcd clients on unix://" + path + ": "
                    + e.getMessage(), e);
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        // S_IFSOCK in st_mode; BasicFileAttributes.isOther() would also be true for devices and FIFOs
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0140000;
    }

    /** Which Netty transport serves the sockets: {@code epoll} (native) or {@code nio}. */
    public String transport() {
        return transport;
    }

    /** Stops accepting, cancels open calls and watches, and waits for the threads to end. */
    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        calls.shutdownNow();
        workers.shutdownGracefully(0, SHUTDOWN_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, SHUTDOWN_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
        try {
            calls.awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (listening && address instanceof UnixDomainSocketAddress socket) {
            try {
                Files.deleteIfExists(socket.getPath());
            } catch (IOException e) {
                // the next start replaces a stale socket file anyway
            }
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
