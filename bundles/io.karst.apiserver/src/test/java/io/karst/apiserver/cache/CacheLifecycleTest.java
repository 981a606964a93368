package io.karst.apiserver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.status.ApiException;

class CacheLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void idleCacheStopsAndReleasesTheDatastoreWatch() throws Exception {
        try (CacheFixture api = new CacheFixture(dir, CacheSettings.defaults().withIdleTimeout(Duration.ZERO))) {
            RecordingStream w = api.watch("/api/v1/namespaces/default/configmaps?watch=1");
            assertEquals(1, api.counting.watchesOpen.get());
            Thread.sleep(1500);
            assertEquals(1, api.caches.activeCaches(), "a watched cache stays");
            w.session.stop();
            CacheFixture.await("the idle cache to stop", () -> api.caches.activeCaches() == 0);
            CacheFixture.await("the datastore watch to close", () -> api.counting.watchesOpen.get() == 0);
            api.createConfigMap("later");
            RecordingStream again = api.watch("/api/v1/namespaces/default/configmaps?watch=1");
            CacheFixture.await("the state from a fresh cache", () -> again.size() >= 1);
            assertEquals(List.of("ADDED later"), again.summary());
        }
    }

    @Test
    void bookmarkRevisionFollowsTheDatastoreEvenWhenNothingMatches() throws Exception {
        try (CacheFixture api = new CacheFixture(dir, CacheSettings.defaults())) {
            long from = api.kv.currentRevision();
            Target target = new Target();
            WatchStream stream = api.caches.watch(api.configMaps, "default", from, false, o -> true, target);
            assertEquals(from, stream.caughtUpRevision());
            api.object("POST", "/api/v1/namespaces/other/configmaps", CacheFixture.configMap("elsewhere"));
            api.object("POST", "/api/v1/namespaces/default/secrets",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"}}");
            long current = api.kv.currentRevision();
            CacheFixture.await("the watch to catch up", () -> stream.caughtUpRevision() == current);
            assertTrue(target.events.isEmpty());
            stream.close();
        }
    }

    /** Records what a watch source tells its target. */
    static final class Target implements WatchTarget {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public boolean event(String type, ObjectNode object, long revision) {
            events.add(type + " " + object.path("metadata").path("name").asText());
            return true;
        }

        @Override
        public void initialEventsEnd(long revision) {
            events.add("END " + revision);
        }

        @Override
        public void ended(ApiException cause) {
            events.add("ENDED " + (cause == null ? "" : cause.code()));
        }
    }
}
