package io.karst.controllers.podautoscaler;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.controller.EventRecorder;
import io.karst.controllers.resourcequota.Quantities;

/**
 * Upstream's {@code computeReplicasForMetrics} for one HPA: each metric's proposal, its status, and the
 * ScalingActive condition; a metric that fails gets its event ({@code FailedGetResourceMetric}, ...). Resource and
 * ContainerResource metrics are computed; Pods, Object and External metrics need a custom or external metrics API,
 * which Karst does not serve, so they fail as upstream's do without one.
 */
final class MetricEvaluator {
    private final ResourceMetricsClient metricsClient;
    private final EventRecorder events;
    private final Instant now;

    MetricEvaluator(ResourceMetricsClient metricsClient, EventRecorder events, Instant now) {
        this.metricsClient = metricsClient;
        this.events = events;
        this.now = now;
    }

    private record Computed(int replicas, String name, ObjectNode status, Instant timestamp) {
    }

    MetricsOutcome evaluate(ObjectNode hpa, StatusConditions conditions, int currentReplicas, String selector,
            List<ObjectNode> pods) {
        JsonNode specs = hpa.path("spec").path("metrics");
        ArrayNode statuses = JsonNodeFactory.instance.arrayNode();
        int replicas = 0;
        String metric = "";
        Instant timestamp = null;
        int invalid = 0;
        String firstError = null;
        String firstReason = null;
        String firstMessage = null;
        for (JsonNode spec : specs) {
            try {
                Computed c = compute(hpa, spec, currentReplicas, selector, pods);
                statuses.add(c.status());
                if (replicas == 0 || c.replicas() > replicas) {
                    replicas = c.replicas();
                    metric = c.name();
                    timestamp = c.timestamp();
                }
            } catch (MetricFailure f) {
                // upstream leaves a zero MetricStatus in place of a metric it could not read
                statuses.addObject().put("type", "");
                if (invalid == 0) {
                    firstError = wrapped(spec, f.getMessage());
                    firstReason = f.reason();
                    firstMessage = "the HPA was unable to compute the replica count: " + f.getMessage();
                }
                invalid++;
            }
        }
        String error = firstError == null ? null : "invalid metrics (" + invalid + " invalid out of " + specs.size()
                + "), first error is: " + firstError;
        if (invalid > 0 && (invalid >= specs.size() || replicas < currentReplicas)) {
            conditions.set("ScalingActive", false, firstReason, firstMessage);
            return new MetricsOutcome(-1, "", statuses, null, error);
        }
        conditions.set("ScalingActive", true, "ValidMetricFound",
                "the HPA was able to successfully calculate a replica count from " + metric);
        return new MetricsOutcome(replicas, metric, statuses, timestamp, error);
    }

    /** The error of one metric as upstream wraps it per type. */
    private static String wrapped(JsonNode spec, String message) {
        return switch (spec.path("type").asText()) {
            case "Resource" -> "failed to get " + spec.path("resource").path("name").asText()
                    + " resource metric value: " + message;
            case "ContainerResource" -> "failed to get " + spec.path("containerResource").path("name").asText()
                    + " container metric value: " + message;
            case "Pods" -> "failed to get pods metric value: " + message;
            case "Object" -> "failed to get object metric value: " + message;
            case "External" -> "failed to get external metric value: " + message;
            default -> message;
        };
    }

