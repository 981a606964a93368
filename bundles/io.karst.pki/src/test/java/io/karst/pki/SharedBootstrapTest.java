package io.karst.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.datastore.KeyExistsException;
import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.RangeResult;

/** Servers sharing one datastore share the cluster's CAs and service-account key through it, under the token. */
class SharedBootstrapTest {
    @TempDir
    Path dir;

    /** A test double of the datastore: get, range and create over a sorted map. */
    private final Map<String, byte[]> data = new TreeMap<>();
    private final AtomicLong revision = new AtomicLong();
    private final KeyValueStore store = (KeyValueStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> switch (method.getName()) {
                case "get" -> Optional.ofNullable(data.get((String) args[0]))
                        .map(v -> new KeyValue((String) args[0], v, 1, 1, 1, 0));
                case "range" -> {
                    KeyRange range = args[0] instanceof String p ? KeyRange.prefix(p) : (KeyRange) args[0];
                    yield new RangeResult(data.entrySet().stream().filter(e -> range.contains(e.getKey()))
                            .map(e -> new KeyValue(e.getKey(), e.getValue(), 1, 1, 1, 0)).toList(),
                            revision.get(), false);
                }
                case "create" -> {
                    if (data.putIfAbsent((String) args[0], (byte[]) args[1]) != null) {
                        throw new KeyExistsException((String) args[0]);
                    }
                    yield new KeyValue((String) args[0], (byte[]) args[1], revision.incrementAndGet(),
                            revision.get(), 1, 0);
                }
                default -> throw new UnsupportedOperationException(method.getName());
            });

    private ClusterPki open(Path dataDir, String token) {
        var settings = TestSettings.settings(dataDir);
        return ClusterPki.open(token == null ? settings : TestSettings.withToken(settings, token),
                java.time.Clock.systemUTC(), store);
    }

    private byte[] file(Path dataDir, String name) throws Exception {
        return Files.readAllBytes(dataDir.resolve("server/tls").resolve(name));
    }

    @Test
    void aSecondServerWithTheTokenTakesTheFirstServersCasAndServiceAccountKey() throws Exception {
        ClusterPki first = open(dir.resolve("a"), null);
        String token = first.tokenService().serverToken();
        assertEquals(1, data.size());
        String stored = new String(data.values().iterator().next(), StandardCharsets.ISO_8859_1);
        assertFalse(stored.contains("BEGIN"), "the bootstrap data is encrypted");

        ClusterPki second = open(dir.resolve("b"), token);
        for (String name : List.of("server-ca.crt", "server-ca.key", "client-ca.crt", "client-ca.key",
                "request-header-ca.crt", "service.key", "service.pub")) {
            assertArrayEquals(file(dir.resolve("a"), name), file(dir.resolve("b"), name), name);
        }
        assertEquals(token, second.tokenService().serverToken());
        // its own leaves, from the shared CAs
        assertFalse(java.util.Arrays.equals(file(dir.resolve("a"), "serving-kube-apiserver.crt"),
                file(dir.resolve("b"), "serving-kube-apiserver.crt")));
        // the bare secret is enough too
        open(dir.resolve("c"), token.substring(token.lastIndexOf(':') + 1));
        assertArrayEquals(file(dir.resolve("a"), "server-ca.key"), file(dir.resolve("c"), "server-ca.key"));
    }

    @Test
    void aServerWithoutTheTokenOrWithAnotherIsRefusedAndMakesNothing() {
        open(dir.resolve("a"), null);
        IllegalStateException noToken = assertThrows(IllegalStateException.class, () -> open(dir.resolve("b"), null));
        assertTrue(noToken.getMessage().contains("start this server with that cluster's token"), noToken.getMessage());
        IllegalStateException other = assertThrows(IllegalStateException.class,
                () -> open(dir.resolve("c"), "someothersecret"));
        assertTrue(other.getMessage().contains("another Karst cluster"), other.getMessage());
        assertFalse(Files.exists(dir.resolve("b/server/tls/server-ca.crt")));
        assertFalse(Files.exists(dir.resolve("c/server/tls/server-ca.crt")));
        assertEquals(1, data.size());
    }

    @Test
    void aServerWithItsOwnPkiCannotJoinTheSharedOne() throws Exception {
        String token = open(dir.resolve("a"), null).tokenService().serverToken();
        String secret = token.substring(token.lastIndexOf(':') + 1);
        ClusterPki.open(TestSettings.withToken(TestSettings.settings(dir.resolve("b")), secret));
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> open(dir.resolve("b"),
                secret));
        assertTrue(refused.getMessage().contains("is not the cluster's"), refused.getMessage());
    }

    @Test
    void theFirstServerThatLosesTheRaceToPublishTakesTheWinnersPki() throws Exception {
        // another server published under the same secret between this one's restore and its publish
        ClusterPki winner = open(dir.resolve("winner"), "sharedsecret");
        byte[] winnersCa = file(dir.resolve("winner"), "server-ca.crt");
        SharedBootstrap loser = SharedBootstrap.forServer(store, new PkiLayout(dir.resolve("loser")),
                Optional.of("sharedsecret"), new java.security.SecureRandom());
        ClusterPki.open(TestSettings.withToken(TestSettings.settings(dir.resolve("loser")), "sharedsecret"));
        assertFalse(loser.publish(new java.security.SecureRandom()));
        loser.discardOwnPki();
        assertTrue(loser.restore());
        assertArrayEquals(winnersCa, file(dir.resolve("loser"), "server-ca.crt"));
        assertEquals(winner.tokenService().serverToken(), open(dir.resolve("loser"), "sharedsecret").tokenService()
                .serverToken());
    }
}
