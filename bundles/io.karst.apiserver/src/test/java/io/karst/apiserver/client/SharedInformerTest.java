package io.karst.apiserver.client;

import static io.karst.apiserver.client.ClientFixture.CONFIGMAPS;
import static io.karst.apiserver.client.ClientFixture.await;
import static io.karst.apiserver.client.ClientFixture.configMap;
import static io.karst.apiserver.client.ClientFixture.labelled;
import static io.karst.apiserver.client.ClientFixture.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.HandlerRegistration;
import io.karst.api.client.Informer;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceOperations;
import io.karst.client.informers.SharedInformer;

class SharedInformerTest {
    /** Short backoff and watch timeouts, so that recovery shows within a test. */
    static final ClientSettings FAST = new ClientSettings(10_000, Duration.ofSeconds(1), 2, Duration.ofMillis(20),
            Duration.ofMillis(200));

    @TempDir
    Path dir;
    ClientFixture api;
    ResourceOperations configMaps;

    @BeforeEach
    void start() {
        api = new ClientFixture(dir, FAST);
        configMaps = api.client.resource(CONFIGMAPS).inNamespace("default");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void syncsFromAPagedListThenFollowsChangesInCacheAndHandlers() throws Exception {
        for (String n : List.of("a", "b", "c")) {
            configMaps.create(configMap(n, "{}"));
        }
        Informer informer = api.client.informers().informer(CONFIGMAPS);
        Events events = new Events();
        HandlerRegistration registration = informer.addEventHandler(events);
        assertFalse(informer.hasSynced());
        informer.start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        await("initial adds", registration::hasSynced);
        assertEquals(Set.of("add a", "add b", "add c"), Set.copyOf(events.seen));
        assertEquals(3, informer.lister().list().size());

        events.seen.clear();
        configMaps.create(configMap("d", "{}"));
        ObjectNode b = configMaps.get("b");
        b.with("data").put("k", "v");
        configMaps.update(b);
        configMaps.delete("c");
        await("three changes", () -> events.seen.size() == 3);
        assertEquals(List.of("add d", "update b", "delete c"), events.seen);
        assertEquals("v", informer.lister().get("default", "b").orElseThrow().path("data").path("k").asText());
        assertTrue(informer.lister().get("default", "c").isEmpty());
        assertEquals(configMaps.get("d").path("metadata").path("resourceVersion").asText(),
                informer.lister().get("default", "d").orElseThrow().path("metadata").path("resourceVersion")
                        .asText());
        assertEquals(Long.toString(api.kv.currentRevision()), informer.lastSyncResourceVersion());
    }

    @Test
    void aHandlerAddedAfterSyncFirstGetsEveryCachedObject() throws Exception {
        configMaps.create(configMap("a", "{}"));
        configMaps.create(configMap("b", "{}"));
        Informer informer = api.client.informers().informer(CONFIGMAPS).start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        Events late = new Events();
        HandlerRegistration registration = informer.addEventHandler(late);
        await("late handler synced", registration::hasSynced);
        assertEquals(Set.of("add a", "add b"), Set.copyOf(late.seen));
        registration.close();
        configMaps.create(configMap("c", "{}"));
        Events other = new Events();
        informer.addEventHandler(other);
        await("another handler sees c", () -> other.seen.contains("add c"));
        assertEquals(2, late.seen.size(), "a closed registration gets nothing more");
    }

    @Test
    void indexesFindObjectsByComputedValuesAndFollowChanges() throws Exception {
        configMaps.create(labelled(configMap("a", "{}"), "app", "web"));
        configMaps.create(labelled(configMap("b", "{}"), "app", "db"));
        Informer informer = api.client.informers().informer(CONFIGMAPS).start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        // Added after sync: the cached objects are indexed at once.
        assertTrue(informer.addIndex("app", o -> List.of(o.path("metadata").path("labels").path("app").asText())));
        assertFalse(informer.addIndex("app", o -> List.of()), "a second index of that name is refused");
        assertEquals(List.of("a"), names(informer.lister().byIndex("app", "web")));

        ObjectNode b = configMaps.get("b");
        b.with("metadata").with("labels").put("app", "web");
        configMaps.update(b);
        await("b moves to web", () -> informer.lister().byIndex("app", "web").size() == 2);
        assertTrue(informer.lister().byIndex("app", "db").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> informer.lister().byIndex("nope", "x"));
    }

    @Test
    void listerReadsOneNamespaceOrAll() throws Exception {
        configMaps.create(configMap("a", "{}"));
        api.client.resource(CONFIGMAPS).inNamespace("kube-system").create(configMap("b", "{}"));
        Informer informer = api.client.informers().informer(CONFIGMAPS).start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        assertEquals(List.of("b"), names(informer.lister().list("kube-system")));
        assertEquals(Set.of("a", "b"), Set.copyOf(names(informer.lister().list())));
        assertEquals(List.of("a"), names(informer.lister().list(o -> name(o).equals("a"))));
    }

    @Test
    void anInformerOfOneNamespaceAndSelectorCachesOnlyThose() throws Exception {
        configMaps.create(labelled(configMap("a", "{}"), "app", "web"));
        configMaps.create(labelled(configMap("b", "{}"), "app", "db"));
        api.client.resource(CONFIGMAPS).inNamespace("kube-system").create(labelled(configMap("c", "{}"), "app",
                "web"));
        Informer informer = api.client.informers().informer(CONFIGMAPS, "default", "app=web").start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        assertEquals(List.of("a"), names(informer.lister().list()));
    }

    @Test
    void anInformerWithAFieldSelectorListsAndWatchesOnlyMatchingObjects() throws Exception {
        configMaps.create(configMap("a", "{}"));
        configMaps.create(configMap("b", "{}"));
        Informer informer = api.client.informers().informer(CONFIGMAPS, null, "", "metadata.name=a").start();
        assertEquals("metadata.name=a", informer.fieldSelector());
        Events events = new Events();
        informer.addEventHandler(events);
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        assertEquals(List.of("a"), names(informer.lister().list()));

        ObjectNode b = configMaps.get("b");
        b.with("data").put("k", "v");
        configMaps.update(b);
        ObjectNode a = configMaps.get("a");
        a.with("data").put("k", "v");
        configMaps.update(a);
        await("the update of a", () -> events.seen.contains("update a"));
        assertEquals(List.of("add a", "update a"), events.seen, "b is never seen");
    }

    @Test
    void theFactorySharesOneInformerPerResourceNamespaceAndSelector() {
        var factory = api.client.informers();
        assertSame(factory, api.client.informers());
        assertSame(factory.informer(CONFIGMAPS), factory.informer(CONFIGMAPS, null, ""));
        assertNotSame(factory.informer(CONFIGMAPS), factory.informer(CONFIGMAPS, "default", ""));
        assertNotSame(factory.informer(CONFIGMAPS), factory.informer(CONFIGMAPS, null, "app=web"));
        assertSame(factory.informer(CONFIGMAPS), factory.informer(CONFIGMAPS, null, "", ""));
        assertNotSame(factory.informer(CONFIGMAPS), factory.informer(CONFIGMAPS, null, "", "metadata.name=a"));
    }

    @Test
    void afterCompactionItListsAgainAndReportsWhatChangedWhileAway() throws Exception {
        configMaps.create(configMap("kept", "{}"));
        configMaps.create(configMap("changed", "{}"));
        configMaps.create(configMap("removed", "{}"));
        GatedOperations ops = new GatedOperations(configMaps);
        SharedInformer informer = new SharedInformer(ops, "", "", api.client.callbacks(), api.client.timers(),
                FAST.informerSettings());
        Events events = new Events();
        informer.addEventHandler(events);
        informer.start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        await("initial adds", () -> events.seen.size() == 3);
        events.seen.clear();
        ObjectNode keptBefore = informer.lister().get("default", "kept").orElseThrow();

        // The watch ends; while the informer is away, objects change and the history is compacted.
        await("watching", () -> ops.current != null);
        ops.holdNextWatch();
        ops.current.close();
        assertTrue(ops.awaitHeld());
        ObjectNode changed = configMaps.get("changed");
        changed.with("data").put("k", "v");
        configMaps.update(changed);
        configMaps.delete("removed");
        configMaps.create(configMap("new", "{}"));
        api.kv.compact(api.kv.currentRevision());
        ops.open();

        await("relisted", () -> events.seen.size() == 3, () -> events.seen + " lists=" + ops.lists + " watches="
                + ops.watches);
        assertEquals(Set.of("update changed", "delete removed (final state unknown)", "add new"),
                Set.copyOf(events.seen));
        assertTrue(ops.lists.get() > 1, "listed again after the 410");
        assertSame(keptBefore, informer.lister().get("default", "kept").orElseThrow(), "unchanged objects stay");
        assertEquals("v", informer.lister().get("default", "changed").orElseThrow().path("data").path("k").asText());

        // And it watches again from the new list.
        configMaps.create(configMap("after", "{}"));
        await("watching again", () -> events.seen.contains("add after"));
        informer.stop();
    }

    @Test
    void whenAWatchEndsItWatchesAgainFromTheLastVersionWithoutListing() throws Exception {
        GatedOperations ops = new GatedOperations(configMaps);
        SharedInformer informer = new SharedInformer(ops, "", "", api.client.callbacks(), api.client.timers(),
                FAST.informerSettings());
        Events events = new Events();
        informer.addEventHandler(events);
        informer.start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        await("watching", () -> ops.current != null);
        ops.holdNextWatch();
        ops.current.close();
        assertTrue(ops.awaitHeld());
        configMaps.create(configMap("while-away", "{}"));
        ops.open();
        await("the change made while away", () -> events.seen.contains("add while-away"));
        assertEquals(1, ops.lists.get(), "no relist: the watch resumed from the last version");
        assertEquals(2, ops.watches.get());
        informer.stop();
    }

    @Test
    void periodicResyncRedeliversEveryObjectAsAnUpdate() throws Exception {
        configMaps.create(configMap("a", "{}"));
        Informer informer = api.client.informers().informer(CONFIGMAPS).start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        Events events = new Events();
        informer.addEventHandler(events, Duration.ofMillis(50));
        await("two resyncs", () -> events.seen.stream().filter("resync a"::equals).count() >= 2);
        assertEquals("add a", events.seen.get(0));
    }

    @Test
    void closingTheClientStopsItsInformers() throws Exception {
        Informer informer = api.client.informers().informer(CONFIGMAPS).start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(5)));
        Events events = new Events();
        informer.addEventHandler(events);
        api.client.close();
        configMaps = api.client.resource(CONFIGMAPS).inNamespace("default");
        // The store is still there: a change made behind the closed client reaches no handler.
        api.store.create(api.registry.find("", "v1", "configmaps").orElseThrow(), "default", "late",
                configMap("late", "{}"));
        Thread.sleep(200);
        assertFalse(events.seen.contains("add late"));
    }

    private static List<String> names(List<ObjectNode> objects) {
        return objects.stream().map(ClientFixture::name).toList();
    }

    /** Records the calls a handler gets, as short strings. */
    static final class Events implements ResourceEventHandler {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onAdd(ObjectNode object) {
            seen.add("add " + name(object));
        }

        @Override
        public void onUpdate(ObjectNode old, ObjectNode current) {
            seen.add((old == current ? "resync " : "update ") + name(current));
        }

        @Override
        public void onDelete(ObjectNode lastKnown, boolean finalStateUnknown) {
            seen.add("delete " + name(lastKnown) + (finalStateUnknown ? " (final state unknown)" : ""));
        }
    }
}
