package io.karst.datastore.pooled;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.KeyExistsException;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.Lease;
import io.karst.api.datastore.LeaseNotFoundException;
import io.karst.api.datastore.RevisionConflictException;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchEvent;
import io.karst.datastore.EndpointUri;
import io.karst.datastore.EventCollector;

/**
 * Two servers' stores on one external database, as two K3s servers share an external datastore. A provider's
 * test passes its test server.
 */
public abstract class TwoStoresShareOneDatabaseTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final PooledTestDatabase databases;
    private PooledStore serverA;
    private PooledStore serverB;
    private KeyValueStore a;
    private KeyValueStore b;

    private EndpointUri endpoint;

    protected TwoStoresShareOneDatabaseTest(PooledTestDatabase databases) {
        this.databases = databases;
    }

    @BeforeEach
    void open() {
        endpoint = databases.freshDatabase("two");
        serverA = databases.open(endpoint);
        serverB = databases.open(endpoint);
        a = serverA.store();
        b = serverB.store();
    }

    @AfterEach
    void close() {
        serverA.close();
        serverB.close();
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        PooledTestDatabase.dropCreated();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    @Test
    void writesOnOneServerReachTheOthersGetRangeAndWatchInOrderWithPreviousValues() throws Exception {
        EventCollector events = new EventCollector();
        try (Watch watch = b.watch("/s/", 0, events)) {
            KeyValue created = a.create("/s/a", bytes("1"), 0);
            KeyValue updated = a.update("/s/a", bytes("2"), created.modRevision(), 0);
            KeyValue other = a.create("/s/b", bytes("x"), 0);
            a.delete("/s/a", 0);

            List<WatchEvent> got = events.await(4, WAIT);
            assertEquals(List.of(created.modRevision(), updated.modRevision(), other.modRevision(),
                    other.modRevision() + 1), got.stream().map(WatchEvent::revision).toList());
            assertEquals(created, got.get(0).kv());
            assertNull(got.get(0).prevKv());
            assertEquals(updated, got.get(1).kv());
            assertEquals(created, got.get(1).prevKv());
            assertEquals(WatchEvent.Type.DELETE, got.get(3).type());
            assertEquals(updated, got.get(3).prevKv());
        }
        assertTrue(b.currentRevision() >= a.currentRevision());
        assertEquals(a.range("/s/", 0, 0, null).kvs(), b.range("/s/", 0, 0, null).kvs());
        assertTrue(b.get("/s/a").isEmpty());
        assertEquals("x", new String(b.get("/s/b").orElseThrow().value(), UTF_8));
        // B writes on top of A's row, and A sees it.
        b.update("/s/b", bytes("y"), 0, 0);
        awaitValue(a, "/s/b", "y");
    }

    @Test
    void concurrentWritersOnBothServersAreSeenByBothWatchesInOneOrder() throws Exception {
        EventCollector seenByA = new EventCollector();
        EventCollector seenByB = new EventCollector();
        int perWriter = 40;
        try (Watch wa = a.watch("/c/", 0, seenByA); Watch wb = b.watch("/c/", 0, seenByB)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    KeyValueStore store = w % 2 == 0 ? a : b;
                    int writer = w;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perWriter; i++) {
                            store.create("/c/" + writer + "/" + i, bytes("x"), 0);
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            List<WatchEvent> onA = seenByA.await(4 * perWriter, WAIT);
            List<WatchEvent> onB = seenByB.await(4 * perWriter, WAIT);
            assertEquals(4 * perWriter, onA.size());
            assertEquals(onA, onB, "both servers see the same events in the same order");
            for (int i = 1; i < onA.size(); i++) {
                assertTrue(onA.get(i).revision() > onA.get(i - 1).revision(), "revision order");
            }
        }
        assertEquals(4 * perWriter, a.count("/c/"));
        assertEquals(4 * perWriter, b.count("/c/"));
    }

    @Test
    void concurrentGuardedUpdatesOfOneKeyFromBothServersHaveExactlyOneWinner() throws Exception {
        KeyValue current = a.create("/race", bytes("0"), 0);
        awaitValue(b, "/race", "0");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= 20; round++) {
                long expected = current.modRevision();
                CountDownLatch go = new CountDownLatch(1);
                String value = Integer.toString(round);
                Future<KeyValue> fromA = pool.submit(guarded(go, () -> a.update("/race", bytes(value), expected, 0)));
                Future<KeyValue> fromB = pool.submit(guarded(go, () -> b.update("/race", bytes(value), expected, 0)));
                go.countDown();
                KeyValue winner = oneWinner(fromA, fromB, RevisionConflictException.class);
                assertEquals(current.version() + 1, winner.version());
                current = winner;
                awaitValue(a, "/race", value);
                awaitValue(b, "/race", value);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCreatesOfOneKeyFromBothServersHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String key = "/create/" + round;
                CountDownLatch go = new CountDownLatch(1);
                Future<KeyValue> fromA = pool.submit(guarded(go, () -> a.create(key, bytes("a"), 0)));
                Future<KeyValue> fromB = pool.submit(guarded(go, () -> b.create(key, bytes("b"), 0)));
                go.countDown();
                KeyValue winner = oneWinner(fromA, fromB, KeyExistsException.class);
                assertEquals(winner, a.get(key).orElseThrow());
                assertEquals(winner, b.get(key).orElseThrow());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLeaseGrantedOnOneServerIsKeptAliveUsedAndRevokedThroughTheOther() throws Exception {
        Lease lease = a.grantLease(2);
        assertTrue(b.leases().contains(lease), b.leases()::toString);
        assertEquals(2, b.timeToLive(lease.id(), false).grantedTtlSeconds());
        a.create("/l/a", bytes("a"), lease.id());
        b.create("/l/b", bytes("b"), lease.id());
        // Kept alive only through B, well past its TTL: A's expiry must see B's keep-alives.
        for (int i = 0; i < 8; i++) {
            Thread.sleep(500);
            assertEquals(lease, b.keepAlive(lease.id()));
        }
        assertTrue(a.get("/l/a").isPresent());
        assertTrue(a.get("/l/b").isPresent());
        assertEquals(List.of("/l/a", "/l/b"), a.timeToLive(lease.id(), true).keys());

        b.revokeLease(lease.id());
        assertTrue(a.get("/l/a").isEmpty());
        assertTrue(a.get("/l/b").isEmpty());
        assertThrows(LeaseNotFoundException.class, () -> a.keepAlive(lease.id()));
        assertThrows(LeaseNotFoundException.class, () -> a.create("/l/c", bytes("c"), lease.id()));
    }

    @Test
    void anExpiredLeaseIsExpiredOnceThoughBothServersLookForIt() throws Exception {
        EventCollector onA = new EventCollector();
        EventCollector onB = new EventCollector();
        try (Watch watchA = a.watch("/e/", 0, onA); Watch watchB = b.watch("/e/", 0, onB)) {
            List<Lease> leases = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Lease lease = (i % 2 == 0 ? a : b).grantLease(1);
                leases.add(lease);
                a.create("/e/a" + i, bytes("a"), lease.id());
                b.create("/e/b" + i, bytes("b"), lease.id());
            }
            // Each server attached keys to leases granted by either; every key is deleted exactly once, whichever
            // server expired its lease, and both see the same log.
            List<WatchEvent> seenByA = onA.await(20, WAIT);
            List<WatchEvent> seenByB = onB.await(20, WAIT);
            assertEquals(seenByA.stream().map(WatchEvent::revision).toList(),
                    seenByB.stream().map(WatchEvent::revision).toList());
            assertEquals(10, seenByA.stream().filter(e -> e.type() == WatchEvent.Type.DELETE).count());
            Thread.sleep(1500); // two more expiry checks on each server
            assertEquals(20, onA.events().size(), onA.events()::toString);
            for (Lease lease : leases) {
                assertThrows(LeaseNotFoundException.class, () -> b.timeToLive(lease.id(), false));
            }
        }
        assertEquals(0, a.count("/e/"));
    }

    @Test
    void aWriteCommittedLateBehindALaterRevisionIsDeliveredInOrderNotSkipped() throws Exception {
        assertGapHandled(true);
    }

    @Test
    void aRevisionRolledBackByAnotherServerIsFilledAndTheLogMovesOn() throws Exception {
        assertGapHandled(false);
    }

    /**
     * Another "server" takes a revision and holds its transaction open while A commits the next one; B's watch
     * must wait for the missing revision rather than skip it, and deliver both in order when it commits, or only
     * A's once it is rolled back.
     */
    private void assertGapHandled(boolean commit) throws Exception {
        EventCollector events = new EventCollector();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Watch watch = b.watch("/g/", 0, events);
                java.sql.Connection other = databases.connect(endpoint)) {
            other.setAutoCommit(false);
            try (var insert = other.prepareStatement("INSERT INTO kv_log(name, created, deleted, create_revision, "
                    + "prev_revision, lease, version, value) VALUES ('/g/late', 1, 0, 0, 0, 0, 1, 'x')")) {
                insert.executeUpdate();
            }
            Future<KeyValue> write = pool.submit(() -> a.create("/g/next", bytes("y"), 0));
            Thread.sleep(600); // several gap timeouts: a poller that skipped gaps would have delivered /g/next
            assertEquals(List.of(), events.events(), "nothing is delivered past the open revision");
            if (commit) {
                other.commit();
            } else {
                other.rollback();
            }
            KeyValue next = write.get(10, TimeUnit.SECONDS);
            List<String> expected = commit ? List.of("/g/late", "/g/next") : List.of("/g/next");
            List<WatchEvent> got = events.await(expected.size(), WAIT);
            assertEquals(expected, got.stream().map(e -> e.kv().key()).toList());
            assertEquals(next.modRevision(), got.get(got.size() - 1).revision());
            Thread.sleep(200);
            assertEquals(expected.size(), events.events().size());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Callable<KeyValue> guarded(CountDownLatch go, Callable<KeyValue> write) {
        return () -> {
            go.await();
            return write.call();
        };
    }

    private static KeyValue oneWinner(Future<KeyValue> first, Future<KeyValue> second,
            Class<? extends DatastoreException> loss) throws Exception {
        List<KeyValue> wins = new ArrayList<>();
        List<Throwable> losses = new ArrayList<>();
        for (Future<KeyValue> result : List.of(first, second)) {
            try {
                wins.add(result.get(30, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                losses.add(e.getCause());
            }
        }
        assertEquals(1, wins.size(), "exactly one write wins; losses: " + losses);
        assertTrue(loss.isInstance(losses.get(0)), "the other fails with " + loss.getSimpleName() + ": "
                + losses.get(0));
        return wins.get(0);
    }

    /** The other server sees a write within the poll bound; a read at revision 0 may lag by that much. */
    private static void awaitValue(KeyValueStore store, String key, String value) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            var kv = store.get(key);
            if (kv.isPresent() && value.equals(new String(kv.get().value(), UTF_8))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(key + " never became " + value + " on " + store + ": " + kv);
            }
            Thread.sleep(10);
        }
    }
}
