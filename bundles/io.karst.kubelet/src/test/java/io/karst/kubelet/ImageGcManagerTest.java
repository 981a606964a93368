package io.karst.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.ContainerState;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.kubelet.image.ImageGcException;
import io.karst.kubelet.image.ImageGcManager;
import io.karst.kubelet.image.ImageGcPolicy;
import io.karst.kubelet.image.NodeEvents;

/**
 * Image garbage collection with the default policy (85 % / 80 % / 2 min) against {@link RecordingRuntime}'s images
 * and image filesystem (1,000,000 bytes), on a clock the test moves; its Events go to the real resource API.
 */
class ImageGcManagerTest {
    static final ResourceKey EVENTS = new ResourceKey("", "v1", "events");
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;
    InProcessApi api;
    RecordingRuntime runtime;
    MovingClock clock;
    ImageGcManager gc;

    static final class MovingClock extends Clock {
        volatile Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    @BeforeEach
    void start() {
        api = new InProcessApi(dir.resolve("api"));
        runtime = new RecordingRuntime();
        runtime.images.clear();
        clock = new MovingClock();
        gc = new ImageGcManager(ImageGcPolicy.DEFAULT, runtime, runtime, new NodeEvents(api.client(), "node-a"),
                clock);
    }

    @AfterEach
    void stop() {
        gc.close();
        api.close();
    }

    private List<ObjectNode> nodeEvents(String reason) {
        return api.client().resource(EVENTS).inNamespace("default").list().items().stream()
                .filter(e -> e.path("involvedObject").path("kind").asText().equals("Node"))
                .filter(e -> e.path("reason").asText().equals(reason)).toList();
    }

    @Test
    void underTheHighThresholdNothingIsRemovedAndAtItGcStarts() {
        runtime.addImage("old", 10_000, false);
        runtime.fsAvailable = 160_000; // 84 % used
        gc.runPeriod();
        assertEquals(List.of(), runtime.removedImages);

        clock.advance(ImageGcManager.PERIOD);
        runtime.fsAvailable = 159_999; // 85 %: upstream rounds the free share down
        gc.runPeriod();
        assertEquals(List.of("sha256:old"), runtime.removedImages);
    }

    @Test
    void underDiskPressureTheEvictionManagerHasEveryUnusedOldImageRemovedWhateverTheThresholds() {
        runtime.addImage("old", 10_000, false);
        runtime.addImage("in-use", 10_000, false);
        runtime.addImage("pinned", 10_000, true);
        runtime.addContainer("web", "in-use", ContainerState.RUNNING);
        runtime.fsAvailable = 900_000; // 10 % used: image GC itself would do nothing
        gc.runPeriod();
        clock.advance(Duration.ofMinutes(1));
        runtime.addImage("young", 10_000, false);
        assertEquals(10_000, gc.deleteUnusedImages());
        assertEquals(List.of("sha256:old"), runtime.removedImages);
    }

    @Test
    void unusedImagesGoLeastRecentlyUsedFirstAndOnlyDownToTheLowThreshold() {
        runtime.addImage("used-first", 60_000, false);
        runtime.addImage("never-used", 60_000, false);
        runtime.addImage("used-last", 60_000, false);
        runtime.addContainer("web", "used-first", ContainerState.RUNNING);
        runtime.addContainer("job", "used-last", ContainerState.EXITED);
        gc.garbageCollect(); // 50 %: only detects, at T0
        assertEquals(List.of(), runtime.removedImages);

        clock.advance(Duration.ofMinutes(1));
        runtime.containers.values().removeIf(c -> c.config.name().equals("web"));
        gc.garbageCollect(); // "used-last" is still used (by an exited container) at T0 + 1 min

        clock.advance(Duration.ofMinutes(10));
        runtime.containers.clear();
        runtime.fsAvailable = 100_000; // 90 %: 80 % needs 100,000 bytes more
        gc.garbageCollect();
        assertEquals(List.of("sha256:never-used", "sha256:used-first"), runtime.removedImages);
        assertTrue(runtime.sizedImages.containsKey("sha256:used-last"));
        assertEquals(List.of(), nodeEvents("FreeDiskSpaceFailed"));
    }

