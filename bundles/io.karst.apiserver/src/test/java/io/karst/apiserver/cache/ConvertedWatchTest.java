package io.karst.apiserver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch cache holds one resource as stored, whatever the versions watched: watchers of a version stored as
 * another get each change converted once for all of them (the same object, so it is also encoded once).
 */
class ConvertedWatchTest {
    private static final String V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
    private static final String V2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";

    @TempDir
    Path dir;
    CacheFixture api;

    @BeforeEach
    void start() {
        api = new CacheFixture(dir, CacheSettings.defaults());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void watchersOfOneVersionShareOneConversionAndBothVersionsShareOneCache() throws Exception {
        List<RecordingStream> v1 = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            v1.add(api.watch(V1 + "?watch=1"));
        }
        RecordingStream v2 = api.watch(V2 + "?watch=1");
        assertEquals(6, api.caches.watchers(api.registry.find("autoscaling", "v2", "horizontalpodautoscalers")
                .orElseThrow()), "one cache for both versions");
        api.object("POST", V2, """
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":3,
                   "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]}}
                """);
        for (RecordingStream s : v1) {
            CacheFixture.await("v1 event", () -> s.size() == 1);
        }
        CacheFixture.await("v2 event", () -> v2.size() == 1);
        var first = v1.get(0).frames.get(0).object();
        assertEquals("autoscaling/v1", first.path("apiVersion").asText());
        assertEquals(50, first.path("spec").path("targetCPUUtilizationPercentage").asInt());
        for (RecordingStream s : v1) {
            assertSame(first, s.frames.get(0).object(), "converted once for every v1 watcher");
        }
        assertEquals("autoscaling/v2", v2.frames.get(0).object().path("apiVersion").asText());
        assertNotSame(first, v2.frames.get(0).object());
    }
}
