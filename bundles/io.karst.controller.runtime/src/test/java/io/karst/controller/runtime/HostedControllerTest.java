package io.karst.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;
import io.karst.apiserver.testing.InProcessApi;

class HostedControllerTest {
    static final ResourceKey CONFIGMAPS = new ResourceKey("", "v1", "configmaps");
    static final ResourceKey EVENTS = new ResourceKey("", "v1", "events");

    @TempDir
    Path dir;
    InProcessApi api;
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    ExecutorService workerPool = Executors.newCachedThreadPool();

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
    }

    @AfterEach
    void stop() {
        timers.shutdownNow();
        workerPool.shutdownNow();
        api.close();
    }

    /** Reconciles ConfigMaps: fails twice on "flaky", records an event on each success. */
    private static final class ConfigMapController implements Controller {
        final List<String> reconciled = new CopyOnWriteArrayList<>();
        final AtomicInteger flakyFailures = new AtomicInteger();
        ControllerContext context;

        @Override
        public String name() {
            return "test";
        }

        @Override
        public void start(ControllerContext ctx) {
            context = ctx;
            ctx.handle(ctx.informers().informer(CONFIGMAPS), new ResourceEventHandler() {
                @Override
                public void onAdd(ObjectNode object) {
                    ctx.queue().add(ObjectKeys.of(object));
                }

                @Override
                public void onUpdate(ObjectNode old, ObjectNode current) {
                    ctx.queue().add(ObjectKeys.of(current));
                }
            });
        }

        @Override
        public ReconcileResult reconcile(String key) {
            if (key.endsWith("/flaky") && flakyFailures.incrementAndGet() <= 2) {
                throw new IllegalStateException("not yet");
            }
            reconciled.add(key);
            context.client().resource(CONFIGMAPS).inNamespace(ObjectKeys.namespace(key))
                    .find(ObjectKeys.name(key))
                    .ifPresent(cm -> context.events().event(cm, "Normal", "Seen", "reconciled " + key));
            return ReconcileResult.DONE;
        }
    }

    private void createConfigMap(String name) throws Exception {
        api.client().resource(CONFIGMAPS).inNamespace("default").create((ObjectNode) new ObjectMapper().readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}"));
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
    void existingAndNewObjectsAreReconciledAndFailuresRetried() throws Exception {
        createConfigMap("before");
        ConfigMapController controller = new ConfigMapController();
        HostedController hosted = new HostedController(controller, api.client(), timers, workerPool, "host",
                Clock.systemUTC());
        hosted.start();
        await("existing object", () -> controller.reconciled.contains("default/before"));
        createConfigMap("flaky");
        await("flaky object after two failures", () -> controller.reconciled.contains("default/flaky"));
        assertEquals(3, controller.flakyFailures.get());
        assertTrue(hosted.status().lastError().contains("not yet"));
        assertTrue(hosted.status().running());
        hosted.stop();
        assertFalse(hosted.status().running());
    }

    @Test
    void aStoppedControllerNoLongerHearsAboutChanges() throws Exception {
        ConfigMapController controller = new ConfigMapController();
        HostedController hosted = new HostedController(controller, api.client(), timers, workerPool, "host",
                Clock.systemUTC());
        hosted.start();
        createConfigMap("one");
        await("first", () -> controller.reconciled.contains("default/one"));
        hosted.stop();
        createConfigMap("two");
        Thread.sleep(300);
        assertFalse(controller.reconciled.contains("default/two"));
    }

    @Test
    void repeatedEventsAreAggregatedIntoOneWithACount() throws Exception {
        createConfigMap("noisy");
        ObjectNode cm = api.client().resource(CONFIGMAPS).inNamespace("default").get("noisy");
        ClusterEventRecorder recorder = new ClusterEventRecorder(api.client(), "test-controller", "host",
                Clock.systemUTC());
        recorder.event(cm, "Warning", "Broken", "it broke");
        recorder.event(cm, "Warning", "Broken", "it broke");
        recorder.event(cm, "Normal", "Fixed", "it works");
        List<ObjectNode> events = api.client().resource(EVENTS).inNamespace("default").list().items();
        assertEquals(2, events.size());
        ObjectNode broken = events.stream().filter(e -> e.path("reason").asText().equals("Broken")).findFirst()
                .orElseThrow();
        assertEquals(2, broken.path("count").asInt());
        assertEquals("noisy", broken.path("involvedObject").path("name").asText());
        assertEquals(cm.path("metadata").path("uid").asText(), broken.path("involvedObject").path("uid").asText());
        assertEquals("test-controller", broken.path("source").path("component").asText());
        assertTrue(broken.path("metadata").path("name").asText().startsWith("noisy."));
    }

    @Test
    void withAWriterEventsAreQueuedWrittenInOrderOffTheCallersThreadAndDroppedBeyondTheLimit() throws Exception {
        createConfigMap("busy");
        ObjectNode cm = api.client().resource(CONFIGMAPS).inNamespace("default").get("busy");
        List<Runnable> drains = new java.util.ArrayList<>();
        ClusterEventRecorder recorder = new ClusterEventRecorder(api.client(), "test-controller", "host",
                Clock.systemUTC(), drains::add);
        for (int i = 0; i < ClusterEventRecorder.MAX_QUEUED + 5; i++) {
            recorder.event(cm, "Normal", "Step", "step " + i);
        }
        assertEquals(0, api.client().resource(EVENTS).inNamespace("default").list().items().size(),
                "nothing written by the caller");
        assertEquals(1, drains.size(), "one drain for all that is queued");
        ObjectNode changedAfterwards = cm.deepCopy();
        drains.get(0).run();
        List<ObjectNode> events = api.client().resource(EVENTS).inNamespace("default").list().items();
        assertEquals(ClusterEventRecorder.MAX_QUEUED, events.size(), "those beyond the queue's room dropped");
        assertTrue(events.stream().noneMatch(e -> e.path("message").asText().equals("step "
                + ClusterEventRecorder.MAX_QUEUED)));
        // the object's fields were taken at the call: an object changed later does not change its Events
        changedAfterwards.with("metadata").put("name", "other");
        recorder.event(changedAfterwards, "Normal", "Step", "later");
        changedAfterwards.with("metadata").put("name", "yet-another");
        assertEquals(2, drains.size(), "a new drain once the last one ended");
        drains.get(1).run();
        assertTrue(api.client().resource(EVENTS).inNamespace("default").list().items().stream()
                .anyMatch(e -> e.path("message").asText().equals("later")
                        && e.path("involvedObject").path("name").asText().equals("other")));
    }
}
