package io.karst.etcdserver.internal;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;

/** The endpoint on an ephemeral loopback port over a real SQLite store in a temporary directory. */
final class SqliteEtcdServer implements AutoCloseable {
    final LogStructuredStore store;
    final EtcdEndpoint endpoint;
    final ManagedChannel channel;

    SqliteEtcdServer(Path dataDir) {
        // NORMAL sync: these tests prove the protocol, not durability, and a 2-core machine runs them
        store = SqliteStore.openInDataDir(dataDir, SqliteSync.NORMAL, StoreSettings.defaults());
        endpoint = EtcdEndpoint.start(store, "127.0.0.1", 0);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", endpoint.port()).usePlaintext().build();
    }

    String address() {
        return "127.0.0.1:" + endpoint.port();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        endpoint.close();
        store.close();
    }
}
