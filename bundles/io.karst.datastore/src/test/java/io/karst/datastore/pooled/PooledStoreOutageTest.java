package io.karst.datastore.pooled;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.Watch;
import io.karst.api.health.HealthCheck;
import io.karst.datastore.EndpointUri;
import io.karst.datastore.EventCollector;
import io.karst.datastore.TestDatabases;

/**
 * The database down at start and gone mid-run: clear errors meanwhile, and the same store working again once
 * the server is back, without a restart; the {@code etcd} health check saying so meanwhile. Stops and starts the
 * test server through scripts/test-databases.
 */
public abstract class PooledStoreOutageTest {
    private static final Duration RECOVERY = Duration.ofSeconds(30);
    /** The health check reads state and runs no query: far below the connection timeout even while down. */
    private static final Duration QUICK = Duration.ofMillis(100);
    private final PooledTestDatabase databases;
    private PooledStore server;
    private PooledStore other;

    /** @param databases the provider's test server, which the tests stop and start */
    protected PooledStoreOutageTest(PooledTestDatabase databases) {
        this.databases = databases;
    }

    @AfterEach
    void close() {
        TestDatabases.start(databases.server());
        if (server != null) {
            server.close();
        }
        if (other != null) {
            other.close();
        }
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        PooledTestDatabase.dropCreated();
    }

    @Test
    void aDatabaseDownAtStartIsReportedAndUsedOnceItComesUp() throws Exception {
        EndpointUri endpoint = databases.freshDatabase("down");
        TestDatabases.stop(databases.server());
        server = databases.openEvenIfDown(endpoint);
        KeyValueStore store = server.store();
        assertFalse(server.isOpen());
        DatastoreUnavailableException down = assertThrows(DatastoreUnavailableException.class,
                () -> store.get("/a"));
        assertTrue(down.getMessage().contains(endpoint.toString()), down.getMessage());
        assertTrue(down.getMessage().contains("unavailable"), down.getMessage());
        assertFalse(down.getMessage().contains(endpoint.password()), "no password in " + down.getMessage());

        TestDatabases.start(databases.server());
        KeyValue created = eventually(() -> store.create("/a", "1".getBytes(UTF_8), 0));
        assertEquals(created, store.get("/a").orElseThrow());
    }

    @Test
    void aDatabaseThatGoesAwayMidRunFailsCallsClearlyAndIsUsedAgainWhenBack() throws Exception {
        server = databases.open(databases.freshDatabase("away"));
        KeyValueStore store = server.store();
        store.create("/before", "x".getBytes(UTF_8), 0);
        EventCollector events = new EventCollector();
        try (Watch watch = store.watch("/", 0, events)) {
            TestDatabases.stop(databases.server());
            DatastoreUnavailableException down = assertThrows(DatastoreUnavailableException.class,
                    () -> store.create("/during", "x".getBytes(UTF_8), 0));
            assertTrue(down.getMessage().startsWith("datastore"), down.getMessage());
            assertThrows(DatastoreUnavailableException.class, () -> store.get("/before"));

            TestDatabases.start(databases.server());
            KeyValue after = eventually(() -> store.create("/after", "y".getBytes(UTF_8), 0));
            assertEquals("/after", events.await(1, RECOVERY).get(0).kv().key(), "the watch lived through it");
            assertEquals(after, store.get("/after").orElseThrow());
            assertTrue(store.get("/before").isPresent());
        }
    }

    @Test
    void theEtcdHealthCheckFailsAtOnceWithTheReasonWhileTheDatabaseIsDownAndPassesWhenItIsBack()
            throws Exception {
        EndpointUri live = databases.freshDatabase("health");
        server = databases.open(live);
        HealthCheck running = new PooledHealthCheck(server);
        assertEquals(HealthCheck.Result.ok(), running.check());

        TestDatabases.stop(databases.server());
        HealthCheck.Result lost = awaitCheck(running, result -> !result.healthy());
        assertTrue(lost.reason().startsWith("datastore " + live + ": cannot read the"), lost.reason());
        EndpointUri endpoint = databases.freshDatabase("health-down");
        other = databases.openEvenIfDown(endpoint);
        HealthCheck.Result neverReached = awaitCheck(new PooledHealthCheck(other), result -> true);
        assertFalse(neverReached.healthy());
        assertTrue(neverReached.reason().contains(endpoint + " is unavailable"), neverReached.reason());
        assertFalse(neverReached.reason().contains(endpoint.password()), "no password in " + neverReached.reason());

        TestDatabases.start(databases.server());
        awaitCheck(running, HealthCheck.Result::healthy);
        awaitCheck(new PooledHealthCheck(other), HealthCheck.Result::healthy);
    }

    /** Runs the check until its result passes the test, each run within {@link #QUICK}. */
    private static HealthCheck.Result awaitCheck(HealthCheck check, Predicate<HealthCheck.Result> until)
            throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (true) {
            long started = System.nanoTime();
            HealthCheck.Result result = check.check();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(QUICK) < 0, "the check took " + took + ": it must not wait on the database");
            if (until.test(result)) {
                return result;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the check still says " + result + " after " + RECOVERY);
            }
            Thread.sleep(50);
        }
    }

    /** Retries while the store still reports the database unavailable. */
    private static <T> T eventually(Supplier<T> call) throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (DatastoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("still unavailable after " + RECOVERY, e);
                }
                Thread.sleep(200);
            }
        }
    }
}
