package io.karst.controllers.statefulset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ListOptions;
import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.ResourceWatch;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;
import io.karst.controllers.history.Revisions;

/**
 * The StatefulSet controller against the real resource API. A stand-in kubelet (test only) marks pods Running and
 * Ready, but only those the test lets it, so ordering can be observed.
 */
class StatefulSetControllerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController controller;
    ResourceOperations sets;
    ResourceOperations pods;
    ResourceOperations claims;
    ResourceOperations revisions;
    final AtomicBoolean kubeletRunning = new AtomicBoolean(true);
    /** Pod names the stand-in kubelet may make ready; null = all. */
    volatile Set<String> allowed;
    Thread kubelet;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        sets = api.client().resource(StatefulSetController.STATEFULSETS).inNamespace("default");
        pods = api.client().resource(StatefulSetController.PODS).inNamespace("default");
        claims = api.client().resource(StatefulSetController.CLAIMS).inNamespace("default");
        revisions = api.client().resource(Revisions.CONTROLLER_REVISIONS).inNamespace("default");
        controller = new RunningController(new StatefulSetController(), api.client());
        kubelet = new Thread(this::markPodsReady, "test-kubelet");
        kubelet.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        kubeletRunning.set(false);
        kubelet.join();
        controller.close();
        api.close();
    }

    private void markPodsReady() {
        while (kubeletRunning.get()) {
            for (ObjectNode pod : pods.list().items()) {
                Set<String> may = allowed;
                if (pod.path("status").path("phase").asText().equals("Running")
                        || pod.path("metadata").has("deletionTimestamp")
                        || (may != null && !may.contains(pod.path("metadata").path("name").asText()))) {
                    continue;
                }
                ObjectNode running = pod.deepCopy();
                ObjectNode status = running.with("status");
                status.put("phase", "Running");
                status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
                        .put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                try {
                    pods.updateStatus(running);
                } catch (ResourceException e) {
                    // deleted or changed meanwhile: the next round sees it again
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void createSet(String name, int replicas, String extraSpec) throws Exception {
        sets.create((ObjectNode) JSON.readTree(("{'apiVersion':'apps/v1','kind':'StatefulSet',"
                + "'metadata':{'name':'" + name + "'},'spec':{'replicas':" + replicas + ",'serviceName':'svc',"
                + extraSpec + "'selector':{'matchLabels':{'app':'" + name + "'}},'template':{'metadata':{'labels':"
                + "{'app':'" + name + "'}},'spec':{'containers':[{'name':'c','image':'nginx:1'}]}}}}")
                .replace('\'', '"')));
    }

    private void patchSpec(String name, String spec) throws Exception {
        patch(name, PatchTypes.MERGE_PATCH, JSON.readTree(("{'spec':" + spec + "}").replace('\'', '"')));
    }

    private void patch(String name, String type, JsonNode patch) {
        for (int attempt = 0;; attempt++) {
            try {
                sets.patch(name, type, patch);
                return;
            } catch (ResourceException e) {
                if (!e.isConflict() || attempt == 5) {
                    throw e; // the in-process patch does not retry a conflict with the controller's status write
                }
            }
        }
    }

    private List<String> podNames() {
        return pods.list().items().stream().map(p -> p.path("metadata").path("name").asText()).sorted().toList();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private boolean ready(String set, int replicas) {
        JsonNode s = sets.get(set).path("status");
        return s.path("readyReplicas").asInt() == replicas && s.path("replicas").asInt() == replicas;
    }

    @Test
    void orderedReadyCreatesEachPodAfterItsPredecessorIsReadyAndScalesDownFromTheTop() throws Exception {
        allowed = Set.of();
        createSet("web", 3, "");
        await("web-0", () -> podNames().contains("web-0"));
        Thread.sleep(700);
        assertEquals(List.of("web-0"), podNames(), "web-1 waits for web-0 to be Running and Ready");

        allowed = Set.of("web-0");
        await("web-1", () -> podNames().contains("web-1"));
        Thread.sleep(700);
        assertEquals(List.of("web-0", "web-1"), podNames());

        allowed = null;
        await("three ready", () -> ready("web", 3));
        ObjectNode pod = pods.get("web-1");
        assertEquals("web-1", pod.path("spec").path("hostname").asText());
        assertEquals("svc", pod.path("spec").path("subdomain").asText());
        assertEquals("web-1", pod.path("metadata").path("labels").path(StatefulSetController.POD_NAME_LABEL).asText());
        assertEquals("1", pod.path("metadata").path("labels").path(StatefulSetController.POD_INDEX_LABEL).asText());
        String revision = pod.path("metadata").path("labels").path(Revisions.HASH_LABEL).asText();
        assertTrue(revision.startsWith("web-"));
        assertEquals(revision, sets.get("web").path("status").path("updateRevision").asText());
        assertEquals(revision, sets.get("web").path("status").path("currentRevision").asText());
        assertEquals(1, revisions.get(revision).path("revision").asLong());
        assertEquals("StatefulSet", revisions.get(revision).path("metadata").path("ownerReferences").get(0)
                .path("kind").asText());

        List<String> deleted = new CopyOnWriteArrayList<>();
        try (ResourceWatch watch = pods.watch(ListOptions.NONE, event -> {
            if (event.type() == ResourceEvent.Type.DELETED) {
                deleted.add(event.object().path("metadata").path("name").asText());
            }
        })) {
            patchSpec("web", "{'replicas':1}");
            await("scaled down", () -> podNames().equals(List.of("web-0")));
            await("two deletions seen", () -> deleted.size() == 2);
        }
        assertEquals(List.of("web-2", "web-1"), deleted);
        await("status", () -> ready("web", 1));
    }

    @Test
    void parallelCreatesAllPodsWithoutWaiting() throws Exception {
        allowed = Set.of();
        createSet("par", 3, "'podManagementPolicy':'Parallel',");
        await("three pods", () -> podNames().size() == 3);
        assertEquals(List.of("par-0", "par-1", "par-2"), podNames());
        allowed = null;
        await("ready", () -> ready("par", 3));
        // settled: the controller writes nothing more (a status that compared unequal with itself looped)
        String settled = sets.get("par").path("metadata").path("resourceVersion").asText();
        Thread.sleep(1000);
        assertEquals(settled, sets.get("par").path("metadata").path("resourceVersion").asText());
        patchSpec("par", "{'replicas':0}");
        await("all gone", () -> podNames().isEmpty());
    }

    @Test
    void claimsComeFromTemplatesAndFollowTheRetentionPolicy() throws Exception {
        String claimTemplates = "'volumeClaimTemplates':[{'metadata':{'name':'data'},'spec':{'accessModes':"
                + "['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}}}],";
        createSet("db", 2, claimTemplates
                + "'persistentVolumeClaimRetentionPolicy':{'whenScaled':'Delete','whenDeleted':'Delete'},");
        createSet("keep", 2, claimTemplates);
        await("ready", () -> ready("db", 2) && ready("keep", 2));
        ObjectNode claim = claims.get("data-db-1");
        assertEquals("1Gi", claim.path("spec").path("resources").path("requests").path("storage").asText());
        assertEquals("db", claim.path("metadata").path("labels").path("app").asText());
        JsonNode ref = claim.path("metadata").path("ownerReferences").get(0);
        assertEquals("StatefulSet", ref.path("kind").asText(), "whenDeleted Delete: the set owns its claims");
        assertFalse(claims.get("data-keep-1").path("metadata").has("ownerReferences"), "Retain: no owner");
        JsonNode volume = pods.get("db-1").path("spec").path("volumes").get(0);
        assertEquals("data", volume.path("name").asText());
        assertEquals("data-db-1", volume.path("persistentVolumeClaim").path("claimName").asText());

        patchSpec("db", "{'replicas':1}");
        patchSpec("keep", "{'replicas':1}");
        await("scaled down", () -> podNames().equals(List.of("db-0", "keep-0")));
        await("db claim deleted", () -> claims.find("data-db-1").isEmpty());
        assertTrue(claims.find("data-db-0").isPresent());
        assertTrue(claims.find("data-keep-1").isPresent(), "whenScaled Retain keeps the claim");
    }

    @Test
    void rollingUpdateStopsAtThePartitionAndUndoReusesTheOldRevision() throws Exception {
        createSet("web", 3, "'updateStrategy':{'type':'RollingUpdate','rollingUpdate':{'partition':1}},");
        await("ready", () -> ready("web", 3));
        String first = sets.get("web").path("status").path("currentRevision").asText();

        patchSpec("web", "{'template':{'spec':{'containers':[{'name':'c','image':'nginx:2'}]}}}");
        await("two updated", () -> {
            JsonNode s = sets.get("web").path("status");
            return s.path("updatedReplicas").asInt() == 2 && s.path("readyReplicas").asInt() == 3;
        });
        JsonNode status = sets.get("web").path("status");
        String second = status.path("updateRevision").asText();
        assertNotEquals(first, second);
        assertEquals(first, status.path("currentRevision").asText(), "the partition holds the rollout: " + status
                + " " + pods.list().items().stream().map(p -> p.path("metadata").path("labels").toString()).toList()
                + " " + revisions.list().items());
        assertEquals(1, status.path("currentReplicas").asInt());
        assertEquals("nginx:1", image("web-0"));
        assertEquals("nginx:2", image("web-1"));
        assertEquals("nginx:2", image("web-2"));
        assertEquals(first, pods.get("web-0").path("metadata").path("labels").path(Revisions.HASH_LABEL).asText());
        assertEquals(2, revisions.get(second).path("revision").asLong());

        patchSpec("web", "{'updateStrategy':{'rollingUpdate':{'partition':0}}}");
        await("rolled out", () -> {
            JsonNode s = sets.get("web").path("status");
            return s.path("updatedReplicas").asInt() == 3 && s.path("currentRevision").asText().equals(second)
                    && s.path("readyReplicas").asInt() == 3;
        });
        assertEquals("nginx:2", image("web-0"));

        // kubectl rollout undo: the old revision's data applied as a strategic merge patch
        patch("web", PatchTypes.STRATEGIC_MERGE_PATCH, revisions.get(first).path("data"));
        await("undone", () -> {
            JsonNode s = sets.get("web").path("status");
            return s.path("updateRevision").asText().equals(first) && s.path("updatedReplicas").asInt() == 3
                    && s.path("readyReplicas").asInt() == 3;
        });
        assertEquals(3, revisions.get(first).path("revision").asLong(), "the old revision is renumbered");
        assertEquals("nginx:1", image("web-0"));
        assertEquals(2, revisions.list().items().size());
    }

    @Test
    void onDeleteGivesOnlyDeletedPodsTheNewTemplate() throws Exception {
        createSet("od", 2, "'updateStrategy':{'type':'OnDelete'},");
        await("ready", () -> ready("od", 2));
        patchSpec("od", "{'template':{'spec':{'containers':[{'name':'c','image':'nginx:2'}]}}}");
        await("observed", () -> sets.get("od").path("status").path("observedGeneration").asLong() == 2);
        Thread.sleep(500);
        assertEquals("nginx:1", image("od-0"));
        assertEquals("nginx:1", image("od-1"));
        assertEquals(0, sets.get("od").path("status").path("updatedReplicas").asInt());
        pods.delete("od-1");
        await("od-1 replaced", () -> pods.find("od-1").map(p -> p.path("spec").path("containers").get(0)
                .path("image").asText().equals("nginx:2")).orElse(false));
        await("status", () -> sets.get("od").path("status").path("updatedReplicas").asInt() == 1
                && ready("od", 2));
        assertEquals("nginx:1", image("od-0"));
    }

    @Test
    void podsCountAsAvailableOnlyAfterMinReadySeconds() throws Exception {
        createSet("slow", 1, "'minReadySeconds':2,");
        await("ready", () -> ready("slow", 1));
        assertEquals(0, sets.get("slow").path("status").path("availableReplicas").asInt());
        await("available", () -> sets.get("slow").path("status").path("availableReplicas").asInt() == 1);
    }

    private String image(String pod) {
        return pods.get(pod).path("spec").path("containers").get(0).path("image").asText();
    }
}
