package io.karst.etcdserver.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
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
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The etcd v3 gRPC server over one store, on Netty. It is built with {@link NettyServerBuilder} directly rather
 * than {@code ServerBuilder.forPort}, which would look the transport up with {@code ServiceLoader}: inside OSGi
 * that lookup sees only grpc's own class loader (TOOLCHAIN P12). Event loops and the call executor are owned
 * here, so {@link #close} ends every thread the endpoint started.
 */
public final class EtcdEndpoint implements AutoCloseable {
    /** etcd's default request limit is 1.5 MiB; values reach the store's 1.5 MiB maximum plus the envelope. */
    private static final int MAX_REQUEST_BYTES = 2 * 1024 * 1024 + 64 * 1024;
    private static final long SHUTDOWN_SECONDS = 5;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService calls;
    private final Server server;

    private EtcdEndpoint(EventLoopGroup boss, EventLoopGroup workers, ExecutorService calls, Server server) {
        this.boss = boss;
        this.workers = workers;
        this.calls = calls;
        this.server = server;
    }

    /**
     * Starts serving {@code store} on {@code host:port} (port 0: a free one).
     *
     * @throws DatastoreUnavailableException when the address cannot be bound
     */
    public static EtcdEndpoint start(KeyValueStore store, String host, int port) {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, threads("karst-etcd-accept"),
                NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, threads("karst-etcd-io"),
                NioIoHandler.newFactory());
        // Calls block on the store (SQL), so they run off the event loops, on a pool that grows with demand.
        ExecutorService calls = Executors.newCachedThreadPool(threads("karst-etcd-call"));
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .channelType(NioServerSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(calls)
                .maxInboundMessageSize(MAX_REQUEST_BYTES)
                // clientv3 pings idle connections every 30 s (kube-apiserver: 10 s); etcd permits 5 s
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(new KvService(store))
                .addService(new WatchService(store))
                .addService(new LeaseService(store))
                .addService(new MaintenanceService(store))
                .build();
        EtcdEndpoint endpoint = new EtcdEndpoint(boss, workers, calls, server);
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            endpoint.close();
            throw new DatastoreUnavailableException("cannot listen for etcd clients on " + host + ":" + port
                    + ": " + e.getMessage(), e);
        }
        return endpoint;
    }

    /** The port bound, which is the chosen one when started with port 0. */
    public int port() {
        return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
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
