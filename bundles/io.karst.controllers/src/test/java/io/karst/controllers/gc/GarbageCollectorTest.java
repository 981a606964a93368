package io.karst.controllers.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.DeletionPropagation;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.ResourceWatch;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;

/** The collector under the runtime's hosting code, against the real resource API. */
class GarbageCollectorTest {
    static final ResourceKey CONFIGMAPS = new ResourceKey("", "v1", "configmaps");
    static final ResourceKey NAMESPACES = new ResourceKey("", "v1", "namespaces");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController collector;
    ResourceOperations configMaps;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        configMaps = api.client().resource(CONFIGMAPS).inNamespace("default");
        collector = new RunningController(new GarbageCollector(), api.client());
    }

    @AfterEach
    void stop() {
        collector.close();
        api.close();
    }

    private ObjectNode configMap(String name, ObjectNode owner, boolean block) throws Exception {
        ObjectNode cm = (ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"" + name + "\"}}");
        if (owner != null) {
            addOwner(cm, owner, block);
        }
        return configMaps.create(cm);
    }

    private static void addOwner(ObjectNode object, ObjectNode owner, boolean block) {
        ObjectNode ref = ((ObjectNode) object.get("metadata")).withArray("ownerReferences").addObject();
        ref.put("apiVersion", owner.path("apiVersion").asText());
        ref.put("kind", owner.path("kind").asText());
        ref.put("name", owner.path("metadata").path("name").asText());
        ref.put("uid", owner.path("metadata").path("uid").asText());
        if (block) {
            ref.put("blockOwnerDeletion", true);
        }
    }

    private boolean exists(String name) {
        return configMaps.find(name).isPresent();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private void delete(String name, DeletionPropagation policy) {
        configMaps.delete(name, DeleteOptions.NONE.withPropagationPolicy(policy));
    }

    @Test
    void backgroundDeletionTakesTheDependentsAfterTheOwner() throws Exception {
        ObjectNode owner = configMap("owner", null, false);
        configMap("child", owner, false);
        configMap("bystander", null, false);
        delete("owner", DeletionPropagation.BACKGROUND);
        await("the dependent to go", () -> !exists("child"));
        assertTrue(exists("bystander"));
    }

    @Test
    void orphanDeletionKeepsTheDependentsAndRemovesTheirReference() throws Exception {
        ObjectNode owner = configMap("owner", null, false);
        ObjectNode other = configMap("other-owner", null, false);
        ObjectNode child = (ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"child\"}}");
        addOwner(child, owner, true);
        addOwner(child, other, false);
        configMaps.create(child);
        delete("owner", DeletionPropagation.ORPHAN);
        await("the owner to go once orphaned", () -> !exists("owner"));
        ObjectNode kept = configMaps.get("child");
        assertEquals(1, kept.path("metadata").path("ownerReferences").size());
        assertEquals("other-owner", kept.path("metadata").path("ownerReferences").path(0).path("name").asText());
    }

    @Test
    void foregroundDeletionRemovesTheWholeChainBeforeTheOwner() throws Exception {
        ObjectNode owner = configMap("owner", null, false);
        ObjectNode child = configMap("child", owner, true);
        configMap("grandchild", child, true);
        // What happened, in order, as a watch sees it: the collector may finish before this test reads anything.
        List<String> seen = new CopyOnWriteArrayList<>();
        try (ResourceWatch watch = configMaps.watch(ListOptions.NONE, event -> seen.add(event.type() + " "
                + event.object().path("metadata").path("name").asText()
                + (event.object().path("metadata").has("deletionTimestamp") ? " marked" : "")))) {
            delete("owner", DeletionPropagation.FOREGROUND);
            await("the whole chain to go", () -> !exists("owner"));
            await("the watch to see the owner go", () -> first(seen, "DELETED owner") >= 0);
        }
        assertFalse(exists("child"));
        assertFalse(exists("grandchild"));
        // the owner stayed, marked, until its blocking dependents were gone
        int ownerMarked = first(seen, "MODIFIED owner marked");
        int ownerGone = first(seen, "DELETED owner");
        int childGone = first(seen, "DELETED child");
        int grandchildGone = first(seen, "DELETED grandchild");
        assertTrue(ownerMarked >= 0 && ownerMarked < ownerGone, seen::toString);
        assertTrue(childGone >= 0 && childGone < ownerGone, seen::toString);
        assertTrue(grandchildGone >= 0 && grandchildGone < childGone, seen::toString);
    }

    @Test
    void anObjectWhoseOwnerNeverExistedIsCollected() throws Exception {
        ObjectNode ghost = (ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"ghost\",\"uid\":\"00000000-0000-0000-0000-000000000001\"}}");
        configMap("orphaned", ghost, false);
        await("the dependent of a missing owner to go", () -> !exists("orphaned"));
    }

    @Test
    void anOwnerReplacedUnderTheSameNameDoesNotKeepTheOldOnesDependents() throws Exception {
        ObjectNode first = configMap("owner", null, false);
        ObjectNode alive = configMap("alive-owner", null, false);
        ObjectNode child = (ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"child\"}}");
        addOwner(child, first, false);
        addOwner(child, alive, false);
        configMaps.create(child);
        delete("owner", DeletionPropagation.BACKGROUND);
        configMap("owner", null, false); // same name, another uid
        await("the reference to the vanished owner to be dropped",
                () -> configMaps.get("child").path("metadata").path("ownerReferences").size() == 1);
        assertEquals("alive-owner", configMaps.get("child").path("metadata").path("ownerReferences").path(0)
                .path("name").asText());
    }

    @Test
    void clusterScopedOwnersOwnNamespacedObjects() throws Exception {
        ObjectNode ns = api.client().resource(NAMESPACES).create((ObjectNode) JSON.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"owner-ns\"}}"));
        configMap("owned-by-namespace", ns, false);
        Thread.sleep(300);
        assertTrue(exists("owned-by-namespace"), "a live cluster-scoped owner keeps it");
        assertEquals(0, collector.status().queueDepth());
    }

    private static int first(List<String> events, String prefix) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
