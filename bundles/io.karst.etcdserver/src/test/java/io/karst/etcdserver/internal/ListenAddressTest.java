package io.karst.etcdserver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ListenAddressTest {

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1:2379, http://127.0.0.1:2379",
            "http://127.0.0.1:2379, http://127.0.0.1:2379",
            "http://127.0.0.1:2379/, http://127.0.0.1:2379",
            "[::1]:2379, http://[0:0:0:0:0:0:0:1]:2379",
            "unix:///var/lib/karst/server/db/etcd.sock, unix:///var/lib/karst/server/db/etcd.sock"})
    void loopbackAndSocketAddressesAreServedAsWritten(String listen, String clientUrl) {
        assertEquals(clientUrl, ListenAddress.forClients(ListenAddress.parse(listen)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0:2379", "http://0.0.0.0:2379", "[::]:2379", "10.1.2.3:2379"})
    void nonLoopbackAddressesAreRefusedBecauseTheEndpointIsUnauthenticated(String listen) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ListenAddress.parse(listen));
        assertTrue(refused.getMessage().contains("refusing a non-loopback address"), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1:2379", "unix://etcd.sock", "127.0.0.1", "127.0.0.1:99999",
            "unixs:///tmp/etcd.sock", ""})
    void otherFormsAreRefusedWithTheExpectedOnes(String listen) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ListenAddress.parse(listen));
        assertTrue(refused.getMessage().contains("expected") || refused.getMessage().contains("range"),
                refused.getMessage());
    }

    @Test
    void localhostIsLoopbackWhicheverFamilyItResolvesTo() {
        InetSocketAddress local = (InetSocketAddress) ListenAddress.parse("localhost:0");
        assertTrue(local.getAddress().isLoopbackAddress(), local::toString);
    }

    @Test
    void aSocketPathIsKeptAsIs() {
        assertEquals(UnixDomainSocketAddress.of(Path.of("/run/karst/etcd.sock")),
                ListenAddress.parse("unix:///run/karst/etcd.sock"));
        assertEquals(new InetSocketAddress("127.0.0.1", 2379), ListenAddress.parse("127.0.0.1:2379"));
    }
}
