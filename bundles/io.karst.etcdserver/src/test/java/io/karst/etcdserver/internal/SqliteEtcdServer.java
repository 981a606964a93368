package io.karst.etcdserver.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;

/**
 * The endpoint over a real SQLite store in a temporary directory, on an ephemeral loopback port or on a Unix
 * socket; the grpc-java channel of the tests is on loopback TCP only (it reaches sockets only through epoll).
 */
final class SqliteEtcdServer implements AutoCloseable {
    final LogStructuredStore store;
    final EtcdEndpoint endpoint;
    final ManagedChannel channel;

    SqliteEtcdServer(Path dataDir) {
        this(dataDir, new InetSocketAddress("127.0.0.1", 0));
    }

    SqliteEtcdServer(Path dataDir, SocketAddress listen) {
        // NORMAL sync: these tests prove the protocol, not durability, and a 2-core machine runs them
        store = SqliteStore.openInDataDir(dataDir, SqliteSync.NORMAL, StoreSettings.defaults());
        endpoint = EtcdEndpoint.start(store, listen);
        channel = endpoint.port() == 0 ? null
                : NettyChannelBuilder.forAddress("127.0.0.1", endpoint.port()).usePlaintext().build();
    }

    /** The endpoint as etcdctl's {@code --endpoints} takes it. */
    String address() {
        return endpoint.clientUrl();
    }

    @Override
    public void close() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        endpoint.close();
        store.close();
    }
}
