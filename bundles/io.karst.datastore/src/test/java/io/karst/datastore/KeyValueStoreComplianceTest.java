package io.karst.datastore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.karst.api.datastore.CompactedException;
import io.karst.api.datastore.DatastoreStatus;
import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.FutureRevisionException;
import io.karst.api.datastore.InvalidRequestException;
import io.karst.api.datastore.KeyExistsException;
import io.karst.api.datastore.KeyNotFoundException;
import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.Lease;
import io.karst.api.datastore.LeaseNotFoundException;
import io.karst.api.datastore.LeaseTimeToLive;
import io.karst.api.datastore.RangeResult;
import io.karst.api.datastore.RevisionConflictException;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchEvent;

/**
 * The etcd semantics every {@link KeyValueStore} provider must show. A provider's test extends this class and
 * opens its store on a fresh database per test.
 */
public abstract class KeyValueStoreComplianceTest {
    protected static final Duration WAIT = Duration.ofSeconds(10);

    protected KeyValueStore store;
    private final List<KeyValueStore> opened = new ArrayList<>();

    /**
     * Opens the store on this test's database: empty on the first call of a test, the same database again on a
     * later call of the same test (a restart after {@link #closeStore}).
     */
    protected abstract KeyValueStore openStore() throws Exception;

    /** Closes a store opened by {@link #openStore()}. */
    protected abstract void closeStore(KeyValueStore store) throws Exception;

    /** The largest value the store under test accepts. */
    protected int maxValueBytes() {
        return StoreSettings.DEFAULT_MAX_VALUE_BYTES;
    }

    @BeforeEach
    void open() throws Exception {
        store = reopen();
    }

    @AfterEach
    void close() throws Exception {
        for (KeyValueStore each : opened) {
            closeStore(each);
        }
    }

