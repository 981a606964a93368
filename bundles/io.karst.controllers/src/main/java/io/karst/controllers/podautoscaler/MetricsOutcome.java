package io.karst.controllers.podautoscaler;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * What the HPA's metrics proposed: the highest replica count of the valid ones ({@code replicas} -1 when the HPA
 * cannot scale on them: all invalid, or some invalid while the others would scale down), the metric that decided,
 * the metric statuses (an empty one for each metric that failed), and the first error.
 */
record MetricsOutcome(int replicas, String metricName, ArrayNode statuses, Instant timestamp, String error) {
}
