package io.karst.client.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

class ServerPoolTest {
    private static final URI A = URI.create("https://192.0.2.10:6443");
    private static final URI B = URI.create("https://192.0.2.11:6443");
    private static final URI C = URI.create("https://192.0.2.12:6443");

    @Test
    void startsOnTheFirstConfiguredServerAndFailsOverInOrderWrappingAround() {
        ServerPool pool = new ServerPool(List.of(A, B));
        assertEquals(A, pool.current());
        assertEquals(B, pool.failover(A));
        assertEquals(A, pool.failover(B));
    }

    @Test
    void aStaleFailureDoesNotMoveOnAgain() {
        ServerPool pool = new ServerPool(List.of(A, B, C));
        assertEquals(B, pool.failover(A));
        // a second request that failed on A while B was already chosen
        assertEquals(B, pool.failover(A));
        assertEquals(B, pool.current());
    }

    @Test
    void learnsServersAfterTheConfiguredOnesAndDropsOnlyLearnedOnes() {
        ServerPool pool = new ServerPool(List.of(A));
        assertTrue(pool.update(List.of(B, C)));
        assertEquals(List.of(A, B, C), pool.servers());
        assertFalse(pool.update(List.of(B, C)), "nothing changed");

        assertEquals(B, pool.failover(A));
        assertTrue(pool.update(List.of(C)));
        assertEquals(List.of(A, C), pool.servers(), "B is no longer an endpoint; A is configured and stays");
        assertEquals(A, pool.current(), "the current server left the pool: back to the first");

        assertTrue(pool.update(List.of()));
        assertEquals(List.of(A), pool.servers());
    }

    @Test
    void theCurrentServerStaysWhileItIsInThePool() {
        ServerPool pool = new ServerPool(List.of(A));
        pool.update(List.of(B));
        pool.failover(A);
        pool.update(List.of(C, B));
        assertEquals(B, pool.current());
        assertEquals(List.of(A, C, B), pool.servers());
    }

    @Test
    void urlsAreNormalizedSoDuplicatesCollapse() {
        ServerPool pool = new ServerPool(List.of(URI.create("https://192.0.2.10:6443/"), A,
                URI.create("https://api.example")));
        assertEquals(List.of(A, URI.create("https://api.example:443")), pool.servers());
        assertFalse(pool.update(List.of(URI.create("https://192.0.2.10:6443"))));
        assertEquals(URI.create("https://[2001:db8::1]:6443"),
                ServerPool.normalize(URI.create("https://[2001:db8::1]:6443/")));
    }

    @Test
    void onlyHttpsUrlsAndAtLeastOneServer() {
        assertThrows(IllegalArgumentException.class, () -> new ServerPool(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ServerPool(List.of(URI.create("http://a:6443"))));
    }
}
