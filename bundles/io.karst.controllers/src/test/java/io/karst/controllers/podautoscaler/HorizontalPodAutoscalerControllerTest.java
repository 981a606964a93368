package io.karst.controllers.podautoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
import io.karst.api.node.KubeletHttpResponse;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;

/**
 * The HPA controller against the real resource API and its {@code metrics.k8s.io}, fed by a stand-in kubelet whose
 * summary gives each pod the CPU rate and working set the test sets (scraped at the test's pace, 15 s apart). No
 * deployment controller runs: the test creates the pods a Deployment's selector finds.
 */
class HorizontalPodAutoscalerControllerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController controller;
    ResourceOperations pods;
    ResourceOperations deployments;
    ResourceOperations hpas;
    /** Per pod: millicores used and bytes of working set. */
    final Map<String, long[]> usage = new ConcurrentHashMap<>();
    final AtomicInteger scrapes = new AtomicInteger();

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        pods = api.client().resource(HorizontalPodAutoscalerController.PODS).inNamespace("default");
        deployments = api.client().resource(new ResourceKey("apps", "v1", "deployments")).inNamespace("default");
        hpas = api.client().resource(HorizontalPodAutoscalerController.HPAS).inNamespace("default");
        api.client().resource(new ResourceKey("", "v1", "nodes")).create(json("{'apiVersion':'v1','kind':'Node',"
                + "'metadata':{'name':'n1'}}"));
        api.addKubelet("n1", (method, path, query) -> summary());
        controller = new RunningController(new HorizontalPodAutoscalerController(Clock.systemUTC(),
                Duration.ofMillis(200)), api.client());
    }

    @AfterEach
    void stop() {
        controller.close();
        api.close();
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The summary at scrape n: every pod's one container has used its rate for n times 15 s. */
    private KubeletHttpResponse summary() {
        int n = scrapes.getAndIncrement();
        String time = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(15L * n).toString();
        StringBuilder body = new StringBuilder("{'node':{'nodeName':'n1','cpu':{'time':'" + time
                + "','usageCoreNanoSeconds':" + n + "},'memory':{'time':'" + time + "','workingSetBytes':1}},'pods':[");
        String sep = "";
        for (Map.Entry<String, long[]> e : usage.entrySet()) {
            body.append(sep).append("{'podRef':{'name':'").append(e.getKey()).append("','namespace':'default'},")
                    .append("'containers':[{'name':'c','startTime':'2025-12-31T00:00:00Z','cpu':{'time':'")
                    .append(time).append("','usageCoreNanoSeconds':").append(e.getValue()[0] * 1_000_000L * 15 * n)
                    .append("},'memory':{'time':'").append(time).append("','workingSetBytes':")
                    .append(e.getValue()[1]).append("}}]}");
            sep = ",";
        }
        body.append("]}");
        return new KubeletHttpResponse(200, "application/json",
                body.toString().replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private void deployment(String name, int replicas) {
        deployments.create(json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'" + name + "'},"
                + "'spec':{'replicas':" + replicas + ",'selector':{'matchLabels':{'app':'" + name + "'}},'template':"
                + "{'metadata':{'labels':{'app':'" + name + "'}},'spec':{'containers':[{'name':'c','image':'busybox'"
                + "}]}}}}"));
    }

    /** A running, long-ready pod of the app using {@code millicores} and {@code bytes}. */
    private void pod(String app, String name, String requests, long millicores, long bytes) {
        ObjectNode created = pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name
                + "','labels':{'app':'" + app + "'}},'spec':{'nodeName':'n1','containers':[{'name':'c','image':"
                + "'busybox','resources':{'requests':" + requests + "}}]}}"));
        created.set("status", json("{'phase':'Running','startTime':'2025-12-31T00:00:00Z','conditions':[{'type':"
                + "'Ready','status':'True','lastTransitionTime':'2025-12-31T00:00:10Z'}]}"));
        pods.updateStatus(created);
        usage.put(name, new long[] {millicores, bytes});
    }

    private void scrapeTwice() {
        api.scrapeResourceMetrics();
        api.scrapeResourceMetrics();
    }

    private void hpa(String name, String target, String kind, int min, int max, String metrics) {
        hpas.create(json("{'apiVersion':'autoscaling/v2','kind':'HorizontalPodAutoscaler','metadata':{'name':'" + name
                + "'},'spec':{'scaleTargetRef':{'apiVersion':'apps/v1','kind':'" + kind + "','name':'" + target
                + "'},'minReplicas':" + min + ",'maxReplicas':" + max + ",'metrics':" + metrics + "}}"));
    }

    private static String cpuUtilization(int percent) {
        return "[{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':"
                + percent + "}}}]";
    }

    private JsonNode awaitStatus(String hpa, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode status;
        while (!condition.test(status = hpas.get(hpa).path("status"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("status never matched: " + status);
            }
            Thread.sleep(20);
        }
        return status;
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return null;
    }

    private static boolean hasCondition(JsonNode status, String type, String value, String reason) {
        JsonNode c = condition(status, type);
        return c != null && c.path("status").asText().equals(value) && c.path("reason").asText().equals(reason);
    }

    private String awaitEvent(String reason) throws InterruptedException {
        ResourceOperations events = api.client().resource(new ResourceKey("", "v1", "events")).inNamespace("default");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (ObjectNode e : events.list().items()) {
                if (e.path("reason").asText().equals(reason)) {
                    return e.path("message").asText();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no event " + reason);
    }

    @Test
    void highCpuUtilizationScalesTheDeploymentUpAtMostToTwiceItsSize() throws Exception {
        deployment("web", 2);
        pod("web", "web-1", "{'cpu':'100m'}", 200, 1000);
        pod("web", "web-2", "{'cpu':'100m'}", 200, 1000);
        scrapeTwice();
        hpa("web", "web", "Deployment", 1, 10, cpuUtilization(50));
        JsonNode status = awaitStatus("web", s -> s.path("desiredReplicas").asInt() == 4);
        assertEquals(2, status.path("currentReplicas").asInt());
        assertTrue(status.has("lastScaleTime"), status.toString());
        JsonNode current = status.path("currentMetrics").get(0).path("resource");
        assertEquals("cpu", current.path("name").asText());
        assertEquals(200, current.path("current").path("averageUtilization").asInt());
        assertEquals("200m", current.path("current").path("averageValue").asText());
        assertTrue(hasCondition(status, "AbleToScale", "True", "SucceededRescale"), status.toString());
        assertEquals("the HPA controller was able to update the target scale to 4",
                condition(status, "AbleToScale").path("message").asText());
        assertTrue(hasCondition(status, "ScalingActive", "True", "ValidMetricFound"), status.toString());
        assertEquals("the HPA was able to successfully calculate a replica count from cpu resource utilization "
                + "(percentage of request)", condition(status, "ScalingActive").path("message").asText());
        // 200% of a 50% target asks for 8; without a behavior one step may at most double (or reach 4)
        assertTrue(hasCondition(status, "ScalingLimited", "True", "ScaleUpLimit"), status.toString());
        assertEquals(4, deployments.get("web").path("spec").path("replicas").asInt());
        assertEquals("New size: 4; reason: cpu resource utilization (percentage of request) above target",
                awaitEvent("SuccessfulRescale"));
    }

    @Test
    void aUsageWithinTheToleranceKeepsTheReplicas() throws Exception {
        deployment("web", 2);
        pod("web", "web-1", "{'cpu':'100m'}", 52, 1000);
        pod("web", "web-2", "{'cpu':'100m'}", 54, 1000);
        scrapeTwice();
        hpa("web", "web", "Deployment", 1, 10, cpuUtilization(50));
        JsonNode status = awaitStatus("web", s -> s.has("currentMetrics"));
        assertEquals(2, status.path("currentReplicas").asInt());
        assertEquals(2, status.path("desiredReplicas").asInt());
        assertFalse(status.has("lastScaleTime"), status.toString());
        assertEquals(53, status.path("currentMetrics").get(0).path("resource").path("current")
                .path("averageUtilization").asInt());
        assertTrue(hasCondition(status, "AbleToScale", "True", "ReadyForNewScale"), status.toString());
        assertTrue(hasCondition(status, "ScalingLimited", "False", "DesiredWithinRange"), status.toString());
        assertEquals(2, deployments.get("web").path("spec").path("replicas").asInt());
    }

    @Test
    void anAverageMemoryValueBelowTargetScalesDown() throws Exception {
        deployment("db", 4);
        for (int i = 1; i <= 4; i++) {
            pod("db", "db-" + i, "{'memory':'64Mi'}", 1, 10L << 20);
        }
        scrapeTwice();
        hpa("db", "db", "Deployment", 1, 10, "[{'type':'Resource','resource':{'name':'memory','target':{'type':"
                + "'AverageValue','averageValue':'20Mi'}}}]");
        JsonNode status = awaitStatus("db", s -> s.path("desiredReplicas").asInt() == 2);
        // upstream writes the milli-value as a decimal quantity: bytes, never Mi
        assertEquals("10485760", status.path("currentMetrics").get(0).path("resource").path("current")
                .path("averageValue").asText());
        assertEquals(2, deployments.get("db").path("spec").path("replicas").asInt());
        assertEquals("New size: 2; reason: All metrics below target", awaitEvent("SuccessfulRescale"));
    }

    @Test
    void fewerReplicasThanTheMinimumAreRaisedToIt() throws Exception {
        deployment("web", 1);
        hpa("web", "web", "Deployment", 3, 5, cpuUtilization(50));
        JsonNode status = awaitStatus("web", s -> s.path("desiredReplicas").asInt() == 3);
        assertEquals(1, status.path("currentReplicas").asInt());
        assertEquals(3, deployments.get("web").path("spec").path("replicas").asInt());
        assertEquals("New size: 3; reason: Current number of replicas below Spec.MinReplicas",
                awaitEvent("SuccessfulRescale"));
    }

    @Test
    void aTargetScaledToZeroDisablesScaling() throws Exception {
        deployment("web", 0);
        hpa("web", "web", "Deployment", 1, 5, cpuUtilization(50));
        JsonNode status = awaitStatus("web", s -> hasCondition(s, "ScalingActive", "False", "ScalingDisabled"));
        assertEquals("scaling is disabled since the replica count of the target is zero",
                condition(status, "ScalingActive").path("message").asText());
        assertEquals(0, deployments.get("web").path("spec").path("replicas").asInt());
    }

    @Test
    void aMissingTargetIsAFailedGetScale() throws Exception {
        hpa("web", "nowhere", "Deployment", 1, 5, cpuUtilization(50));
        JsonNode status = awaitStatus("web", s -> hasCondition(s, "AbleToScale", "False", "FailedGetScale"));
        assertEquals("the HPA controller was unable to get the target's current scale: deployments.apps \"nowhere\" "
                + "not found", condition(status, "AbleToScale").path("message").asText());
        assertEquals("deployments.apps \"nowhere\" not found", awaitEvent("FailedGetScale"));
    }

    @Test
    void anUnknownKindIsAFailedGetScale() throws Exception {
        hpa("web", "web", "Frobnicator", 1, 5, cpuUtilization(50));
        JsonNode status = awaitStatus("web", s -> hasCondition(s, "AbleToScale", "False", "FailedGetScale"));
        assertEquals("the HPA controller was unable to get the target's current scale: no matches for kind "
                + "\"Frobnicator\" in group \"apps\"", condition(status, "AbleToScale").path("message").asText());
    }

    @Test
    void noMetricsIsAFailedGetResourceMetric() throws Exception {
        deployment("web", 2);
        pod("web", "web-1", "{'cpu':'100m'}", 200, 1000);
        // never scraped: the metrics API has nothing for the pods
        hpa("web", "web", "Deployment", 1, 10, cpuUtilization(50));
        JsonNode status = awaitStatus("web", s -> hasCondition(s, "ScalingActive", "False",
                "FailedGetResourceMetric"));
        assertEquals("the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get "
                + "metrics for resource cpu: no metrics returned from resource metrics API",
                condition(status, "ScalingActive").path("message").asText());
        assertTrue(hasCondition(status, "AbleToScale", "True", "SucceededGetScale"), status.toString());
        assertEquals(2, status.path("currentReplicas").asInt());
        assertEquals("", status.path("currentMetrics").get(0).path("type").asText());
        assertEquals("failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned "
                + "from resource metrics API", awaitEvent("FailedGetResourceMetric"));
        assertEquals("invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: "
                + "failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from "
                + "resource metrics API", awaitEvent("FailedComputeMetricsReplicas"));
        assertEquals(2, deployments.get("web").path("spec").path("replicas").asInt());
    }

    @Test
    void aUtilizationTargetOnPodsWithoutRequestsFails() throws Exception {
        deployment("web", 1);
        pod("web", "web-1", "{}", 200, 1000);
        scrapeTwice();
        hpa("web", "web", "Deployment", 1, 10, cpuUtilization(50));
        JsonNode status = awaitStatus("web", s -> hasCondition(s, "ScalingActive", "False",
                "FailedGetResourceMetric"));
        assertEquals("the HPA was unable to compute the replica count: failed to get cpu utilization: missing request "
                + "for cpu in container c of Pod web-1", condition(status, "ScalingActive").path("message").asText());
        assertEquals(1, deployments.get("web").path("spec").path("replicas").asInt());
    }

    @Test
    void customMetricTypesFailWithoutACustomMetricsApi() throws Exception {
        deployment("web", 1);
        pod("web", "web-1", "{'cpu':'100m'}", 50, 1000);
        scrapeTwice();
        hpa("web", "web", "Deployment", 1, 10, "[{'type':'Pods','pods':{'metric':{'name':'qps'},'target':{'type':"
                + "'AverageValue','averageValue':'10'}}}]");
        JsonNode status = awaitStatus("web", s -> hasCondition(s, "ScalingActive", "False", "FailedGetPodsMetric"));
        assertTrue(condition(status, "ScalingActive").path("message").asText().contains("custom.metrics.k8s.io"),
                status.toString());
    }
}
