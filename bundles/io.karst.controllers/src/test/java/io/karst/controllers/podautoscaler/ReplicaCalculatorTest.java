package io.karst.controllers.podautoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Upstream's replica calculation for resource metrics, pod by pod. */
class ReplicaCalculatorTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private final ReplicaCalculator calculator = new ReplicaCalculator(NOW);
    private final List<ObjectNode> pods = new ArrayList<>();
    private final Map<String, PodMetric> metrics = new HashMap<>();

    /** A pod requesting 100m CPU; {@code phase}, readiness and start as given; {@code used} millicores or none. */
    private void pod(String name, String phase, String ready, Instant started, Long used) {
        String status = "{'phase':'" + phase + "'" + (started == null ? "" : ",'startTime':'" + started + "'")
                + (ready == null ? "" : ",'conditions':[{'type':'Ready','status':'" + ready
                        + "','lastTransitionTime':'" + (started == null ? NOW : started.plusSeconds(5)) + "'}]")
                + "}";
        pods.add(HorizontalPodAutoscalerControllerTest.json("{'metadata':{'name':'" + name + "'},'spec':{"
                + "'containers':[{'name':'c','resources':{'requests':{'cpu':'100m'}}}]},'status':" + status + "}"));
        if (used != null) {
            metrics.put(name, new PodMetric(used, NOW.minusSeconds(5), Duration.ofSeconds(15)));
        }
    }

    private void running(String name, Long used) {
        pod(name, "Running", "True", NOW.minus(Duration.ofHours(1)), used);
    }

    @Test
    void theRatioOfUsageToTargetTimesTheReadyPodsRoundedUp() throws Exception {
        running("a", 90L);
        running("b", 110L);
        ReplicaCalculator.Proposal p = calculator.utilization(2, 40, "cpu", null, pods, metrics);
        assertEquals(5, p.replicas());
        assertEquals(100, p.utilization());
        assertEquals(100, p.rawAverageMilli());
    }

    @Test
    void withinTheToleranceTheCountStays() throws Exception {
        running("a", 105L);
        running("b", 105L);
        assertEquals(2, calculator.utilization(2, 100, "cpu", null, pods, metrics).replicas());
    }

    @Test
    void unreadyPodsCountAsIdleOnAScaleUp() throws Exception {
        running("a", 200L);
        // started recently and not ready: its CPU sample is not trusted
        pod("b", "Running", "False", NOW.minusSeconds(60), 500L);
        pod("c", "Pending", null, null, null);
        ReplicaCalculator.Proposal p = calculator.utilization(3, 100, "cpu", null, pods, metrics);
        // a (200%), b and c at 0%: 200/300 of the request → ratio 0.67 < 1 is the other way: no change
        assertEquals(3, p.replicas());
        assertEquals(200, p.utilization());
    }

    @Test
    void missingPodsUseTheirRequestOnAScaleDown() throws Exception {
        running("a", 10L);
        running("b", 10L);
        running("c", null);
        ReplicaCalculator.Proposal p = calculator.utilization(3, 50, "cpu", null, pods, metrics);
        // (10 + 10 + 100) / 300 = 40% of a 50% target → ratio 0.8 × 3 pods → 3 (ceil 2.4)
        assertEquals(3, p.replicas());
        assertEquals(10, p.utilization());
    }

    @Test
    void deletedAndFailedPodsAreIgnored() throws Exception {
        running("a", 100L);
        pod("b", "Failed", "False", NOW.minus(Duration.ofHours(1)), 0L);
        assertEquals(2, calculator.utilization(1, 50, "cpu", null, pods, metrics).replicas());
    }

    @Test
    void refusals() {
        MetricFailure none = assertThrows(MetricFailure.class,
                () -> calculator.utilization(1, 50, "cpu", null, List.of(), metrics));
        assertEquals("no pods returned by selector while calculating replica count", none.getMessage());
        pod("a", "Pending", null, null, null);
        MetricFailure unready = assertThrows(MetricFailure.class,
                () -> calculator.utilization(1, 50, "cpu", null, pods, metrics));
        assertEquals("did not receive metrics for targeted pods (pods might be unready)", unready.getMessage());
    }

    @Test
    void anAverageValueTargetComparesTheAverageUsage() throws Exception {
        running("a", 300L);
        running("b", 100L);
        ReplicaCalculator.Proposal p = calculator.averageValue(2, 100, "cpu", pods, metrics);
        assertEquals(4, p.replicas());
        assertEquals(200, p.rawAverageMilli());
    }
}
