package io.karst.client.informers;

import static io.karst.client.informers.FakeOperations.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;

/** The informer over a scripted ResourceOperations: what it asks the server for, and what it makes of the answers. */
class SharedInformerUnitTest {
    static final InformerSettings FAST = new InformerSettings(Duration.ofSeconds(1), 2, Duration.ofMillis(10),
            Duration.ofMillis(50));

    final ExecutorService pool = Executors.newCachedThreadPool();
    final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    final FakeOperations server = new FakeOperations();

    @AfterEach
    void stop() {
        timers.shutdownNow();
        pool.shutdownNow();
    }

    @Test
    void listsInPagesAndWatchesWithBothSelectorsFromTheListsVersion() throws Exception {
        server.objects = List.of(object("a", "3"), object("b", "4"), object("c", "5"));
        server.listVersion = "7";
        SharedInformer informer = new SharedInformer(server, "app=web", "spec.nodeName=node-a", pool, timers, FAST);
        assertEquals("spec.nodeName=node-a", informer.fieldSelector());
        informer.start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        await("the watch", () -> server.watcher != null);

        assertEquals(2, server.lists.size(), "two pages of two");
        for (ListOptions list : server.lists) {
            assertEquals("app=web", list.labelSelector());
            assertEquals("spec.nodeName=node-a", list.fieldSelector());
            assertEquals(2, list.limit());
        }
        assertEquals("2", server.lists.get(1).continueToken());
        ListOptions watch = server.watches.get(0);
        assertEquals("app=web", watch.labelSelector());
        assertEquals("spec.nodeName=node-a", watch.fieldSelector());
        assertEquals("7", watch.resourceVersion());
        assertTrue(watch.allowWatchBookmarks());
        assertTrue(watch.timeoutSeconds() >= 1 && watch.timeoutSeconds() < 2, () -> "" + watch.timeoutSeconds());
        assertEquals(3, informer.lister().list().size());
        assertEquals("7", informer.lastSyncResourceVersion());
        informer.stop();
    }

    @Test
    void eventsUpdateTheCacheAndHandlersAndAGoneWatchListsAgain() throws Exception {
        server.objects = List.of(object("a", "3"), object("b", "4"));
        SharedInformer informer = new SharedInformer(server, "", "", pool, timers, FAST);
        Events events = new Events();
        informer.addEventHandler(events);
        informer.start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        await("the watch", () -> server.watcher != null);
        await("initial adds", () -> events.seen.size() == 2);

        server.send(ResourceEvent.Type.ADDED, object("c", "8"));
        server.send(ResourceEvent.Type.MODIFIED, object("a", "9"));
        server.send(ResourceEvent.Type.DELETED, object("b", "10"));
        await("three events", () -> events.seen.size() == 5);
        assertEquals(List.of("add a", "add b", "add c", "update a", "delete b"), events.seen);
        assertEquals("10", informer.lastSyncResourceVersion());

        // the server ends the watch normally: watched again from the last version seen
        server.end(null);
        await("a second watch", () -> server.watches.size() == 2);
        assertEquals("10", server.watches.get(1).resourceVersion());

        // a 410: listed again; what vanished meanwhile is deleted with its final state unknown
        server.objects = List.of(object("a", "9"), object("d", "15"));
        server.listVersion = "20";
        server.end(new ResourceException(410, "Expired", "too old resource version", null));
        await("what changed while away", () -> events.seen.size() == 7, () -> events.seen.toString());
        assertEquals(List.of("add d", "delete c (final state unknown)"), events.seen.subList(5, 7));
        assertEquals(List.of("a", "d"), informer.lister().list().stream().map(SharedInformerUnitTest::name)
                .sorted().toList());
        await("a watch from the new list", () -> server.watches.size() == 3);
        assertEquals("20", server.watches.get(2).resourceVersion());
        informer.stop();
    }

    @Test
    void listedAndWatchedObjectsAreReadOnlyForListersAndHandlers() throws Exception {
        ObjectNode listed = object("a", "3");
        server.objects = List.of(listed);
        SharedInformer informer = new SharedInformer(server, "", "", pool, timers, FAST);
        List<ObjectNode> handed = new CopyOnWriteArrayList<>();
        informer.addEventHandler(new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode object) {
                handed.add(object);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode current) {
                handed.add(current);
            }
        });
        informer.start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        await("the watch", () -> server.watcher != null);
        ObjectNode watched = object("b", "4");
        server.send(ResourceEvent.Type.ADDED, watched);
        ObjectNode frozen = ReadOnlyTrees.freezeOwned(object("a", "5"));
        server.send(ResourceEvent.Type.MODIFIED, frozen);
        await("three objects", () -> handed.size() == 3);

        for (ObjectNode object : informer.lister().list()) {
            assertTrue(ReadOnlyTrees.isFrozen(object));
            assertThrows(UnsupportedOperationException.class, () -> ((ObjectNode) object.get("metadata"))
                    .put("name", "changed"));
        }
        handed.forEach(o -> assertTrue(ReadOnlyTrees.isFrozen(o)));
        assertSame(frozen, informer.lister().get("default", "a").orElseThrow(), "a frozen event object is not copied");
        assertSame(frozen, handed.get(2));
        // the objects the caller handed in are left alone (copied, not frozen under it)
        listed.put("kind", "Mine");
        watched.put("kind", "Mine");
        assertFalse(ReadOnlyTrees.isFrozen(listed));
        informer.stop();
    }

    @Test
    void theFactoryKeysInformersByBothSelectors() {
        SharedInformerFactory factory = new SharedInformerFactory(k -> server, () -> {
        }, pool, timers, FAST);
        Informer all = factory.informer(FakeOperations.CONFIGMAPS);
        assertSame(all, factory.informer(FakeOperations.CONFIGMAPS, null, "", ""));
        assertSame(all, factory.informer(FakeOperations.CONFIGMAPS, "", null, null));
        Informer mine = factory.informer(FakeOperations.CONFIGMAPS, null, "", "spec.nodeName=node-a");
        assertNotNull(mine);
        assertTrue(mine != all);
        assertSame(mine, factory.informer(FakeOperations.CONFIGMAPS, null, "", "spec.nodeName=node-a"));
        factory.close();
    }

    static final class Events implements ResourceEventHandler {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onAdd(ObjectNode object) {
            seen.add("add " + name(object));
        }

        @Override
        public void onUpdate(ObjectNode old, ObjectNode current) {
            seen.add("update " + name(current));
        }

        @Override
        public void onDelete(ObjectNode lastKnown, boolean finalStateUnknown) {
            seen.add("delete " + name(lastKnown) + (finalStateUnknown ? " (final state unknown)" : ""));
        }
    }

    static String name(ObjectNode object) {
        return object.path("metadata").path("name").asText();
    }

    static void await(String what, BooleanSupplier condition) {
        await(what, condition, () -> "");
    }

    static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " " + state.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
