package io.karst.controllers.podautoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Stabilization windows and scaling policies, with and without a {@code behavior}. */
class ReplicaNormalizerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    /** autoscaling/v2's defaults for a given behavior. */
    private static final JsonNode DEFAULT_BEHAVIOR = HorizontalPodAutoscalerControllerTest.json("{'scaleUp':{"
            + "'stabilizationWindowSeconds':0,'selectPolicy':'Max','policies':[{'type':'Pods','value':4,"
            + "'periodSeconds':15},{'type':'Percent','value':100,'periodSeconds':15}]},'scaleDown':{'selectPolicy':"
            + "'Max','policies':[{'type':'Percent','value':100,'periodSeconds':15}]}}");
    private final ReplicaNormalizer normalizer = new ReplicaNormalizer();

    @Test
    void theDefaultScaleUpPoliciesAllowFourPodsOrDoubleAPeriod() {
        ScalingDecision d = normalizer.normalize("k", DEFAULT_BEHAVIOR, 1, 10, 1, 20, T0);
        assertEquals(5, d.replicas());
        assertTrue(d.limited());
        assertEquals("ScaleUpLimit", d.limitReason());
        normalizer.recordScale("k", DEFAULT_BEHAVIOR, 1, 5, T0);
        // within the same 15 s period the limit counts from the period's start (1): still 5
        assertEquals(5, normalizer.normalize("k", DEFAULT_BEHAVIOR, 5, 10, 1, 20, T0.plusSeconds(5)).replicas());
        // a period later it counts from 5: double is 10
        assertEquals(10, normalizer.normalize("k", DEFAULT_BEHAVIOR, 5, 10, 1, 20, T0.plusSeconds(20)).replicas());
    }

    @Test
    void aScaleDownWaitsForTheFiveMinuteWindow() {
        assertEquals(10, normalizer.normalize("k", DEFAULT_BEHAVIOR, 10, 10, 1, 20, T0).replicas());
        ScalingDecision held = normalizer.normalize("k", DEFAULT_BEHAVIOR, 10, 2, 1, 20, T0.plusSeconds(60));
        assertEquals(10, held.replicas());
        assertEquals("ScaleDownStabilized", held.ableReason());
        ScalingDecision after = normalizer.normalize("k", DEFAULT_BEHAVIOR, 10, 2, 1, 20, T0.plusSeconds(301));
        assertEquals(2, after.replicas());
        assertEquals("ReadyForNewScale", after.ableReason());
        assertFalse(after.limited());
    }

    @Test
    void withoutABehaviorTheMaximumAndTheMinimumBound() {
        ScalingDecision tooMany = normalizer.normalize("a", null, 3, 5, 1, 4, T0);
        assertEquals(4, tooMany.replicas());
        assertEquals("TooManyReplicas", tooMany.limitReason());
        ScalingDecision tooFew = normalizer.normalize("b", null, 3, 0, 2, 10, T0);
        assertEquals(2, tooFew.replicas());
        assertEquals("TooFewReplicas", tooFew.limitReason());
        // a disabled scale-down keeps the count
        JsonNode disabled = HorizontalPodAutoscalerControllerTest.json("{'scaleUp':{},'scaleDown':{"
                + "'stabilizationWindowSeconds':0,'selectPolicy':'Disabled'}}");
        assertEquals(3, normalizer.normalize("c", disabled, 3, 1, 1, 10, T0).replicas());
    }
}