    private Computed compute(ObjectNode hpa, JsonNode spec, int currentReplicas, String selector,
            List<ObjectNode> pods) throws MetricFailure {
        String type = spec.path("type").asText();
        return switch (type) {
            case "Resource" -> resource(hpa, spec.path("resource"), null, currentReplicas, selector, pods,
                    "FailedGetResourceMetric");
            case "ContainerResource" -> resource(hpa, spec.path("containerResource"),
                    spec.path("containerResource").path("container").asText(), currentReplicas, selector, pods,
                    "FailedGetContainerResourceMetric");
            case "Pods" -> throw unavailable(hpa, "FailedGetPodsMetric", "unable to get metric "
                    + spec.path("pods").path("metric").path("name").asText()
                    + ": unable to fetch metrics from custom metrics API: no custom metrics API "
                    + "(custom.metrics.k8s.io) registered");
            case "Object" -> throw unavailable(hpa, "FailedGetObjectMetric", "unable to get metric "
                    + spec.path("object").path("metric").path("name").asText()
                    + ": unable to fetch metrics from custom metrics API: no custom metrics API "
                    + "(custom.metrics.k8s.io) registered");
            case "External" -> throw unavailable(hpa, "FailedGetExternalMetric", "unable to get external metric "
                    + hpa.path("metadata").path("namespace").asText() + "/"
                    + spec.path("external").path("metric").path("name").asText()
                    + ": unable to fetch metrics from external metrics API: no external metrics API "
                    + "(external.metrics.k8s.io) registered");
            default -> throw unavailable(hpa, "InvalidMetricSourceType", "unknown metric source type \"" + type
                    + "\"");
        };
    }

    private MetricFailure unavailable(ObjectNode hpa, String reason, String message) {
        events.event(hpa, EventRecorder.WARNING, reason, message);
        return new MetricFailure(reason, message);
    }

    private Computed resource(ObjectNode hpa, JsonNode source, String container, int currentReplicas,
            String selector, List<ObjectNode> pods, String reason) throws MetricFailure {
        String resource = source.path("name").asText();
        JsonNode target = source.path("target");
        String namespace = hpa.path("metadata").path("namespace").asText();
        String kind = container == null ? "Resource" : "ContainerResource";
        ReplicaCalculator calculator = new ReplicaCalculator(now);
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("type", kind);
        ObjectNode body = status.putObject(container == null ? "resource" : "containerResource");
        body.put("name", resource);
        if (container != null) {
            body.put("container", container);
        }
        ObjectNode current = body.putObject("current");
        try {
            BigDecimal averageValue = Quantities.parse(target.get("averageValue"));
            if (averageValue != null) {
                long targetMilli = averageValue.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
                Map<String, PodMetric> metrics = read(namespace, selector, resource, container, "usage");
                ReplicaCalculator.Proposal p;
                try {
                    p = calculator.averageValue(currentReplicas, targetMilli, resource, pods, metrics);
                } catch (MetricFailure f) {
                    throw new MetricFailure("", "failed to get " + resource + " usage: " + f.getMessage());
                }
                current.put("averageValue", milli(p.rawAverageMilli()));
                return new Computed(p.replicas(), resource + (container == null ? " resource" : " container resource"),
                        status, p.timestamp());
            }
            if (!target.path("averageUtilization").canConvertToInt()) {
                throw new MetricFailure("", "invalid resource metric source: neither an average utilization target "
                        + "nor an average value (usage) target was set");
            }
            int utilization = target.path("averageUtilization").asInt();
            Map<String, PodMetric> metrics = read(namespace, selector, resource, container, "utilization");
            ReplicaCalculator.Proposal p;
            try {
                p = calculator.utilization(currentReplicas, utilization, resource, container, pods, metrics);
            } catch (MetricFailure f) {
                throw new MetricFailure("", "failed to get " + resource + " utilization: " + f.getMessage());
            }
            current.put("averageUtilization", p.utilization());
            current.put("averageValue", milli(p.rawAverageMilli()));
            return new Computed(p.replicas(), resource + (container == null ? "" : " container")
                    + " resource utilization (percentage of request)", status, p.timestamp());
        } catch (MetricFailure f) {
            events.event(hpa, EventRecorder.WARNING, reason, f.getMessage());
            throw new MetricFailure(reason, f.getMessage());
        }
    }

    /** The metrics, their failure worded as upstream's for a utilization or a usage target. */
    private Map<String, PodMetric> read(String namespace, String selector, String resource, String container,
            String what) throws MetricFailure {
        try {
            return metricsClient.podMetrics(namespace, selector, resource, container);
        } catch (MetricFailure f) {
            throw new MetricFailure("", "failed to get " + resource + " " + what + ": " + f.getMessage());
        }
    }

    /** A milli-value as upstream's {@code NewMilliQuantity(v, DecimalSI)} prints it. */
    static String milli(long milli) {
        return Quantities.format(BigDecimal.valueOf(milli, 3), false);
    }
}
