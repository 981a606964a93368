package io.karst.controllers.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;
import io.karst.controllers.replicaset.ReplicaSetController;

/**
 * The Deployment and ReplicaSet controllers together against the real resource API. A stand-in kubelet (test
 * only) marks every pod Running and Ready, as a node would once its containers start.
 */
class DeploymentControllerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController deploymentController;
    RunningController replicaSetController;
    ResourceOperations deployments;
    ResourceOperations replicaSets;
    ResourceOperations pods;
    final AtomicBoolean kubeletRunning = new AtomicBoolean(true);
    Thread kubelet;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        deployments = api.client().resource(DeploymentController.DEPLOYMENTS).inNamespace("default");
        replicaSets = api.client().resource(DeploymentController.REPLICASETS).inNamespace("default");
        pods = api.client().resource(DeploymentController.PODS).inNamespace("default");
        replicaSetController = new RunningController(new ReplicaSetController(), api.client());
        deploymentController = new RunningController(new DeploymentController(), api.client());
        kubelet = new Thread(this::markPodsReady, "test-kubelet");
        kubelet.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        kubeletRunning.set(false);
        kubelet.join();
        deploymentController.close();
        replicaSetController.close();
        api.close();
    }

    private void markPodsReady() {
        while (kubeletRunning.get()) {
            for (ObjectNode pod : pods.list().items()) {
                if (pod.path("status").path("phase").asText().equals("Running")
                        || pod.path("metadata").has("deletionTimestamp")) {
                    continue;
                }
                ObjectNode running = pod.deepCopy();
                ObjectNode status = (ObjectNode) running.get("status");
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
                Thread.sleep(30);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void createDeployment(String name, String image, String strategy) throws Exception {
        deployments.create((ObjectNode) JSON.readTree(("{'apiVersion':'apps/v1','kind':'Deployment',"
                + "'metadata':{'name':'" + name + "'},'spec':{'replicas':3,'strategy':{'type':'" + strategy + "'},"
                + "'selector':{'matchLabels':{'app':'" + name + "'}},'template':{'metadata':{'labels':{'app':'"
                + name + "'}},'spec':{'containers':[{'name':'c','image':'" + image + "'}]}}}}").replace('\'', '"')));
    }

    private void setImage(String name, String image) throws Exception {
        deployments.patch(name, PatchTypes.STRATEGIC_MERGE_PATCH, JSON.readTree("{\"spec\":{\"template\":{\"spec\":"
                + "{\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]}}}}"));
    }

    /** What kubectl rollout status waits for. */
    private boolean rolledOut(String name) {
        ObjectNode d = deployments.get(name);
        JsonNode s = d.path("status");
        int replicas = d.path("spec").path("replicas").asInt();
        return s.path("observedGeneration").asLong() >= d.path("metadata").path("generation").asLong()
                && s.path("updatedReplicas").asInt() == replicas && s.path("replicas").asInt() == replicas
                && s.path("availableReplicas").asInt() == replicas;
    }

    private List<ObjectNode> replicaSetsOf(String name) {
        return replicaSets.list().items().stream()
                .filter(rs -> rs.path("metadata").path("name").asText().startsWith(name + "-")).toList();
    }

    private ObjectNode replicaSetWithImage(String name, String image) {
        return replicaSetsOf(name).stream().filter(rs -> rs.path("spec").path("template").path("spec")
                .path("containers").path(0).path("image").asText().equals(image)).findFirst().orElseThrow();
    }

    private static String revision(JsonNode object) {
        return object.path("metadata").path("annotations").path(DeploymentController.REVISION).asText();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aNewDeploymentGetsAReplicaSetAndReportsItselfAvailable() throws Exception {
        createDeployment("web", "app:1", "RollingUpdate");
        await("rolled out", () -> rolledOut("web"));
        ObjectNode rs = replicaSetsOf("web").get(0);
        String hash = rs.path("metadata").path("labels").path("pod-template-hash").asText();
        assertEquals("web-" + hash, rs.path("metadata").path("name").asText());
        assertEquals(hash, rs.path("spec").path("selector").path("matchLabels").path("pod-template-hash").asText());
        assertEquals("1", revision(rs));
        ObjectNode d = deployments.get("web");
        assertEquals("1", revision(d));
        JsonNode conditions = d.path("status").path("conditions");
        assertEquals("MinimumReplicasAvailable", conditions.get(0).path("reason").asText());
        await("progress complete", () -> deployments.get("web").path("status").path("conditions").get(1)
                .path("reason").asText().equals("NewReplicaSetAvailable"));
        // once settled, the controllers leave the objects alone (no update loop)
        String settled = deployments.get("web").path("metadata").path("resourceVersion").asText();
        String rsSettled = replicaSetsOf("web").get(0).path("metadata").path("resourceVersion").asText();
        Thread.sleep(500);
        assertEquals(settled, deployments.get("web").path("metadata").path("resourceVersion").asText());
        assertEquals(rsSettled, replicaSetsOf("web").get(0).path("metadata").path("resourceVersion").asText());
    }

    @Test
    void aNewTemplateRollsOutAndAnUndoRevivesTheOldReplicaSet() throws Exception {
        createDeployment("api", "app:1", "RollingUpdate");
        await("first rollout", () -> rolledOut("api"));
        setImage("api", "app:2");
        await("second rollout", () -> rolledOut("api") && replicaSetsOf("api").size() == 2
                && replicaSetWithImage("api", "app:1").path("spec").path("replicas").asInt() == 0);
        assertEquals("2", revision(replicaSetWithImage("api", "app:2")));
        assertEquals(3, pods.list().items().stream().filter(p -> !p.path("metadata").has("deletionTimestamp"))
                .filter(p -> p.path("spec").path("containers").path(0).path("image").asText().equals("app:2"))
                .count());
        // kubectl rollout undo puts the previous template back
        setImage("api", "app:1");
        await("undo", () -> rolledOut("api") && replicaSetWithImage("api", "app:1").path("spec").path("replicas")
                .asInt() == 3 && replicaSetWithImage("api", "app:2").path("spec").path("replicas").asInt() == 0);
        assertEquals(2, replicaSetsOf("api").size(), "the old ReplicaSet is reused");
        assertEquals("3", revision(replicaSetWithImage("api", "app:1")));
        assertEquals("3", revision(deployments.get("api")));
    }

    @Test
    void recreateEmptiesTheOldReplicaSetBeforeTheNewOneStarts() throws Exception {
        createDeployment("batch", "app:1", "Recreate");
        await("first rollout", () -> rolledOut("batch"));
        setImage("batch", "app:2");
        await("second rollout", () -> rolledOut("batch")
                && replicaSetWithImage("batch", "app:1").path("status").path("replicas").asInt() == 0);
        assertTrue(api.client().resource(new io.karst.api.client.ResourceKey("", "v1", "events"))
                .inNamespace("default").list().items().stream()
                .anyMatch(e -> e.path("message").asText().startsWith("Scaled down replica set batch-")));
    }

    @Test
    void scalingTheDeploymentScalesItsReplicaSet() throws Exception {
        createDeployment("scaled", "app:1", "RollingUpdate");
        await("first rollout", () -> rolledOut("scaled"));
        deployments.patch("scaled", PatchTypes.MERGE_PATCH, JSON.readTree("{\"spec\":{\"replicas\":5}}"));
        await("five", () -> rolledOut("scaled") && deployments.get("scaled").path("status").path("replicas")
                .asInt() == 5);
        assertEquals(1, replicaSetsOf("scaled").size());
    }
}