    @Test
    void pinnedInUseAndYoungImagesAreKeptAndTooLittleEligibleIsAWarningOnTheNode() {
        runtime.addImage("pinned", 100_000, true);
        runtime.addImage("in-use", 100_000, false);
        runtime.addImage("old", 10_000, false);
        runtime.addContainer("stopped", "in-use", ContainerState.EXITED);
        gc.garbageCollect();

        clock.advance(Duration.ofMinutes(5));
        runtime.addImage("young", 100_000, false);
        gc.garbageCollect(); // "young" is detected now
        clock.advance(Duration.ofSeconds(119));
        runtime.fsAvailable = 50_000; // 95 %: 150,000 bytes to free
        ImageGcException e = assertThrows(ImageGcException.class, gc::garbageCollect);
        String message = "Failed to garbage collect required amount of images. Attempted to free 150000 bytes, but "
                + "only found 10000 bytes eligible to free.";
        assertEquals(message, e.getMessage());
        assertEquals(List.of("sha256:old"), runtime.removedImages);

        List<ObjectNode> events = nodeEvents("FreeDiskSpaceFailed");
        assertEquals(1, events.size(), events.toString());
        ObjectNode event = events.get(0);
        assertEquals("Warning", event.path("type").asText());
        assertEquals(message, event.path("message").asText());
        assertEquals("node-a", event.path("involvedObject").path("name").asText());
        assertEquals("kubelet", event.path("source").path("component").asText());

        clock.advance(Duration.ofSeconds(1)); // "young" is 2 min old now
        runtime.fsAvailable = 110_000;
        gc.garbageCollect();
        assertEquals(List.of("sha256:old", "sha256:young"), runtime.removedImages);
        assertTrue(runtime.sizedImages.containsKey("sha256:pinned"));
        assertTrue(runtime.sizedImages.containsKey("sha256:in-use"));
    }

    @Test
    void imagesPresentWhenTheKubeletStartsCountAsOld() {
        runtime.addImage("from-before", 200_000, false);
        runtime.fsAvailable = 100_000;
        gc.runPeriod();
        assertEquals(List.of("sha256:from-before"), runtime.removedImages);
    }

    @Test
    void failingTwiceInARowIsImageGcFailedOnTheNode() {
        runtime.addImage("pinned", 400_000, true);
        runtime.fsAvailable = 100_000;
        gc.runPeriod(); // never throws
        assertEquals(1, nodeEvents("FreeDiskSpaceFailed").size());
        assertEquals(List.of(), nodeEvents("ImageGCFailed"));

        clock.advance(ImageGcManager.PERIOD);
        gc.runPeriod();
        List<ObjectNode> failed = nodeEvents("ImageGCFailed");
        assertEquals(1, failed.size());
        assertEquals("Warning", failed.get(0).path("type").asText());
        assertEquals("Failed to garbage collect required amount of images. Attempted to free 100000 bytes, but only "
                + "found 0 bytes eligible to free.", failed.get(0).path("message").asText());
        assertEquals(2, nodeEvents("FreeDiskSpaceFailed").get(0).path("count").asInt());
        assertEquals(List.of(), runtime.removedImages);
    }

    @Test
    void aRuntimeErrorIsLoggedAndTheNextPeriodTriesAgain() {
        runtime.addImage("old", 200_000, false);
        runtime.fsAvailable = 100_000;
        runtime.imageFsFailure = new ContainerRuntimeException("image filesystem info: the container runtime at "
                + "unix:///run/containerd.sock is not reachable: connection refused");
        gc.runPeriod();
        assertEquals(List.of(), runtime.removedImages);
        assertEquals(List.of(), nodeEvents("ImageGCFailed"));

        runtime.imageFsFailure = null;
        clock.advance(ImageGcManager.PERIOD);
        gc.runPeriod();
        assertEquals(List.of("sha256:old"), runtime.removedImages);
        assertEquals(List.of(), nodeEvents("ImageGCFailed"));
    }

    @Test
    void aFailedRemovalIsSkippedTheOthersStillGoAndTheErrorIsReported() {
        runtime.addImage("busy", 100_000, false);
        gc.runPeriod(); // "busy" first detected long ago, the next one now
        clock.advance(Duration.ofMinutes(3));
        runtime.addImage("free", 100_000, false);
        runtime.failingRemovals.add("sha256:busy");
        gc.garbageCollect();
        clock.advance(Duration.ofMinutes(3));
        runtime.fsAvailable = 100_000;
        ImageGcException e = assertThrows(ImageGcException.class, gc::garbageCollect);
        assertEquals("wanted to free 100000 bytes, but freed 100000 bytes space with errors in image deletion: "
                + "sha256:busy: image sha256:busy is busy", e.getMessage());
        assertEquals(List.of("sha256:free"), runtime.removedImages);
    }

    @Test
    void thePolicyIsValidatedAndAHighThresholdOf100TurnsGcOff() {
        assertEquals(new ImageGcPolicy(85, 80, Duration.ofSeconds(120)), ImageGcPolicy.DEFAULT);
        assertTrue(ImageGcPolicy.DEFAULT.enabled());
        assertFalse(new ImageGcPolicy(100, 80, Duration.ZERO).enabled());
        assertEquals("image.gc.low.threshold.percent 90 must be less than image.gc.high.threshold.percent 85",
                assertThrows(IllegalArgumentException.class, () -> new ImageGcPolicy(85, 90, Duration.ZERO))
                        .getMessage());
        assertEquals("invalid image.gc.high.threshold.percent 101, must be in range [0-100]",
                assertThrows(IllegalArgumentException.class, () -> new ImageGcPolicy(101, 80, Duration.ZERO))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ImageGcPolicy(85, 85, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new ImageGcPolicy(85, -1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new ImageGcPolicy(85, 80, Duration.ofSeconds(-1)));
    }
}
