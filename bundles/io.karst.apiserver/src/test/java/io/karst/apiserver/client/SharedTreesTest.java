package io.karst.apiserver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.Watcher;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.testing.InProcessApi;

/**
 * With the server's watch cache, every in-process watcher and informer, whatever its user, holds the cache's own
 * (read-only) tree of an object: one tree per object in the heap, not one per informer.
 */
class SharedTreesTest {
    static final ResourceKey CONFIGMAPS = new ResourceKey("", "v1", "configmaps");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    static final class Recorder implements Watcher {
        final List<ResourceEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(ResourceEvent event) {
            if (event.type() != ResourceEvent.Type.BOOKMARK) {
                events.add(event);
            }
        }

        @Override
        public void onClose(ResourceException cause) {
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void twoUsersWatchesAndInformersHoldTheSameReadOnlyTreeOfAnObject() throws Exception {
        ResourceOperations mine = api.client().resource(CONFIGMAPS).inNamespace("default");
        ResourceOperations alices = api.client().as(new UserInfo("alice", "", List.of("system:masters"), Map.of()))
                .resource(CONFIGMAPS).inNamespace("default");
        ObjectNode before = mine.create((ObjectNode) JSON.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"before\"}}"));
        String from = before.path("metadata").path("resourceVersion").asText();
        Recorder myWatch = new Recorder();
        Recorder alicesWatch = new Recorder();
        mine.watch(ListOptions.NONE.withResourceVersion(from), myWatch);
        alices.watch(ListOptions.NONE.withResourceVersion(from), alicesWatch);
        Informer myInformer = api.client().informers().informer(CONFIGMAPS).start();
        Informer alicesInformer = api.client().as(new UserInfo("alice", "", List.of("system:masters"), Map.of()))
                .informers().informer(CONFIGMAPS).start();
        assertTrue(myInformer.waitForSync(Duration.ofSeconds(5)));
        assertTrue(alicesInformer.waitForSync(Duration.ofSeconds(5)));

        mine.create((ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"shared\"},\"data\":{\"k\":\"v\"}}"));
        await("both watches", () -> myWatch.events.size() == 1 && alicesWatch.events.size() == 1);
        ObjectNode seen = myWatch.events.get(0).object();
        assertSame(seen, alicesWatch.events.get(0).object(), "one tree for every in-process watcher");
        await("both informers", () -> myInformer.lister().get("default", "shared").isPresent()
                && alicesInformer.lister().get("default", "shared").isPresent());
        assertSame(seen, myInformer.lister().get("default", "shared").orElseThrow());
        assertSame(seen, alicesInformer.lister().get("default", "shared").orElseThrow());

        assertThrows(UnsupportedOperationException.class, () -> seen.with("data").put("k", "changed"));
        ObjectNode changed = seen.deepCopy();
        changed.with("data").put("k", "changed");
        mine.update(changed);
        assertEquals("changed", mine.get("shared").path("data").path("k").asText());
        assertEquals("v", seen.path("data").path("k").asText(), "the shared tree is never changed");
    }
}
