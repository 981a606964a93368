package io.karst.apiserver.conversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class HorizontalPodAutoscalerConversionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HorizontalPodAutoscalerConversion CONVERSION = HorizontalPodAutoscalerConversion.INSTANCE;

    /** A v2 object using everything v1 cannot say; the CPU target last, where upstream's v1 round trip puts it. */
    private static final String FULL_V2 = """
            {"kind":"HorizontalPodAutoscaler","apiVersion":"autoscaling/v2",
             "metadata":{"name":"web","namespace":"default","annotations":{"team":"a"}},
             "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
               "minReplicas":2,"maxReplicas":10,
               "metrics":[
                 {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"100Mi"}}},
                 {"type":"Pods","pods":{"metric":{"name":"qps","selector":{"matchLabels":{"a":"b"}}},
                   "target":{"type":"AverageValue","averageValue":"1k"}}},
                 {"type":"Object","object":{"describedObject":{"kind":"Ingress","name":"main","apiVersion":"networking.k8s.io/v1"},
                   "target":{"type":"Value","value":"10k"},"metric":{"name":"requests"}}},
                 {"type":"External","external":{"metric":{"name":"queue"},"target":{"type":"AverageValue","averageValue":"30"}}},
                 {"type":"ContainerResource","containerResource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60},"container":"app"}},
                 {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}],
               "behavior":{"scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max",
                   "policies":[{"type":"Pods","value":4,"periodSeconds":15},{"type":"Percent","value":100,"periodSeconds":15}]},
                 "scaleDown":{"stabilizationWindowSeconds":120,"selectPolicy":"Min",
                   "policies":[{"type":"Percent","value":10,"periodSeconds":60}]}}},
             "status":{"observedGeneration":3,"lastScaleTime":"2026-11-23T04:00:00Z","currentReplicas":3,"desiredReplicas":4,
               "currentMetrics":[
                 {"type":"Resource","resource":{"name":"cpu","current":{"averageValue":"120m","averageUtilization":70}}},
                 {"type":"Pods","pods":{"metric":{"name":"qps"},"current":{"averageValue":"900"}}}],
               "conditions":[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-11-23T03:00:00Z",
                 "reason":"ReadyForNewScale","message":"recommended size matches current size"}]}}
            """;

    @Test
    void v1CpuPercentageIsAResourceMetricWithAUtilizationTarget() throws Exception {
        ObjectNode v2 = CONVERSION.toStorage(obj("""
                {"kind":"HorizontalPodAutoscaler","apiVersion":"autoscaling/v1","metadata":{"name":"x"},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"x","apiVersion":"apps/v1"},
                   "minReplicas":1,"maxReplicas":3,"targetCPUUtilizationPercentage":50},
                 "status":{"currentReplicas":1,"desiredReplicas":1,"currentCPUUtilizationPercentage":20}}
                """));
        assertEquals("autoscaling/v2", v2.path("apiVersion").asText());
        assertEquals(json("""
                [{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]
                """), v2.path("spec").path("metrics"));
        assertEquals(json("""
                [{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":20}}}]
                """), v2.path("status").path("currentMetrics"));
        assertFalse(v2.path("spec").has("behavior"), "no behavior unless one is given");
        assertFalse(v2.path("metadata").has("annotations"));
    }

    @Test
    void v1WithoutATargetGetsUpstreamsEightyPercentCpu() throws Exception {
        ObjectNode v2 = CONVERSION.toStorage(obj("""
                {"kind":"HorizontalPodAutoscaler","apiVersion":"autoscaling/v1","metadata":{"name":"x"},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"x"},"maxReplicas":3}}
                """));
        assertEquals(80, v2.path("spec").path("metrics").get(0).path("resource").path("target")
                .path("averageUtilization").asInt());
        assertEquals(1, v2.path("spec").path("minReplicas").asInt(), "the v2 defaults as a read from storage has");
    }

    @Test
    void whatV1CannotSayTravelsInUpstreamsAnnotations() throws Exception {
        ObjectNode v1 = CONVERSION.fromStorage(obj(FULL_V2));
        assertEquals("autoscaling/v1", v1.path("apiVersion").asText());
        JsonNode spec = v1.path("spec");
        assertEquals(50, spec.path("targetCPUUtilizationPercentage").asInt());
        assertFalse(spec.has("metrics"));
        assertFalse(spec.has("behavior"));
        assertEquals(70, v1.path("status").path("currentCPUUtilizationPercentage").asInt());
        assertFalse(v1.path("status").has("conditions"));
        JsonNode annotations = v1.path("metadata").path("annotations");
        assertEquals("a", annotations.path("team").asText());
        JsonNode metrics = json(annotations.path(HorizontalPodAutoscalerConversion.METRICS).asText());
        assertEquals(5, metrics.size(), "every metric but the CPU utilization one");
        assertEquals(json("""
                {"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}
                """), metrics.get(0));
        assertEquals(json("""
                {"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"1k","selector":{"matchLabels":{"a":"b"}}}}
                """), metrics.get(1));
        assertEquals(json("""
                {"type":"Object","object":{"target":{"kind":"Ingress","name":"main","apiVersion":"networking.k8s.io/v1"},
                 "metricName":"requests","targetValue":"10k"}}
                """), metrics.get(2));
        assertEquals(json("""
                {"type":"External","external":{"metricName":"queue","targetAverageValue":"30"}}
                """), metrics.get(3));
        JsonNode behavior = json(annotations.path(HorizontalPodAutoscalerConversion.BEHAVIOR).asText());
        assertEquals(120, behavior.path("ScaleDown").path("StabilizationWindowSeconds").asInt(),
                "upstream writes its internal type: Go field names");
        assertTrue(behavior.path("ScaleDown").path("Tolerance").isNull());
        JsonNode current = json(annotations.path(HorizontalPodAutoscalerConversion.CURRENT_METRICS).asText());
        assertEquals(json("""
                {"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":70,"currentAverageValue":"120m"}}
                """), current.get(0));
        JsonNode conditions = json(annotations.path(HorizontalPodAutoscalerConversion.CONDITIONS).asText());
        assertEquals("AbleToScale", conditions.get(0).path("type").asText());
    }

    @Test
    void v2ThroughV1AndBackKeepsEverything() throws Exception {
        ObjectNode v2 = obj(FULL_V2);
        assertEquals(v2, CONVERSION.toStorage(CONVERSION.fromStorage(v2)));
    }

    @Test
    void v1ThroughV2AndBackKeepsEverything() throws Exception {
        ObjectNode v1 = CONVERSION.fromStorage(obj(FULL_V2));
        assertEquals(v1, CONVERSION.fromStorage(CONVERSION.toStorage(v1)));
        ObjectNode plain = obj("""
                {"kind":"HorizontalPodAutoscaler","apiVersion":"autoscaling/v1",
                 "metadata":{"name":"x","namespace":"default","labels":{"app":"x"}},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"x","apiVersion":"apps/v1"},
                   "minReplicas":1,"maxReplicas":3,"targetCPUUtilizationPercentage":50},
                 "status":{"currentReplicas":1,"desiredReplicas":2}}
                """);
        assertEquals(plain, CONVERSION.fromStorage(CONVERSION.toStorage(plain)));
    }

    @Test
    void roundTripAnnotationsNeverLeakIntoV2() throws Exception {
        ObjectNode v1 = CONVERSION.fromStorage(obj(FULL_V2));
        JsonNode annotations = CONVERSION.toStorage(v1).path("metadata").path("annotations");
        assertEquals(json("{\"team\":\"a\"}"), annotations);
        // stale annotations on a stored object are dropped before the v1 ones are written
        ObjectNode stored = obj(FULL_V2);
        ((ObjectNode) stored.path("metadata").path("annotations")).put(HorizontalPodAutoscalerConversion.METRICS,
                "[]");
        ((ObjectNode) stored.path("spec")).remove("behavior");
        JsonNode again = CONVERSION.fromStorage(stored).path("metadata").path("annotations");
        assertFalse(again.has(HorizontalPodAutoscalerConversion.BEHAVIOR));
        assertEquals(5, json(again.path(HorizontalPodAutoscalerConversion.METRICS).asText()).size());
    }

    @Test
    void unreadableAnnotationsAreIgnoredAsUpstreamDoes() throws Exception {
        ObjectNode v2 = CONVERSION.toStorage(obj("""
                {"kind":"HorizontalPodAutoscaler","apiVersion":"autoscaling/v1",
                 "metadata":{"name":"x","annotations":{"autoscaling.alpha.kubernetes.io/metrics":"not json",
                   "autoscaling.alpha.kubernetes.io/behavior":"{}"}},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"x"},"maxReplicas":3,
                   "targetCPUUtilizationPercentage":40}}
                """));
        assertEquals(1, v2.path("spec").path("metrics").size());
        assertFalse(v2.path("spec").has("behavior"), "an empty behavior is no behavior");
        assertFalse(v2.path("metadata").has("annotations"));
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static ObjectNode obj(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }
}
