package io.karst.apiserver.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * HorizontalPodAutoscalers: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE. TARGETS lists the first two
 * metrics as {@code current/target} ({@code cpu: 35%/80%}, {@code 250m/500m (avg)}, {@code <unknown>/80%}) and
 * {@code + N more...} past them. An autoscaling/v1 object is read as upstream converts it: its CPU percentage is
 * one Resource metric (80% when unset, the v2 default).
 */
final class HorizontalPodAutoscalerPrinter implements TablePrinter {
    private static final int DEFAULT_CPU_UTILIZATION = 80;
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Reference", "HorizontalPodAutoscalerSpec.scaleTargetRef"),
            Column.string("Targets", "HorizontalPodAutoscalerSpec.metrics"),
            Column.string("MinPods", "HorizontalPodAutoscalerSpec.minReplicas"),
            Column.string("MaxPods", "HorizontalPodAutoscalerSpec.maxReplicas"),
            Column.string("Replicas", "HorizontalPodAutoscalerStatus.currentReplicas"),
            Column.age());

    @Override
    public List<Column> columnDefinitions() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode hpa, Instant now) {
        JsonNode spec = hpa.path("spec");
        List<JsonNode> specs;
        List<JsonNode> statuses;
        if (spec.has("targetCPUUtilizationPercentage") || !spec.has("metrics")
                && Fields.text(hpa, "apiVersion").equals("autoscaling/v1")) {
            specs = List.of(cpuMetric(spec));
            statuses = hpa.path("status").has("currentCPUUtilizationPercentage")
                    ? List.of(cpuStatus(hpa.path("status"))) : List.of();
        } else {
            specs = Fields.list(spec, "metrics");
            statuses = Fields.list(hpa, "status", "currentMetrics");
        }
        String minPods = Fields.present(spec, "minReplicas") ? Long.toString(Fields.integer(spec, "minReplicas"))
                : "<unset>";
        return List.of(Fields.name(hpa),
                Fields.text(spec, "scaleTargetRef", "kind") + "/" + Fields.text(spec, "scaleTargetRef", "name"),
                metrics(specs, statuses), minPods, Fields.integer(spec, "maxReplicas"),
                Fields.integer(hpa, "status", "currentReplicas"), Fields.age(hpa, now));
    }

    static String metrics(List<JsonNode> specs, List<JsonNode> statuses) {
        if (specs.isEmpty()) {
            return Formats.NONE;
        }
        final int max = 2;
        List<String> list = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            JsonNode spec = specs.get(i);
            JsonNode status = i < statuses.size() ? statuses.get(i) : null;
            list.add(metric(spec, status));
        }
        int count = list.size();
        if (count > max) {
            return String.join(", ", list.subList(0, max)) + " + " + (count - max) + " more...";
        }
        return String.join(", ", list);
    }

    private static String metric(JsonNode spec, JsonNode status) {
        switch (Fields.text(spec, "type")) {
            case "External":
                return valueOrAverage(spec.path("external").path("target"), current(status, "external"));
            case "Pods": {
                JsonNode current = current(status, "pods");
                String value = current == null ? "<unknown>" : pointer(current.path("averageValue"));
                return value + "/" + pointer(spec.path("pods").path("target").path("averageValue"));
            }
            case "Object":
                return valueOrAverage(spec.path("object").path("target"), current(status, "object"));
            case "Resource":
                return resource(spec.path("resource"), current(status, "resource"));
            case "ContainerResource":
                return resource(spec.path("containerResource"), current(status, "containerResource"));
            default:
                return "<unknown type>";
        }
    }

    /** The status's {@code <field>.current}, or null when the status lacks that source. */
    private static JsonNode current(JsonNode status, String field) {
        if (status == null || !status.path(field).isObject()) {
            return null;
        }
        return status.path(field).path("current");
    }

    /** External and Object metrics: {@code current/target (avg)} for average values, else plain values. */
    private static String valueOrAverage(JsonNode target, JsonNode current) {
        if (Fields.present(target, "averageValue")) {
            String value = current != null && Fields.present(current, "averageValue")
                    ? pointer(current.path("averageValue")) : "<unknown>";
            return value + "/" + pointer(target.path("averageValue")) + " (avg)";
        }
        String value = current != null ? pointer(current.path("value")) : "<unknown>";
        return value + "/" + pointer(target.path("value"));
    }

    /** Resource metrics: {@code name: current/target}, utilization as percentages. */
    private static String resource(JsonNode source, JsonNode current) {
        String name = Fields.text(source, "name");
        JsonNode target = source.path("target");
        if (Fields.present(target, "averageValue")) {
            String value = current != null ? pointer(current.path("averageValue")) : "<unknown>";
            return name + ": " + value + "/" + pointer(target.path("averageValue"));
        }
        String value = current != null && Fields.present(current, "averageUtilization")
                ? Fields.integer(current, "averageUtilization") + "%" : "<unknown>";
        String goal = Fields.present(target, "averageUtilization") ? Fields.integer(target, "averageUtilization") + "%"
                : "<auto>";
        return name + ": " + value + "/" + goal;
    }

    /** A *Quantity as Go prints it: {@code <nil>} when unset. */
    private static String pointer(JsonNode quantity) {
        return quantity == null || quantity.isMissingNode() || quantity.isNull() ? "<nil>" : Formats.quantity(quantity);
    }

    private static JsonNode cpuMetric(JsonNode v1Spec) {
        ObjectNode metric = JsonNodeFactory.instance.objectNode();
        metric.put("type", "Resource");
        ObjectNode resource = metric.putObject("resource");
        resource.put("name", "cpu");
        ObjectNode target = resource.putObject("target");
        target.put("type", "Utilization");
        target.put("averageUtilization", v1Spec.has("targetCPUUtilizationPercentage")
                ? Fields.integer(v1Spec, "targetCPUUtilizationPercentage") : DEFAULT_CPU_UTILIZATION);
        return metric;
    }

    private static JsonNode cpuStatus(JsonNode v1Status) {
        ObjectNode metric = JsonNodeFactory.instance.objectNode();
        metric.put("type", "Resource");
        ObjectNode resource = metric.putObject("resource");
        resource.put("name", "cpu");
        resource.putObject("current").put("averageUtilization",
                Fields.integer(v1Status, "currentCPUUtilizationPercentage"));
        return metric;
    }
}