    protected KeyValueStore reopen() throws Exception {
        KeyValueStore fresh = openStore();
        opened.add(fresh);
        return fresh;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static String text(KeyValue kv) {
        return new String(kv.value(), UTF_8);
    }

    private List<String> keys(RangeResult result) {
        return result.kvs().stream().map(KeyValue::key).toList();
    }

    // --- create, update, delete -------------------------------------------------------------------------

    @Test
    void asynchronousWritesCompleteWithTheWriteOrFailWithTheSameTypedErrors() throws Exception {
        KeyValue created = store.createAsync("/async/a", bytes("1"), 0).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(created, store.get("/async/a").orElseThrow());
        assertInstanceOf(KeyExistsException.class, failureOf(store.createAsync("/async/a", bytes("x"), 0)));
        KeyValue updated = store.updateAsync("/async/a", bytes("2"), created.modRevision(), 0).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals("2", text(store.get("/async/a").orElseThrow()));
        assertInstanceOf(RevisionConflictException.class,
                failureOf(store.updateAsync("/async/a", bytes("3"), created.modRevision(), 0)));
        assertInstanceOf(RevisionConflictException.class,
                failureOf(store.deleteAsync("/async/a", created.modRevision())));
        assertInstanceOf(InvalidRequestException.class, failureOf(store.createAsync("", bytes("x"), 0)));
        assertInstanceOf(LeaseNotFoundException.class, failureOf(store.createAsync("/async/b", bytes("x"), 4242)));
        KeyValue removed = store.deleteAsync("/async/a", updated.modRevision()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(updated, removed);
        assertInstanceOf(KeyNotFoundException.class, failureOf(store.deleteAsync("/async/a", 0)));
        assertTrue(store.get("/async/a").isEmpty());
        assertEquals(updated.modRevision() + 1, store.currentRevision(), "the refused writes wrote nothing");
    }

    private static Throwable failureOf(java.util.concurrent.CompletionStage<?> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the write succeeded");
    }

    @Test
    void createAssignsTheNextRevisionAndVersionOne() {
        long before = store.currentRevision();
        KeyValue kv = store.create("/registry/pods/default/a", bytes("v1"), 0);
        assertEquals(before + 1, kv.modRevision());
        assertEquals(kv.modRevision(), kv.createRevision());
        assertEquals(1, kv.version());
        assertEquals(before + 1, store.currentRevision());
        assertEquals(kv, store.get("/registry/pods/default/a").orElseThrow());
    }

    @Test
    void createOfAnExistingKeyFailsAndWritesNothing() {
        store.create("/a", bytes("1"), 0);
        long revision = store.currentRevision();
        KeyExistsException e = assertThrows(KeyExistsException.class, () -> store.create("/a", bytes("2"), 0));
        assertEquals("/a", e.key());
        assertEquals(revision, store.currentRevision());
        assertEquals("1", text(store.get("/a").orElseThrow()));
    }

    @Test
    void createAfterDeleteStartsANewLife() {
        store.create("/a", bytes("1"), 0);
        store.update("/a", bytes("2"), 0, 0);
        store.delete("/a", 0);
        KeyValue again = store.create("/a", bytes("3"), 0);
        assertEquals(1, again.version());
        assertEquals(again.modRevision(), again.createRevision());
    }

    @Test
    void updateGuardedByModRevisionSucceedsOnlyWithTheCurrentOne() {
        KeyValue created = store.create("/a", bytes("1"), 0);
        KeyValue updated = store.update("/a", bytes("2"), created.modRevision(), 0);
        assertEquals(2, updated.version());
        assertEquals(created.createRevision(), updated.createRevision());

        RevisionConflictException conflict = assertThrows(RevisionConflictException.class,
                () -> store.update("/a", bytes("3"), created.modRevision(), 0));
        assertEquals(created.modRevision(), conflict.expectedModRevision());
        assertEquals(updated, conflict.current());
        assertEquals("2", text(store.get("/a").orElseThrow()));
    }

    @Test
    void updateWithRevisionZeroIsUnconditionalButNeedsALiveKey() {
        store.create("/a", bytes("1"), 0);
        store.update("/a", bytes("2"), 0, 0);
        assertEquals(3, store.update("/a", bytes("3"), 0, 0).version());
        assertThrows(KeyNotFoundException.class, () -> store.update("/missing", bytes("x"), 0, 0));
        store.delete("/a", 0);
        assertThrows(KeyNotFoundException.class, () -> store.update("/a", bytes("x"), 0, 0));
    }

    @Test
    void deleteGuardedByModRevisionReturnsTheDeletedKey() {
        KeyValue created = store.create("/a", bytes("1"), 0);
        KeyValue updated = store.update("/a", bytes("2"), 0, 0);
        RevisionConflictException conflict = assertThrows(RevisionConflictException.class,
                () -> store.delete("/a", created.modRevision()));
        assertEquals(updated, conflict.current());

        KeyValue deleted = store.delete("/a", updated.modRevision());
        assertEquals(updated, deleted);
        assertTrue(store.get("/a").isEmpty());
        assertThrows(KeyNotFoundException.class, () -> store.delete("/a", 0));
        assertThrows(KeyNotFoundException.class, () -> store.delete("/never", 0));
    }

    @Test
    void concurrentWritesGetDistinctConsecutiveRevisions() throws Exception {
        long start = store.currentRevision();
        int writers = 8;
        int perWriter = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                results.add(pool.submit(() -> {
                    List<Long> revisions = new ArrayList<>();
                    for (int i = 0; i < perWriter; i++) {
                        revisions.add(store.create("/c/" + writer + "/" + i, bytes("x"), 0).modRevision());
                    }
                    return revisions;
                }));
            }
            Set<Long> all = new TreeSet<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get(30, TimeUnit.SECONDS));
            }
            assertEquals(writers * perWriter, all.size());
            assertEquals(start + 1, all.iterator().next());
            assertEquals(start + writers * perWriter, store.currentRevision());
            assertEquals(writers * perWriter, store.count("/c/"));
        } finally {
            pool.shutdownNow();
        }
    }

    // --- reads at revisions -----------------------------------------------------------------------------

    @Test
    void getAtAPastRevisionSeesTheKeyAsItWasThen() {
        store.create("/before", bytes("x"), 0);
        KeyValue v1 = store.create("/a", bytes("1"), 0);
        KeyValue v2 = store.update("/a", bytes("2"), 0, 0);
        store.delete("/a", 0);
        store.create("/a", bytes("3"), 0);

        assertEquals(v1, store.get("/a", v1.modRevision()).orElseThrow());
        assertEquals(v2, store.get("/a", v2.modRevision()).orElseThrow());
        assertTrue(store.get("/a", v2.modRevision() + 1).isEmpty());
        assertTrue(store.get("/a", v1.modRevision() - 1).isEmpty());
        assertEquals("3", text(store.get("/a").orElseThrow()));
    }

    @Test
    void rangeAtAPastRevisionListsTheKeysAsTheyWereThen() {
        store.create("/r/a", bytes("a1"), 0);
        store.create("/r/b", bytes("b1"), 0);
        long then = store.currentRevision();
        store.update("/r/a", bytes("a2"), 0, 0);
        store.delete("/r/b", 0);
        store.create("/r/c", bytes("c1"), 0);

        RangeResult past = store.range("/r/", then, 0, null);
        assertEquals(then, past.revision());
        assertEquals(List.of("/r/a", "/r/b"), keys(past));
        assertEquals("a1", text(past.kvs().get(0)));
        assertFalse(past.more());

        RangeResult now = store.range("/r/", 0, 0, null);
        assertEquals(store.currentRevision(), now.revision());
        assertEquals(List.of("/r/a", "/r/c"), keys(now));
        assertEquals("a2", text(now.kvs().get(0)));
    }

    @Test
    void rangeByPrefixExcludesKeysThatOnlyShareCharacters() {
        store.create("/registry/pods/ns/a", bytes("x"), 0);
        store.create("/registry/pods/ns/b", bytes("x"), 0);
        store.create("/registry/podsecurity/x", bytes("x"), 0);
        store.create("/registry/pod", bytes("x"), 0);
        assertEquals(List.of("/registry/pods/ns/a", "/registry/pods/ns/b"),
                keys(store.range("/registry/pods/", 0, 0, null)));
        assertEquals(2, store.count("/registry/pods/"));
        assertEquals(4, store.count("/registry/"));
        assertEquals(4, store.count(""));
    }

    @Test
    void rangeBetweenKeysIsHalfOpen() {
        for (String key : List.of("/k/a", "/k/b", "/k/c", "/k/d")) {
            store.create(key, bytes(key), 0);
        }
        assertEquals(List.of("/k/b", "/k/c"), keys(store.range(KeyRange.between("/k/b", "/k/d"), 0, 0, null)));
        assertEquals(List.of("/k/c", "/k/d"), keys(store.range(KeyRange.from("/k/c"), 0, 0, null)));
    }

    @Test
    void paginationWithContinueServesOneSnapshotAcrossConcurrentWrites() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String key = String.format("/p/%03d", i);
            store.create(key, bytes("v" + i), 0);
            expected.add(key);
        }
        RangeResult page = store.range("/p/", 0, 10, null);
        long snapshot = page.revision();
        List<String> seen = new ArrayList<>(keys(page));
        int round = 0;
        while (page.more()) {
            // Writes between pages: new keys before and after the cursor, deletions and updates of unseen keys.
            store.create(String.format("/p/%03d-new-%d", round, round), bytes("late"), 0);
            store.create("/p/999-" + round, bytes("late"), 0);
            store.delete(String.format("/p/%03d", 24 - round), 0);
            store.update(String.format("/p/%03d", 20 - round), bytes("changed"), 0, 0);
            round++;
            page = store.range("/p/", snapshot, 10, page.continueKey());
            assertEquals(snapshot, page.revision());
            seen.addAll(keys(page));
            page.kvs().forEach(kv -> assertFalse(text(kv).equals("changed") || text(kv).equals("late")));
        }
        assertEquals(expected, seen);
        assertNull(page.continueKey());
    }

    @Test
    void rangeLimitReportsWhetherMoreKeysFollow() {
        store.create("/m/a", bytes("x"), 0);
        store.create("/m/b", bytes("x"), 0);
        RangeResult exact = store.range("/m/", 0, 2, null);
        assertFalse(exact.more());
        RangeResult first = store.range("/m/", 0, 1, null);
        assertTrue(first.more());
        assertEquals(List.of("/m/a"), keys(first));
        assertEquals(List.of("/m/b"), keys(store.range("/m/", first.revision(), 1, first.continueKey())));
    }

    @Test
    void readsAfterTheCurrentRevisionAreRefused() {
        store.create("/a", bytes("1"), 0);
        long future = store.currentRevision() + 1;
        FutureRevisionException e = assertThrows(FutureRevisionException.class, () -> store.get("/a", future));
        assertEquals(future - 1, e.currentRevision());
        assertThrows(FutureRevisionException.class, () -> store.range("/", future, 0, null));
    }

    // --- watches ----------------------------------------------------------------------------------------

    @Test
    void watchFromAPastRevisionReplaysHistoryInOrderThenFollowsLiveWrites() throws Exception {
        store.create("/w/a", bytes("a1"), 0);
        long from = store.currentRevision();
        store.update("/w/a", bytes("a2"), 0, 0);
        store.create("/w/b", bytes("b1"), 0);
        store.delete("/w/a", 0);

        EventCollector events = new EventCollector();
        try (Watch watch = store.watch("/w/", from, events)) {
            store.create("/w/c", bytes("c1"), 0);
            store.update("/w/b", bytes("b2"), 0, 0);
            List<WatchEvent> got = events.await(6, WAIT);
            assertEquals(6, got.size(), got.toString());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(from + i, got.get(i).revision(), "events come in revision order without gaps");
            }
            assertEquals(List.of("a1", "a2", "b1"), got.subList(0, 3).stream().map(e -> text(e.kv())).toList());
            assertEquals(WatchEvent.Type.DELETE, got.get(3).type());
            assertEquals("/w/a", got.get(3).kv().key());
            assertEquals("c1", text(got.get(4).kv()));
            assertEquals("b2", text(got.get(5).kv()));
            assertFalse(events.sawOverlappingCalls());
        }
        assertNull(events.awaitClosed(WAIT));
    }

    @Test
    void watchEventsCarryThePreviousKeyValue() throws Exception {
        EventCollector events = new EventCollector();
        try (Watch watch = store.watch("/w/", 0, events)) {
            KeyValue created = store.create("/w/a", bytes("1"), 0);
            KeyValue updated = store.update("/w/a", bytes("2"), 0, 0);
            store.delete("/w/a", 0);
            List<WatchEvent> got = events.await(3, WAIT);
            assertEquals(WatchEvent.Type.PUT, got.get(0).type());
            assertEquals(created, got.get(0).kv());
            assertNull(got.get(0).prevKv());
            assertEquals(updated, got.get(1).kv());
            assertEquals(created, got.get(1).prevKv());
            assertEquals(WatchEvent.Type.DELETE, got.get(2).type());
            assertEquals(updated, got.get(2).prevKv());
            assertEquals(updated.modRevision() + 1, got.get(2).kv().modRevision());
        }
        // The same events replayed from history carry the same previous values.
        EventCollector replayed = new EventCollector();
        try (Watch watch = store.watch("/w/", 1, replayed)) {
            List<WatchEvent> again = replayed.await(3, WAIT);
            assertEquals(events.events(), again);
        }
    }

    @Test
    void watchFromRevisionZeroSeesOnlyLaterChangesOfItsRange() throws Exception {
        store.create("/w/old", bytes("x"), 0);
        EventCollector events = new EventCollector();
        try (Watch watch = store.watch("/w/", 0, events)) {
            store.create("/other/a", bytes("x"), 0);
            store.create("/w/new", bytes("x"), 0);
            List<WatchEvent> got = events.await(1, WAIT);
            assertEquals("/w/new", got.get(0).kv().key());
            store.create("/w/last", bytes("x"), 0);
            assertEquals(List.of("/w/new", "/w/last"),
                    events.await(2, WAIT).stream().map(e -> e.kv().key()).toList());
        }
    }

    @Test
    void watchesFollowConcurrentWritersWithoutGaps() throws Exception {
        EventCollector events = new EventCollector();
        long start = store.currentRevision() + 1;
        try (Watch watch = store.watch("/cw/", 0, events)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int writer = w;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            store.create("/cw/" + writer + "/" + i, bytes("x"), 0);
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            List<WatchEvent> got = events.await(100, WAIT);
            for (int i = 0; i < got.size(); i++) {
                assertEquals(start + i, got.get(i).revision());
            }
        }
    }

    // --- compaction -------------------------------------------------------------------------------------

    @Test
    void compactionRejectsReadsAndWatchesBeforeTheCompactedRevision() throws Exception {
        KeyValue v1 = store.create("/a", bytes("1"), 0);
        store.update("/a", bytes("2"), 0, 0);
        store.create("/b", bytes("1"), 0);
        store.delete("/b", 0);
        long compactAt = store.currentRevision();
        KeyValue v3 = store.update("/a", bytes("3"), 0, 0);

        store.compact(compactAt);
        assertEquals(compactAt, store.compactedRevision());

        CompactedException get = assertThrows(CompactedException.class, () -> store.get("/a", v1.modRevision()));
        assertEquals(compactAt, get.compactedRevision());
        assertThrows(CompactedException.class, () -> store.range("/", compactAt - 1, 0, null));
        assertThrows(CompactedException.class, () -> store.watch("/", v1.modRevision(), new EventCollector()));
        assertThrows(CompactedException.class, () -> store.watch("/", compactAt, new EventCollector()));

        // The state at the compacted revision and after stays exact.
        assertEquals("2", text(store.get("/a", compactAt).orElseThrow()));
        assertTrue(store.get("/b", compactAt).isEmpty());
        assertEquals(List.of("/a"), keys(store.range("/", compactAt, 0, null)));
        assertEquals(v3, store.get("/a").orElseThrow());
        EventCollector after = new EventCollector();
        try (Watch watch = store.watch("/", compactAt + 1, after)) {
            WatchEvent event = after.await(1, WAIT).get(0);
            assertEquals(v3, event.kv());
            assertEquals("2", new String(event.prevKv().value(), UTF_8));
        }
    }

    @Test
    void compactionToAnOldOrFutureRevisionIsRefused() {
        store.create("/a", bytes("1"), 0);
        store.update("/a", bytes("2"), 0, 0);
        store.compact(2);
        assertThrows(CompactedException.class, () -> store.compact(2));
        assertThrows(CompactedException.class, () -> store.compact(1));
        assertThrows(FutureRevisionException.class, () -> store.compact(store.currentRevision() + 1));
    }

    @Test
    void compactionRemovesSupersededRowsAndKeepsTheRevision() {
        for (int i = 0; i < 50; i++) {
            store.create("/x/" + (i % 5) + "/" + i, bytes("x"), 0);
        }
        for (int i = 0; i < 50; i++) {
            store.update("/x/" + (i % 5) + "/" + i, bytes("y"), 0, 0);
            store.delete("/x/" + (i % 5) + "/" + i, 0);
        }
        store.create("/x/last", bytes("z"), 0);
        store.delete("/x/last", 0);
        long revision = store.currentRevision();
        DatastoreStatus before = store.status();
        store.compact(revision);
        DatastoreStatus after = store.status();
        assertEquals(revision, after.revision());
        assertEquals(revision, after.compactedRevision());
        assertTrue(after.rowCount() < before.rowCount(), before + " then " + after);
        assertNotNull(after.lastCompaction());
        assertNotNull(after.lastCompactionDuration());
        assertEquals(0, store.count("/x/"));
        // Revisions continue after the compacted ones, even when compaction removed the newest rows.
        assertEquals(revision + 1, store.create("/x/again", bytes("1"), 0).modRevision());
    }

    // --- leases -----------------------------------------------------------------------------------------

    @Test
    void leaseExpiryDeletesItsKeysAndWatchesSeeTheDeletions() throws Exception {
        Lease lease = store.grantLease(1);
        store.create("/l/a", bytes("a"), lease.id());
        store.create("/l/b", bytes("b"), lease.id());
        store.create("/l/kept", bytes("kept"), 0);
        EventCollector events = new EventCollector();
        try (Watch watch = store.watch("/l/", 0, events)) {
            List<WatchEvent> got = events.await(2, WAIT);
            assertTrue(got.stream().allMatch(e -> e.type() == WatchEvent.Type.DELETE));
            assertEquals(Set.of("/l/a", "/l/b"), Set.of(got.get(0).kv().key(), got.get(1).kv().key()));
            assertEquals(lease.id(), got.get(0).prevKv().lease());
        }
        assertEquals(List.of("/l/kept"), keys(store.range("/l/", 0, 0, null)));
        assertThrows(LeaseNotFoundException.class, () -> store.keepAlive(lease.id()));
        assertThrows(LeaseNotFoundException.class, () -> store.create("/l/c", bytes("c"), lease.id()));
    }

    @Test
    void keepAliveHoldsALeaseBeyondItsTtl() throws Exception {
        Lease lease = store.grantLease(1);
        store.create("/l/a", bytes("a"), lease.id());
        for (int i = 0; i < 6; i++) {
            Thread.sleep(300);
            assertEquals(lease, store.keepAlive(lease.id()));
        }
        assertTrue(store.get("/l/a").isPresent());
    }

    @Test
    void revokingALeaseDeletesItsKeysAtOnce() {
        Lease lease = store.grantLease(60);
        store.create("/l/a", bytes("a"), lease.id());
        KeyValue moved = store.update("/l/a", bytes("a2"), 0, 0);
        assertEquals(0, moved.lease(), "an update without the lease detaches the key");
        store.create("/l/b", bytes("b"), lease.id());
        store.revokeLease(lease.id());
        assertEquals(List.of("/l/a"), keys(store.range("/l/", 0, 0, null)));
        assertThrows(LeaseNotFoundException.class, () -> store.revokeLease(lease.id()));
        assertThrows(LeaseNotFoundException.class, () -> store.create("/l/c", bytes("c"), 424242));
        assertThrows(InvalidRequestException.class, () -> store.grantLease(0));
    }

    @Test
    void timeToLiveReportsTheRemainingSecondsAndTheAttachedKeysInKeyOrder() throws Exception {
        Lease lease = store.grantLease(60);
        store.create("/ttl/b", bytes("b"), lease.id());
        store.create("/ttl/a", bytes("a"), lease.id());
        store.create("/ttl/moved", bytes("m"), lease.id());
        store.update("/ttl/moved", bytes("m2"), 0, 0);
        store.create("/ttl/gone", bytes("g"), lease.id());
        store.delete("/ttl/gone", 0);
        store.create("/ttl/free", bytes("f"), 0);

        LeaseTimeToLive ttl = store.timeToLive(lease.id(), true);
        assertEquals(lease.id(), ttl.id());
        assertEquals(60, ttl.grantedTtlSeconds());
        assertTrue(ttl.remainingSeconds() >= 58 && ttl.remainingSeconds() <= 60, ttl::toString);
        assertEquals(List.of("/ttl/a", "/ttl/b"), ttl.keys());
        assertEquals(List.of(), store.timeToLive(lease.id(), false).keys());
        assertTrue(store.leases().contains(lease), store.leases()::toString);

        store.revokeLease(lease.id());
        assertThrows(LeaseNotFoundException.class, () -> store.timeToLive(lease.id(), true));
        assertFalse(store.leases().contains(lease));
    }

    @Test
    void anExpiredLeaseHasNoTimeToLive() throws Exception {
        Lease lease = store.grantLease(1);
        Thread.sleep(1100);
        assertThrows(LeaseNotFoundException.class, () -> store.timeToLive(lease.id(), false));
        assertTrue(store.leases().stream().noneMatch(l -> l.id() == lease.id()));
    }

    // --- values, keys and bad input ---------------------------------------------------------------------

    @Test
    void oneMebibyteValuesAreStoredReadAndWatched() throws Exception {
        byte[] big = new byte[1024 * 1024];
        new Random(42).nextBytes(big);
        EventCollector events = new EventCollector();
        try (Watch watch = store.watch("/big", 0, events)) {
            store.create("/big", big, 0);
            byte[] bigger = big.clone();
            bigger[0] ^= 1;
            store.update("/big", bigger, 0, 0);
            assertArrayEquals(bigger, store.get("/big").orElseThrow().value());
            List<WatchEvent> got = events.await(2, WAIT);
            assertArrayEquals(big, got.get(1).prevKv().value());
            assertArrayEquals(bigger, got.get(1).kv().value());
        }
    }

    @Test
    void unicodeAndSlashKeysAreKeptApartAndOrderedByUtf8Bytes() throws Exception {
        List<String> keys = List.of("/u/a/b/c", "/u/a/b", "/u/Zürich", "/u/日本/名前", "/u/\uFF5E", "/u/🚀/x",
                "/u/مرحبا", "/u/a//b");
        EventCollector events = new EventCollector();
        try (Watch watch = store.watch("/u/日本/", 0, events)) {
            for (String key : keys) {
                store.create(key, bytes(key), 0);
            }
            assertEquals("/u/日本/名前", events.await(1, WAIT).get(0).kv().key());
        }
        for (String key : keys) {
            assertEquals(key, text(store.get(key).orElseThrow()));
        }
        List<String> byBytes = new ArrayList<>(keys);
        byBytes.sort(KeyRange::compare);
        // U+FF5E sorts before U+1F680 in UTF-8, although Java's UTF-16 order puts the surrogate pair first.
        assertTrue(byBytes.indexOf("/u/\uFF5E") < byBytes.indexOf("/u/🚀/x"));
        assertEquals(byBytes, keys(store.range("/u/", 0, 0, null)));
        assertEquals(List.of("/u/🚀/x"), keys(store.range("/u/🚀", 0, 0, null)));
        assertEquals(List.of("/u/a/b", "/u/a/b/c"), keys(store.range("/u/a/b", 0, 0, null)));
    }

    @Test
    void emptyKeysAndOversizedValuesAreRefusedWithoutAWrite() {
        long revision = store.currentRevision();
        assertThrows(InvalidRequestException.class, () -> store.create("", bytes("x"), 0));
        assertThrows(InvalidRequestException.class, () -> store.create(null, bytes("x"), 0));
        assertThrows(InvalidRequestException.class, () -> store.get(""));
        assertThrows(InvalidRequestException.class, () -> store.create("/big", new byte[maxValueBytes() + 1], 0));
        store.create("/ok", new byte[0], 0);
        assertThrows(InvalidRequestException.class, () -> store.update("/ok", new byte[maxValueBytes() + 1], 0, 0));
        assertThrows(InvalidRequestException.class, () -> store.get("/ok", -1));
        assertEquals(revision + 1, store.currentRevision());
    }

    // --- restart ----------------------------------------------------------------------------------------

    @Test
    void aReopenedStoreKeepsItsHistoryRevisionsAndLeases() throws Exception {
        KeyValue v1 = store.create("/a", bytes("1"), 0);
        store.update("/a", bytes("2"), 0, 0);
        Lease lease = store.grantLease(60);
        store.create("/leased", bytes("x"), lease.id());
        store.create("/gone", bytes("x"), 0);
        store.delete("/gone", 0);
        long revision = store.currentRevision();
        store.compact(revision);
        closeStore(store);
        opened.remove(store);

        store = reopen();
        assertEquals(revision, store.currentRevision());
        assertEquals(revision, store.compactedRevision());
        assertEquals("2", text(store.get("/a").orElseThrow()));
        assertThrows(CompactedException.class, () -> store.get("/a", v1.modRevision()));
        assertEquals(revision + 1, store.create("/b", bytes("x"), 0).modRevision());
        assertEquals(lease, store.keepAlive(lease.id()));
        store.revokeLease(lease.id());
        assertTrue(store.get("/leased").isEmpty());
    }

    @Test
    void aLeaseKeepsItsDeadlineAcrossARestartAndOneThatRanOutMeanwhileIsExpiredOnOpen() throws Exception {
        Lease running = store.grantLease(3);
        store.create("/r/running", bytes("x"), running.id());
        Lease short1 = store.grantLease(1);
        store.create("/r/short", bytes("x"), short1.id());
        closeStore(store);
        opened.remove(store);
        Thread.sleep(1500);

        store = reopen();
        // A fresh TTL would say 2 or 3 seconds left; the stored deadline leaves 1.
        assertTrue(store.timeToLive(running.id(), false).remainingSeconds() <= 1);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (store.get("/r/short").isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(store.get("/r/short").isEmpty(), "the lease that ran out while the store was closed expired");
        assertThrows(LeaseNotFoundException.class, () -> store.keepAlive(short1.id()));
        assertEquals(running, store.keepAlive(running.id()));
        assertTrue(store.timeToLive(running.id(), false).remainingSeconds() >= 2);
    }

    @Test
    void closingAWatchEndsItQuietly() throws Exception {
        EventCollector events = new EventCollector();
        Watch watch = store.watch("/", 0, events);
        watch.close();
        watch.close();
        assertNull(events.awaitClosed(WAIT));
        store.create("/after", bytes("x"), 0);
        Thread.sleep(100); // time for a wrongly delivered event to show up
        assertTrue(events.events().isEmpty());
    }

    @Test
    void watchesAreEndedWhenTheStoreCloses() throws Exception {
        EventCollector events = new EventCollector();
        store.watch("/", 0, events);
        closeStore(store);
        opened.remove(store);
        assertInstanceOf(DatastoreUnavailableException.class, events.awaitClosed(WAIT));
        assertThrows(DatastoreUnavailableException.class, () -> store.get("/a"));
    }
}
