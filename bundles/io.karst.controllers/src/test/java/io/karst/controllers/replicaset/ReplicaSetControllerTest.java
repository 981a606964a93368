package io.karst.controllers.replicaset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;

/** The controller under the runtime's hosting code, against the real resource API (no nodes: pods stay Pending). */
class ReplicaSetControllerTest {
    static final ResourceKey EVENTS = new ResourceKey("", "v1", "events");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController controller;
    ResourceOperations replicaSets;
    ResourceOperations pods;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        replicaSets = api.client().resource(ReplicaSetController.REPLICASETS).inNamespace("default");
        pods = api.client().resource(ReplicaSetController.PODS).inNamespace("default");
        controller = new RunningController(new ReplicaSetController(), api.client());
    }

    @AfterEach
    void stop() {
        controller.close();
        api.close();
    }

    private ObjectNode createReplicaSet(String name, int replicas) throws Exception {
        return replicaSets.create((ObjectNode) JSON.readTree(("{'apiVersion':'apps/v1','kind':'ReplicaSet',"
                + "'metadata':{'name':'" + name + "'},'spec':{'replicas':" + replicas + ",'selector':{'matchLabels':"
                + "{'app':'" + name + "'}},'template':{'metadata':{'labels':{'app':'" + name + "','tier':'web'}},"
                + "'spec':{'containers':[{'name':'c','image':'busybox'}]}}}}").replace('\'', '"')));
    }

    private List<ObjectNode> podsOf(String app) {
        return pods.list().items().stream()
                .filter(p -> p.path("metadata").path("labels").path("app").asText().equals(app))
                .filter(p -> !p.path("metadata").has("deletionTimestamp")).toList();
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

    private int statusOf(String rs, String field) {
        return replicaSets.get(rs).path("status").path(field).asInt(0);
    }

    @Test
    void createsTheReplicasWithAControllerReferenceAndCountsThem() throws Exception {
        ObjectNode rs = createReplicaSet("web", 3);
        await("three pods", () -> podsOf("web").size() == 3);
        ObjectNode pod = podsOf("web").get(0);
        assertTrue(pod.path("metadata").path("name").asText().startsWith("web-"));
        assertEquals(rs.path("metadata").path("uid"), pod.path("metadata").path("ownerReferences").path(0)
                .path("uid"));
        assertTrue(pod.path("metadata").path("ownerReferences").path(0).path("controller").asBoolean());
        await("status.replicas", () -> statusOf("web", "replicas") == 3 && statusOf("web", "fullyLabeledReplicas") == 3);
        assertEquals(1, statusOf("web", "observedGeneration"));
        Thread.sleep(300);
        assertEquals(3, podsOf("web").size(), "no more than asked for");
        assertTrue(api.client().resource(EVENTS).inNamespace("default").list().items().stream()
                .anyMatch(e -> e.path("reason").asText().equals("SuccessfulCreate")));
    }

    /** Proxies {@code target}, counting pod creations in flight at once (each made to take 50 ms). */
    @SuppressWarnings("unchecked")
    static <T> T countingCreations(Class<T> type, Object target, java.util.concurrent.atomic.AtomicInteger inFlight,
            java.util.concurrent.atomic.AtomicInteger most) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    boolean podCreate = method.getName().equals("create") && target instanceof ResourceOperations ops
                            && ops.key().equals(ReplicaSetController.PODS);
                    if (podCreate) {
                        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        Thread.sleep(50);
                    }
                    try {
                        Object result = method.invoke(target, args);
                        return result instanceof ResourceOperations ops
                                ? countingCreations(ResourceOperations.class, ops, inFlight, most) : result;
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (podCreate) {
                            inFlight.decrementAndGet();
                        }
                    }
                });
    }

    @Test
    void theCreationsOfASlowStartBatchRunAtOnce() throws Exception {
        controller.close();
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        controller = new RunningController(new ReplicaSetController(), countingCreations(
                io.karst.api.client.ResourceClient.class, api.client(), inFlight, most));
        createReplicaSet("batched", 15);
        await("15 pods", () -> podsOf("batched").size() == 15);
        // batches of 1, 2, 4 and 8 (upstream's slowStartBatch): the last one's eight creations ran together
        assertEquals(8, most.get());
    }

    @Test
    void scalingDownDeletesTheSurplusAndADeletedPodIsReplaced() throws Exception {
        createReplicaSet("db", 3);
        await("three pods", () -> podsOf("db").size() == 3);
        replicaSets.patch("db", PatchTypes.MERGE_PATCH, JSON.readTree("{\"spec\":{\"replicas\":1}}"));
        await("one pod left", () -> podsOf("db").size() == 1);
        String survivor = podsOf("db").get(0).path("metadata").path("name").asText();
        pods.delete(survivor);
        await("a replacement", () -> podsOf("db").size() == 1
                && !podsOf("db").get(0).path("metadata").path("name").asText().equals(survivor));
        await("observedGeneration 2", () -> statusOf("db", "observedGeneration") == 2);
    }

    @Test
    void anOrphanThatMatchesIsAdoptedAndAPodThatStopsMatchingIsReleased() throws Exception {
        pods.create((ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
                + "\"stray\",\"labels\":{\"app\":\"api\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}"));
        // The controller must see the stray before it counts pods: a ReplicaSet found with its pod cache behind
        // makes two pods of its own, then adopts the stray and deletes one of three whose creation times tie to
        // the second (upstream has the same window). Its informers are the client's shared ones: wait for them.
        await("the stray in the shared pod cache", () -> api.client().informers().informer(ReplicaSetController.PODS).lister()
                .get("default", "stray").isPresent());
        createReplicaSet("api", 2);
        await("two pods, the stray adopted", () -> podsOf("api").size() == 2
                && pods.get("stray").path("metadata").path("ownerReferences").size() == 1);
        pods.patch("stray", PatchTypes.MERGE_PATCH, JSON.readTree("{\"metadata\":{\"labels\":{\"app\":\"other\"}}}"));
        await("the stray released and replaced", () -> podsOf("api").size() == 2
                && !pods.get("stray").path("metadata").has("ownerReferences"));
    }

    @Test
    void aReplicationControllerIsDrivenTheSameWay() throws Exception {
        try (RunningController manager = new RunningController(new ReplicationManager(), api.client())) {
            ResourceOperations rcs = api.client().resource(ReplicationManager.REPLICATIONCONTROLLERS)
                    .inNamespace("default");
            rcs.create((ObjectNode) JSON.readTree(("{'apiVersion':'v1','kind':'ReplicationController','metadata':"
                    + "{'name':'legacy'},'spec':{'replicas':2,'selector':{'app':'legacy'},'template':{'metadata':"
                    + "{'labels':{'app':'legacy'}},'spec':{'containers':[{'name':'c','image':'busybox'}]}}}}")
                    .replace('\'', '"')));
            await("two pods", () -> podsOf("legacy").size() == 2);
            ObjectNode ref = (ObjectNode) podsOf("legacy").get(0).path("metadata").path("ownerReferences").path(0);
            assertEquals("ReplicationController", ref.path("kind").asText());
            assertEquals("v1", ref.path("apiVersion").asText());
            await("status.replicas", () -> rcs.get("legacy").path("status").path("replicas").asInt() == 2);
            assertEquals(2, podsOf("legacy").size(), "the ReplicaSet controller leaves them alone");
        }
    }

    @Test
    void readyPodsAreCountedReadyAndAvailable() throws Exception {
        createReplicaSet("ready", 2);
        await("two pods", () -> podsOf("ready").size() == 2);
        for (ObjectNode pod : podsOf("ready")) {
            ObjectNode withStatus = pod.deepCopy();
            ObjectNode status = (ObjectNode) withStatus.get("status");
            status.put("phase", "Running");
            status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
                    .put("lastTransitionTime", Instant.now().minusSeconds(5).toString().replaceAll("\\.\\d+Z", "Z"));
            pods.updateStatus(withStatus);
        }
        await("ready and available", () -> statusOf("ready", "readyReplicas") == 2
                && statusOf("ready", "availableReplicas") == 2);
    }
}
