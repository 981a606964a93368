package io.karst.apiserver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.apiserver.endpoint.WatchFrame;

class WatchFanOutTest {
    @TempDir
    Path dir;

    @Test
    void thousandWatchersShareOneStoreWatchAndEachGetsEveryEventInOrder() throws Exception {
        try (CacheFixture api = new CacheFixture(dir, CacheSettings.defaults())) {
            api.createConfigMap("before");
            long rv = CacheFixture.revisionOf(api.object("GET", "/api/v1/namespaces/default/configmaps", null));
            List<RecordingStream> watchers = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                watchers.add(api.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + rv));
            }
            List<String> expected = new ArrayList<>();
            List<Long> revisions = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                revisions.add(api.createConfigMap("c" + i));
                expected.add("ADDED c" + i);
            }
            revisions.add(api.patchConfigMap("c3", "{\"data\":{\"k\":\"v\"}}"));
            expected.add("MODIFIED c3");
            api.request("DELETE", "/api/v1/namespaces/default/configmaps/c5", null, null);
            revisions.add(api.kv.currentRevision());
            expected.add("DELETED c5");
            // A change in another namespace is not for these watchers.
            api.object("POST", "/api/v1/namespaces/other/configmaps", CacheFixture.configMap("elsewhere"));

            CacheFixture.await("every watcher to get every event",
                    () -> watchers.stream().allMatch(w -> w.size() >= expected.size()));
            for (RecordingStream w : watchers) {
                assertEquals(expected, w.summary());
                assertEquals(revisions, w.revisions());
            }
            assertEquals(1, api.counting.watchesOpened.get(), "one datastore watch for all watchers");
            assertEquals(1000, api.caches.watchers(api.configMaps));
            watchers.forEach(w -> w.session.stop());
            assertEquals(0, api.caches.watchers(api.configMaps));
        }
    }

    @Test
    void blockedWatcherIsEndedWithoutDelayingOthers() throws Exception {
        CacheSettings settings = new CacheSettings(1024, 10, 2, Duration.ofSeconds(3), Duration.ofMinutes(5), 100);
        try (CacheFixture api = new CacheFixture(dir, settings)) {
            long rv = CacheFixture.revisionOf(api.object("GET", "/api/v1/namespaces/default/configmaps", null));
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            RecordingStream stuck = api.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + rv,
                    new RecordingStream() {
                        @Override
                        public boolean write(WatchFrame frame) {
                            super.write(frame);
                            blocked.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return true;
                        }
                    });
            List<RecordingStream> others = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                others.add(api.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + rv));
            }
            api.createConfigMap("first");
            assertTrue(blocked.await(10, TimeUnit.SECONDS), "the stuck watcher got its first event");
            // In rounds smaller than a watcher's queue, so that the others, served by the one dispatcher thread
            // the stuck watcher leaves free, cannot overflow however slowly a busy machine schedules it.
            for (int round = 0; round < 10; round++) {
                for (int i = round * 5; i < round * 5 + 5; i++) {
                    api.createConfigMap("c" + i);
                }
                int expected = 1 + round * 5 + 5;
                CacheFixture.await("the other watchers to get " + expected + " events",
                        () -> others.stream().allMatch(w -> w.size() == expected));
            }
            assertTrue(others.stream().noneMatch(w -> w.ended), "no other watcher was ended");
            CacheFixture.await("the stuck watcher to be ended", () -> stuck.ended);
            assertEquals(20, api.caches.watchers(api.configMaps), "the stuck watcher was dropped");
            assertEquals(1, stuck.size(), "it got nothing after it stopped reading");
            for (RecordingStream w : others) {
                assertEquals("ADDED first", w.summary().get(0));
                assertEquals("ADDED c49", w.summary().get(50));
            }
            release.countDown();
        }
    }
}
