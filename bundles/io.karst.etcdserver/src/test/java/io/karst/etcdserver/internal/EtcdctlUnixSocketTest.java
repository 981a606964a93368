package io.karst.etcdserver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

import io.karst.api.datastore.DatastoreUnavailableException;

/** Every etcdctl case of {@link EtcdctlTest}, with etcdctl reaching the endpoint through a Unix socket. */
class EtcdctlUnixSocketTest extends EtcdctlTest {

    @Override
    SocketAddress listenAddress(Path dir) {
        return UnixDomainSocketAddress.of(dir.resolve("db/etcd.sock"));
    }

    @Test
    void theSocketIsReadableAndWritableByItsOwnerOnly() throws Exception {
        Path socket = Path.of(server.address().substring("unix://".length()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }

    @Test
    void aStaleSocketIsReplacedAndClosingRemovesIt() throws Exception {
        Path dir = dataDir.resolve("stale");
        Path socket = dir.resolve("etcd.sock");
        Files.createDirectories(dir);
        // what a killed server leaves: the file of a socket nobody listens on any more
        try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            killed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        try (var second = new SqliteEtcdServer(dir, UnixDomainSocketAddress.of(socket))) {
            assertTrue(Files.exists(socket));
        }
        assertFalse(Files.exists(socket));
    }

    @Test
    void aSocketAnotherEndpointServesIsRefusedAndKept() {
        Path socket = Path.of(server.address().substring("unix://".length()));
        DatastoreUnavailableException refused = assertThrows(DatastoreUnavailableException.class,
                () -> EtcdEndpoint.start(server.store, UnixDomainSocketAddress.of(socket)));
        assertTrue(refused.getMessage().contains("another process is serving that socket"), refused.getMessage());
        assertTrue(Files.exists(socket));
    }

    @Test
    void aRegularFileAtTheSocketPathIsNeitherRemovedNorServed() throws Exception {
        Path file = dataDir.resolve("not-a-socket");
        Files.writeString(file, "keep me");
        assertThrows(DatastoreUnavailableException.class,
                () -> EtcdEndpoint.start(server.store, UnixDomainSocketAddress.of(file)));
        assertEquals("keep me", Files.readString(file));
    }
}
