package io.karst.controllers.disruption;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;

/** The disruption controller against the real resource API; the test plays the kubelet by writing pod status. */
class DisruptionControllerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController controller;
    ResourceOperations pods;
    ResourceOperations budgets;
    ResourceOperations replicaSets;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        pods = api.client().resource(DisruptionController.PODS).inNamespace("default");
        budgets = api.client().resource(DisruptionController.PDBS).inNamespace("default");
        replicaSets = api.client().resource(new ResourceKey("apps", "v1", "replicasets")).inNamespace("default");
        controller = new RunningController(new DisruptionController(), api.client());
    }

    @AfterEach
    void stop() {
        controller.close();
        api.close();
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private ObjectNode pod(String name, boolean ready, JsonNode owner) {
        ObjectNode pod = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "','labels':"
                + "{'app':'web'}},'spec':{'containers':[{'name':'c','image':'busybox'}]}}");
        if (owner != null) {
            ((ObjectNode) pod.get("metadata")).putArray("ownerReferences").add(owner);
        }
        ObjectNode created = pods.create(pod);
        created.set("status", json("{'phase':'Running','conditions':[{'type':'Ready','status':'" + (ready ? "True"
                : "False") + "'}]}"));
        return pods.updateStatus(created);
    }

    private JsonNode awaitStatus(String pdb, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode status;
        while (!condition.test(status = budgets.get(pdb).path("status"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("status never matched: " + status);
            }
            Thread.sleep(20);
        }
        return status;
    }

    @Test
    void minAvailableCountsTheReadyPodsItSelects() throws Exception {
        pod("a", true, null);
        pod("b", true, null);
        pod("c", false, null);
        budgets.create(json("{'apiVersion':'policy/v1','kind':'PodDisruptionBudget','metadata':{'name':'web'},"
                + "'spec':{'minAvailable':1,'selector':{'matchLabels':{'app':'web'}}}}"));
        JsonNode status = awaitStatus("web", s -> s.path("expectedPods").asInt() == 3);
        assertEquals(2, status.path("currentHealthy").asInt());
        assertEquals(1, status.path("desiredHealthy").asInt());
        assertEquals(1, status.path("disruptionsAllowed").asInt());
        JsonNode condition = status.path("conditions").get(0);
        assertEquals("DisruptionAllowed", condition.path("type").asText());
        assertEquals("True", condition.path("status").asText());
        assertEquals("SufficientPods", condition.path("reason").asText());
        assertEquals(1, status.path("observedGeneration").asInt());

        // a pod turning unready leaves no room for a disruption
        ObjectNode b = pods.get("b");
        b.set("status", json("{'phase':'Running','conditions':[{'type':'Ready','status':'False'}]}"));
        pods.updateStatus(b);
        status = awaitStatus("web", s -> s.path("currentHealthy").asInt() == 1);
        assertEquals(0, status.path("disruptionsAllowed").asInt());
        assertEquals("InsufficientPods", status.path("conditions").get(0).path("reason").asText());
    }

    @Test
    void maxUnavailableAndPercentagesReadTheScaleOfThePodsController() throws Exception {
        ObjectNode rs = replicaSets.create(json("{'apiVersion':'apps/v1','kind':'ReplicaSet','metadata':{'name':"
                + "'web'},'spec':{'replicas':4,'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':"
                + "{'labels':{'app':'web'}},'spec':{'containers':[{'name':'c','image':'busybox'}]}}}}"));
        JsonNode owner = json("{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'web','uid':'"
                + rs.path("metadata").path("uid").asText() + "','controller':true}");
        pod("a", true, owner);
        pod("b", true, owner);
        pod("c", true, owner);
        budgets.create(json("{'apiVersion':'policy/v1','kind':'PodDisruptionBudget','metadata':{'name':'web'},"
                + "'spec':{'maxUnavailable':'50%','selector':{'matchLabels':{'app':'web'}}}}"));
        // 4 expected (the controller's scale, not the 3 pods), 50% of 4 may be unavailable: 2 must stay healthy
        JsonNode status = awaitStatus("web", s -> s.path("expectedPods").asInt() == 4);
        assertEquals(2, status.path("desiredHealthy").asInt());
        assertEquals(1, status.path("disruptionsAllowed").asInt());
    }

    @Test
    void aPercentageOverPodsWithoutAControllerFailsSafeWithNoDisruptionAllowed() throws Exception {
        pod("a", true, null);
        pod("b", true, null);
        budgets.create(json("{'apiVersion':'policy/v1','kind':'PodDisruptionBudget','metadata':{'name':'web'},"
                + "'spec':{'minAvailable':'50%','selector':{'matchLabels':{'app':'web'}}}}"));
        JsonNode status = awaitStatus("web", s -> s.path("conditions").size() > 0);
        assertEquals(0, status.path("disruptionsAllowed").asInt());
        JsonNode condition = status.path("conditions").get(0);
        assertEquals("SyncFailed", condition.path("reason").asText());
        assertEquals("found no controller ref for pod \"a\"", condition.path("message").asText());
    }
}
