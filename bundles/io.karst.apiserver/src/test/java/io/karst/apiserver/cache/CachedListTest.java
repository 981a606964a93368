package io.karst.apiserver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.storage.ObjectStore;

class CachedListTest {
    private static final String LIST = "/api/v1/namespaces/default/configmaps";

    @TempDir
    Path dir;

    @Test
    void resourceVersionZeroListComesFromMemoryAndEqualsAStoreList() throws Exception {
        try (CacheFixture api = new CacheFixture(dir, CacheSettings.defaults())) {
            for (String name : List.of("b", "a", "c")) {
                api.createConfigMap(name);
            }
            api.object("POST", "/api/v1/namespaces/other/configmaps", CacheFixture.configMap("x"));
            api.object("GET", LIST + "?resourceVersion=0", null); // loads the cache
            api.patchConfigMap("a", "{\"data\":{\"k\":\"v\"}}");
            api.request("DELETE", LIST + "/c", null, null);
            api.createConfigMap("d");
            long current = api.kv.currentRevision();
            CacheFixture.await("the cache to reach the last write", () -> api.caches.watchers(api.configMaps) == 0
                    && cachedRevision(api) >= current);
            int reads = api.counting.ranges.get();
            ObjectNode cached = api.object("GET", LIST + "?resourceVersion=0", null);
            assertEquals(reads, api.counting.ranges.get(), "no datastore read");
            ObjectStore.Page stored = api.store.list(api.configMaps, "default", 0, 0, null);
            assertEquals(stored.items(), items(cached));
            assertEquals(List.of("a", "b", "d"), names(cached));
            assertEquals(current, CacheFixture.revisionOf(cached));
            assertEquals("v", cached.path("items").get(0).path("data").path("k").asText());
        }
    }

    @Test
    void resourceVersionZeroIgnoresTheLimitAsUpstreamsCacheDoes() {
        try (CacheFixture api = new CacheFixture(dir, CacheSettings.defaults())) {
            for (int i = 0; i < 5; i++) {
                api.createConfigMap("c" + i);
            }
            ObjectNode list = api.object("GET", LIST + "?resourceVersion=0&limit=2", null);
            assertEquals(5, list.path("items").size());
            assertTrue(list.path("metadata").path("continue").isMissingNode());
        }
    }

    @Test
    void consistentListIsServedFromMemoryAtTheStoresCurrentRevision() {
        try (CacheFixture api = new CacheFixture(dir, CacheSettings.defaults())) {
            api.object("GET", LIST, null); // loads the cache
            for (int i = 0; i < 5; i++) {
                api.createConfigMap("c" + i);
            }
            // The last write was elsewhere: the cache's revision still has to reach it.
            api.object("POST", "/api/v1/namespaces/other/configmaps", CacheFixture.configMap("x"));
            long current = api.kv.currentRevision();
            int reads = api.counting.ranges.get();
            ObjectNode all = api.object("GET", LIST, null);
            assertEquals(reads, api.counting.ranges.get(), "no datastore read");
            assertEquals(current, CacheFixture.revisionOf(all), "read-your-writes");
            assertEquals(List.of("c0", "c1", "c2", "c3", "c4"), names(all));
        }
    }

    @Test
    void consistentListWithLimitContinuesFromTheDatastoreAtTheSameRevision() {
        try (CacheFixture api = new CacheFixture(dir, CacheSettings.defaults())) {
            for (int i = 0; i < 5; i++) {
                api.createConfigMap("c" + i);
            }
            api.object("GET", LIST, null);
            int reads = api.counting.ranges.get();
            ObjectNode first = api.object("GET", LIST + "?limit=2", null);
            assertEquals(reads, api.counting.ranges.get(), "the first page from memory");
            assertEquals(List.of("c0", "c1"), names(first));
            String token = first.path("metadata").path("continue").asText();
            assertFalse(token.isEmpty());
            api.request("DELETE", LIST + "/c3", null, null);
            ObjectNode rest = api.object("GET", LIST + "?limit=10&continue=" + token, null);
            assertTrue(api.counting.ranges.get() > reads, "later pages from the datastore");
            assertEquals(List.of("c2", "c3", "c4"), names(rest), "the snapshot of the first page");
            assertEquals(first.path("metadata").path("resourceVersion"), rest.path("metadata").path("resourceVersion"));
        }
    }

    @Test
    void exactResourceVersionGoesToTheDatastore() {
        try (CacheFixture api = new CacheFixture(dir, CacheSettings.defaults())) {
            long before = api.createConfigMap("a");
            api.createConfigMap("b");
            api.object("GET", LIST, null);
            int reads = api.counting.ranges.get();
            ObjectNode old = api.object("GET", LIST + "?resourceVersion=" + before + "&resourceVersionMatch=Exact",
                    null);
            assertEquals(reads + 1, api.counting.ranges.get());
            assertEquals(List.of("a"), names(old));
        }
    }

    @Test
    void listedObjectsAreCopiesTheCallerMayChange() {
        try (CacheFixture api = new CacheFixture(dir, CacheSettings.defaults())) {
            api.createConfigMap("a");
            ObjectNode first = api.object("GET", LIST, null);
            ((ObjectNode) first.path("items").get(0).path("metadata")).put("name", "changed");
            assertEquals(List.of("a"), names(api.object("GET", LIST, null)));
        }
    }

    private static long cachedRevision(CacheFixture api) {
        return CacheFixture.revisionOf(api.object("GET", LIST + "?resourceVersion=0", null));
    }

    private static List<ObjectNode> items(ObjectNode list) {
        List<ObjectNode> items = new ArrayList<>();
        list.path("items").forEach(i -> items.add((ObjectNode) i));
        return items;
    }

    private static List<String> names(ObjectNode list) {
        List<String> names = new ArrayList<>();
        list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
        return names;
    }
}
