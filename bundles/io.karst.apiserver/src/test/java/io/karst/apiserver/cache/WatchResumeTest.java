package io.karst.apiserver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.apiserver.endpoint.WatchFrame;

class WatchResumeTest {
    private static final String WATCH = "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=";

    @TempDir
    Path dir;

    /** A cache keeping only four events of history. */
    private CacheFixture smallHistory() {
        return new CacheFixture(dir, CacheSettings.defaults().withHistoryCapacity(4));
    }

    /** A consistent list returns once the cache has every write so far, so its history has moved on. */
    private static void caughtUp(CacheFixture api) {
        api.object("GET", "/api/v1/namespaces/default/configmaps", null);
    }

    @Test
    void watchFromAnOldButCachedRevisionReplaysTheHistoryFromMemory() throws Exception {
        try (CacheFixture api = new CacheFixture(dir, CacheSettings.defaults())) {
            api.object("GET", "/api/v1/namespaces/default/configmaps", null); // starts the cache
            long a = api.createConfigMap("a");
            api.createConfigMap("b");
            api.patchConfigMap("a", "{\"data\":{\"x\":\"y\"}}");
            RecordingStream w = api.watch(WATCH + a);
            api.createConfigMap("c");
            CacheFixture.await("three events", () -> w.size() >= 3);
            assertEquals(List.of("ADDED b", "MODIFIED a", "ADDED c"), w.summary());
            assertEquals(1, api.counting.watchesOpened.get(), "replayed by the cache, not a datastore watch");
        }
    }

    @Test
    void watchOlderThanTheHistoryIsServedByTheDatastoreWhileItHasTheChanges() throws Exception {
        try (CacheFixture api = smallHistory()) {
            api.object("GET", "/api/v1/namespaces/default/configmaps", null);
            long first = api.createConfigMap("c0");
            List<String> expected = new ArrayList<>();
            for (int i = 1; i < 10; i++) {
                api.createConfigMap("c" + i);
                expected.add("ADDED c" + i);
            }
            caughtUp(api);
            RecordingStream w = api.watch(WATCH + first);
            CacheFixture.await("nine events", () -> w.size() >= 9);
            assertEquals(expected, w.summary());
            assertEquals(2, api.counting.watchesOpen.get(), "this watch has a datastore watch of its own ");
            w.session.stop();
            CacheFixture.await("its datastore watch to close", () -> api.counting.watchesOpen.get() == 1);
        }
    }

    @Test
    void watchFromACompactedRevisionOutsideTheHistoryIsExpired() throws Exception {
        try (CacheFixture api = smallHistory()) {
            api.object("GET", "/api/v1/namespaces/default/configmaps", null);
            long first = api.createConfigMap("c0");
            for (int i = 1; i < 10; i++) {
                api.createConfigMap("c" + i);
            }
            long compacted = api.kv.currentRevision();
            api.kv.compact(compacted);
            caughtUp(api);
            RecordingStream w = api.watch(WATCH + first);
            CacheFixture.await("the error", () -> w.size() >= 1);
            WatchFrame error = w.frames.get(0);
            assertEquals("ERROR", error.type());
            assertEquals(410, error.object().path("code").asInt());
            assertEquals("Expired", error.object().path("reason").asText());
            assertEquals("too old resource version: " + first + " (" + compacted + ")",
                    error.object().path("message").asText());
            assertTrue(w.ended);
        }
    }

    @Test
    void watchFromACompactedRevisionStillInTheHistoryIsServedAsUpstreamDoes() throws Exception {
        try (CacheFixture api = smallHistory()) {
            api.object("GET", "/api/v1/namespaces/default/configmaps", null);
            for (int i = 0; i < 6; i++) {
                api.createConfigMap("c" + i);
            }
            long inHistory = api.createConfigMap("c6");
            api.createConfigMap("c7");
            api.kv.compact(api.kv.currentRevision());
            caughtUp(api);
            RecordingStream w = api.watch(WATCH + inHistory);
            CacheFixture.await("one event", () -> w.size() >= 1);
            assertEquals(List.of("ADDED c7"), w.summary());
            assertEquals(1, api.counting.watchesOpened.get());
        }
    }

    @Test
    void watchWithInitialStateThenLiveChangesAndTheEndBookmark() throws Exception {
        try (CacheFixture api = new CacheFixture(dir, CacheSettings.defaults())) {
            api.createConfigMap("b");
            api.createConfigMap("a");
            RecordingStream w = api.watch("/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true"
                    + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
            api.createConfigMap("c");
            CacheFixture.await("four frames", () -> w.size() >= 4);
            assertEquals(List.of("ADDED a", "ADDED b", "BOOKMARK ", "ADDED c"), w.summary());
            WatchFrame bookmark = w.frames.get(2);
            assertEquals("true", bookmark.object().path("metadata").path("annotations")
                    .path("k8s.io/initial-events-end").asText());
            assertEquals(w.revisions().get(3) - 1, w.revisions().get(2), "the state before c was created");
            assertEquals(1, api.counting.watchesOpened.get());
        }
    }
}
