package io.karst.apiserver.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.status.ApiException;

/** The eviction subresource honours PodDisruptionBudgets as upstream's eviction REST does. */
class EvictionBudgetTest {
    private static final String PODS = "/api/v1/namespaces/default/pods";
    private static final String PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";
    @TempDir
    Path dir;
    ApiFixture api;

    @BeforeEach
    void start() {
        api = new ApiFixture(dir);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private void runningPod(String name, String phase, boolean ready) {
        ObjectNode pod = api.object("POST", PODS, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
                + name + "\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}");
        pod.putObject("status").put("phase", phase).putArray("conditions").addObject().put("type", "Ready")
                .put("status", ready ? "True" : "False");
        api.call("PUT", PODS + "/" + name + "/status", pod.toString());
    }

    /** A budget whose status the disruption controller would have written. */
    private void budget(int allowed, int current, int desired) {
        ObjectNode pdb = api.object("POST", PDBS, "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\","
                + "\"metadata\":{\"name\":\"web\"},\"spec\":{\"minAvailable\":" + desired + ",\"selector\":"
                + "{\"matchLabels\":{\"app\":\"web\"}}}}");
        pdb.putObject("status").put("observedGeneration", pdb.path("metadata").path("generation").asLong(1))
                .put("disruptionsAllowed", allowed).put("currentHealthy", current).put("desiredHealthy", desired)
                .put("expectedPods", current);
        api.call("PUT", PDBS + "/web/status", pdb.toString());
    }

    private ApiResponse evict(String pod) {
        return api.request("POST", PODS + "/" + pod + "/eviction", "{\"apiVersion\":\"policy/v1\",\"kind\":"
                + "\"Eviction\",\"metadata\":{\"name\":\"" + pod + "\"}}", "application/json");
    }

    private boolean exists(String pod) {
        try {
            api.call("GET", PODS + "/" + pod, null);
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    @Test
    void anEvictionTakesTheBudgetsLastDisruptionAndTheNextIsRefusedWithItsNumbers() {
        runningPod("a", "Running", true);
        runningPod("b", "Running", true);
        budget(1, 2, 1);
        assertEquals(201, ((ApiResponse.Body) evict("a")).code());
        assertTrue(!exists("a"));
        JsonNode status = api.object("GET", PDBS + "/web", null).path("status");
        assertEquals(0, status.path("disruptionsAllowed").asInt());
        assertTrue(status.path("disruptedPods").has("a"), status::toString);

        ApiException refused = assertThrows(ApiException.class, () -> evict("b"));
        assertEquals(429, refused.code());
        assertEquals("TooManyRequests", refused.reason());
        assertEquals("Cannot evict pod as it would violate the pod's disruption budget.", refused.getMessage());
        assertEquals("DisruptionBudget", refused.details().causes().get(0).reason());
        assertEquals("The disruption budget web needs 1 healthy pods and has 2 currently",
                refused.details().causes().get(0).message());
        assertTrue(exists("b"), "a refused eviction deletes nothing");
    }

    @Test
    void aBudgetNotYetProcessedIsA429AndPendingOrUnreadyPodsIgnoreTheBudget() {
        runningPod("a", "Running", true);
        runningPod("pending", "Pending", false);
        runningPod("unready", "Running", false);
        api.call("POST", PDBS, "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":"
                + "{\"name\":\"web\"},\"spec\":{\"minAvailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}");
        ApiException unprocessed = assertThrows(ApiException.class, () -> evict("a"));
        assertEquals(429, unprocessed.code());
        assertEquals("The disruption budget web is still being processed by the server.",
                unprocessed.details().causes().get(0).message());
        evict("pending");
        assertTrue(!exists("pending"));
    }

    @Test
    void anUnreadyPodGoesWhenTheBudgetIsHealthyWithoutIt() {
        runningPod("a", "Running", true);
        runningPod("unready", "Running", false);
        budget(0, 1, 1);
        evict("unready");
        assertTrue(!exists("unready"));
        assertEquals(429, assertThrows(ApiException.class, () -> evict("a")).code());
    }

    @Test
    void twoBudgetsSelectingOnePodAreAnInternalErrorAsUpstream() {
        runningPod("a", "Running", true);
        budget(1, 1, 0);
        api.call("POST", PDBS, "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":"
                + "{\"name\":\"other\"},\"spec\":{\"maxUnavailable\":1,\"selector\":{}}}");
        ApiException e = assertThrows(ApiException.class, () -> evict("a"));
        assertEquals(500, e.code());
        assertTrue(exists("a"));
    }
}
