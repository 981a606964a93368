package io.karst.apiserver.conversion;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.defaults.Defaulters;

/**
 * autoscaling/v1 HorizontalPodAutoscalers kept as autoscaling/v2, as upstream stores them. v1 knows one target,
 * {@code spec.targetCPUUtilizationPercentage} (a v2 Resource metric {@code cpu} with a Utilization target), and one
 * reading, {@code status.currentCPUUtilizationPercentage}. What v1 cannot say travels in the annotations upstream
 * uses, so that a v1 client's read-modify-write keeps it: the other metrics
 * ({@value #METRICS}, in v1's metric format), the behavior ({@value #BEHAVIOR}, in upstream's internal field
 * names, as upstream writes it), the current metrics ({@value #CURRENT_METRICS}) and the conditions
 * ({@value #CONDITIONS}).
 *
 * <p>As upstream: the CPU metric comes after the annotation's metrics on the way back to v2; a v1 object with no
 * metric at all gets the 80% CPU target; v1's required quantities ({@code targetValue} of Object metrics,
 * {@code targetAverageValue} of Pods metrics, {@code current*Value} of statuses) become {@code 0} when v2 had none.
 */
public final class HorizontalPodAutoscalerConversion implements VersionConversion {
    public static final String METRICS = "autoscaling.alpha.kubernetes.io/metrics";
    public static final String CURRENT_METRICS = "autoscaling.alpha.kubernetes.io/current-metrics";
    public static final String BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";
    public static final String CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
    private static final List<String> ROUND_TRIP = List.of(METRICS, BEHAVIOR, CURRENT_METRICS, CONDITIONS);
    /** autoscaling/v1's implicit target, made explicit by upstream's conversion. */
    private static final int DEFAULT_CPU_UTILIZATION = 80;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public static final HorizontalPodAutoscalerConversion INSTANCE = new HorizontalPodAutoscalerConversion();

    private HorizontalPodAutoscalerConversion() {
    }

    @Override
    public String storageApiVersion() {
        return "autoscaling/v2";
    }

    // ---- v1 → v2 ----

    @Override
    public ObjectNode toStorage(ObjectNode v1) {
        ObjectNode v2 = NODES.objectNode();
        v2.put("kind", "HorizontalPodAutoscaler");
        v2.put("apiVersion", "autoscaling/v2");
        ObjectNode annotations = v1.path("metadata").path("annotations") instanceof ObjectNode a ? a : null;
        if (v1.has("metadata")) {
            ObjectNode meta = v1.get("metadata").deepCopy();
            v2.set("metadata", meta);
            if (meta.get("annotations") instanceof ObjectNode a) {
                a.remove(ROUND_TRIP);
                if (a.isEmpty()) {
                    meta.remove("annotations");
                }
            }
        }
        JsonNode spec1 = v1.path("spec");
        ObjectNode spec = v2.putObject("spec");
        copy(spec1, spec, "scaleTargetRef", "minReplicas", "maxReplicas");
        ArrayNode metrics = spec.putArray("metrics");
        for (JsonNode m : annotationArray(annotations, METRICS)) {
            metrics.add(metricToV2(m));
        }
        if (spec1.path("targetCPUUtilizationPercentage").isNumber()) {
            metrics.add(cpuMetric(spec1.get("targetCPUUtilizationPercentage").intValue()));
        }
        if (metrics.isEmpty()) {
            metrics.add(cpuMetric(DEFAULT_CPU_UTILIZATION));
        }
        JsonNode behavior = annotationValue(annotations, BEHAVIOR);
        if (behavior instanceof ObjectNode b) {
            ObjectNode converted = behaviorToV2(b);
            if (!converted.isEmpty()) {
                spec.set("behavior", converted);
            }
        }
        JsonNode current = annotationValue(annotations, CURRENT_METRICS);
        JsonNode conditions = annotationValue(annotations, CONDITIONS);
        // the status annotations only complete a status (a create drops both, as upstream's strategy does)
        if (v1.get("status") instanceof ObjectNode) {
            JsonNode status1 = v1.path("status");
            ObjectNode status = v2.putObject("status");
            copy(status1, status, "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas");
            if (current instanceof ArrayNode list) {
                // the annotation has every reading, the CPU percentage included
                ArrayNode out = status.putArray("currentMetrics");
                list.forEach(m -> out.add(metricStatusToV2(m)));
            } else if (status1.path("currentCPUUtilizationPercentage").isNumber()) {
                ObjectNode cpu = status.putArray("currentMetrics").addObject();
                cpu.put("type", "Resource");
                ObjectNode resource = cpu.putObject("resource");
                resource.put("name", "cpu");
                resource.putObject("current").set("averageUtilization",
                        status1.get("currentCPUUtilizationPercentage"));
            }
            if (conditions instanceof ArrayNode list) {
                status.set("conditions", list.deepCopy());
            }
        }
        // upstream defaults an object when it is read back from storage: behavior rules filled when one is given
        Defaulters.forResource("autoscaling", "v2", "horizontalpodautoscalers").apply(v2);
        return v2;
    }

    private static ObjectNode cpuMetric(int percent) {
        ObjectNode metric = NODES.objectNode();
        metric.put("type", "Resource");
        ObjectNode resource = metric.putObject("resource");
        resource.put("name", "cpu");
        ObjectNode target = resource.putObject("target");
        target.put("type", "Utilization");
        target.put("averageUtilization", percent);
        return metric;
    }

    private static ObjectNode metricToV2(JsonNode m) {
        ObjectNode out = NODES.objectNode();
        String type = m.path("type").asText("");
        out.put("type", type);
        switch (type) {
            case "Resource", "ContainerResource" -> {
                String field = type.equals("Resource") ? "resource" : "containerResource";
                JsonNode in = m.path(field);
                ObjectNode source = out.putObject(field);
                copy(in, source, "name");
                ObjectNode target = source.putObject("target");
                target.put("type", in.has("targetAverageUtilization") ? "Utilization" : "AverageValue");
                copyAs(in, "targetAverageValue", target, "averageValue");
                copyAs(in, "targetAverageUtilization", target, "averageUtilization");
                copy(in, source, "container");
            }
            case "Pods" -> {
                JsonNode in = m.path("pods");
                ObjectNode source = out.putObject("pods");
                source.set("metric", identifier(in.path("metricName"), in.get("selector")));
                ObjectNode target = source.putObject("target");
                target.put("type", "AverageValue");
                target.set("averageValue", quantity(in.get("targetAverageValue")));
            }
            case "Object" -> {
                JsonNode in = m.path("object");
                ObjectNode source = out.putObject("object");
                source.set("describedObject", reference(in.path("target")));
                ObjectNode target = source.putObject("target");
                target.put("type", in.has("averageValue") ? "AverageValue" : "Value");
                target.set("value", quantity(in.get("targetValue")));
                copy(in, target, "averageValue");
                source.set("metric", identifier(in.path("metricName"), in.get("selector")));
            }
            case "External" -> {
                JsonNode in = m.path("external");
                ObjectNode source = out.putObject("external");
                source.set("metric", identifier(in.path("metricName"), in.get("metricSelector")));
                ObjectNode target = source.putObject("target");
                target.put("type", in.has("targetValue") ? "Value" : "AverageValue");
                copyAs(in, "targetValue", target, "value");
                copyAs(in, "targetAverageValue", target, "averageValue");
            }
            default -> {
            }
        }
        return out;
    }

    private static ObjectNode metricStatusToV2(JsonNode m) {
        ObjectNode out = NODES.objectNode();
        String type = m.path("type").asText("");
        out.put("type", type);
        switch (type) {
            case "Resource", "ContainerResource" -> {
                String field = type.equals("Resource") ? "resource" : "containerResource";
                JsonNode in = m.path(field);
                ObjectNode status = out.putObject(field);
                copy(in, status, "name");
                ObjectNode current = status.putObject("current");
                current.set("averageValue", quantity(in.get("currentAverageValue")));
                copyAs(in, "currentAverageUtilization", current, "averageUtilization");
                copy(in, status, "container");
            }
            case "Pods" -> {
                JsonNode in = m.path("pods");
                ObjectNode status = out.putObject("pods");
                status.set("metric", identifier(in.path("metricName"), in.get("selector")));
                status.putObject("current").set("averageValue", quantity(in.get("currentAverageValue")));
            }
            case "Object" -> {
                JsonNode in = m.path("object");
                ObjectNode status = out.putObject("object");
                status.set("metric", identifier(in.path("metricName"), in.get("selector")));
                ObjectNode current = status.putObject("current");
                current.set("value", quantity(in.get("currentValue")));
                copy(in, current, "averageValue");
                status.set("describedObject", reference(in.path("target")));
            }
            case "External" -> {
                JsonNode in = m.path("external");
                ObjectNode status = out.putObject("external");
                status.set("metric", identifier(in.path("metricName"), in.get("metricSelector")));
                ObjectNode current = status.putObject("current");
                current.set("value", quantity(in.get("currentValue")));
                copyAs(in, "currentAverageValue", current, "averageValue");
            }
            default -> {
            }
        }
        return out;
    }

    /** Upstream writes the behavior annotation from its internal type (Go field names); Go reads names in any case. */
    private static ObjectNode behaviorToV2(ObjectNode annotation) {
        ObjectNode out = NODES.objectNode();
        for (String direction : List.of("scaleUp", "scaleDown")) {
            if (field(annotation, direction) instanceof ObjectNode rules) {
                ObjectNode r = out.putObject(direction);
                for (String name : List.of("stabilizationWindowSeconds", "selectPolicy", "tolerance")) {
                    JsonNode v = field(rules, name);
                    if (v != null && !v.isNull()) {
                        r.set(name, v.deepCopy());
                    }
                }
                if (field(rules, "policies") instanceof ArrayNode policies) {
                    ArrayNode list = r.putArray("policies");
                    for (JsonNode p : policies) {
                        ObjectNode policy = list.addObject();
                        for (String name : List.of("type", "value", "periodSeconds")) {
                            JsonNode v = field(p, name);
                            if (v != null && !v.isNull()) {
                                policy.set(name, v.deepCopy());
                            }
                        }
                    }
                }
                // keep r's field order as v2 serializes it: stabilizationWindowSeconds, selectPolicy, policies, tolerance
                JsonNode tolerance = r.remove("tolerance");
                if (tolerance != null) {
                    r.set("tolerance", tolerance);
                }
            }
        }
        return out;
    }

    private static JsonNode field(JsonNode object, String name) {
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    // ---- v2 → v1 ----

    @Override
    public ObjectNode fromStorage(ObjectNode v2) {
        ObjectNode v1 = NODES.objectNode();
        v1.put("kind", "HorizontalPodAutoscaler");
        v1.put("apiVersion", "autoscaling/v1");
        ObjectNode meta = v2.get("metadata") instanceof ObjectNode m ? m.deepCopy() : NODES.objectNode();
        v1.set("metadata", meta);
        if (meta.get("annotations") instanceof ObjectNode a) {
            a.remove(ROUND_TRIP);
        }
        JsonNode spec2 = v2.path("spec");
        ObjectNode spec = v1.putObject("spec");
        copy(spec2, spec, "scaleTargetRef", "minReplicas", "maxReplicas");
        List<JsonNode> otherMetrics = new ArrayList<>();
        boolean cpuFound = false;
        for (JsonNode m : spec2.path("metrics")) {
            if (isCpuUtilization(m)) {
                if (!cpuFound) {
                    spec.set("targetCPUUtilizationPercentage",
                            m.path("resource").path("target").get("averageUtilization"));
                    cpuFound = true;
                }
                continue;
            }
            otherMetrics.add(metricToV1(m));
        }
        JsonNode status2 = v2.get("status");
        if (status2 instanceof ObjectNode s) {
            ObjectNode status = v1.putObject("status");
            copy(s, status, "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas");
            for (JsonNode m : s.path("currentMetrics")) {
                if (m.path("type").asText("").equals("Resource") && m.path("resource").path("name").asText("")
                        .equals("cpu") && m.path("resource").path("current").has("averageUtilization")) {
                    status.set("currentCPUUtilizationPercentage",
                            m.path("resource").path("current").get("averageUtilization"));
                }
            }
        }
        if (!otherMetrics.isEmpty()) {
            ArrayNode list = NODES.arrayNode();
            otherMetrics.forEach(list::add);
            annotate(meta, METRICS, list);
        }
        if (status2 != null && status2.path("currentMetrics").size() > 0) {
            ArrayNode list = NODES.arrayNode();
            status2.path("currentMetrics").forEach(m -> list.add(metricStatusToV1(m)));
            annotate(meta, CURRENT_METRICS, list);
        }
        if (spec2.get("behavior") instanceof ObjectNode behavior) {
            annotate(meta, BEHAVIOR, behaviorToAnnotation(behavior));
        }
        if (status2 != null && status2.path("conditions").size() > 0) {
            annotate(meta, CONDITIONS, status2.get("conditions"));
        }
        if (meta.get("annotations") instanceof ObjectNode a && a.isEmpty()) {
            meta.remove("annotations");
        }
        return v1;
    }

    private static boolean isCpuUtilization(JsonNode m) {
        return m.path("type").asText("").equals("Resource") && m.path("resource").path("name").asText("")
                .equals("cpu") && m.path("resource").path("target").path("averageUtilization").isNumber();
    }

    private static ObjectNode metricToV1(JsonNode m) {
        ObjectNode out = NODES.objectNode();
        String type = m.path("type").asText("");
        out.put("type", type);
        switch (type) {
            case "Object" -> {
                JsonNode in = m.path("object");
                ObjectNode source = out.putObject("object");
                source.set("target", reference(in.path("describedObject")));
                copyAs(in.path("metric"), "name", source, "metricName");
                source.set("targetValue", quantity(in.path("target").get("value")));
                copy(in.path("metric"), source, "selector");
                copy(in.path("target"), source, "averageValue");
            }
            case "Pods" -> {
                JsonNode in = m.path("pods");
                ObjectNode source = out.putObject("pods");
                copyAs(in.path("metric"), "name", source, "metricName");
                source.set("targetAverageValue", quantity(in.path("target").get("averageValue")));
                copy(in.path("metric"), source, "selector");
            }
            case "Resource", "ContainerResource" -> {
                String field = type.equals("Resource") ? "resource" : "containerResource";
                JsonNode in = m.path(field);
                ObjectNode source = out.putObject(field);
                copy(in, source, "name");
                copyAs(in.path("target"), "averageUtilization", source, "targetAverageUtilization");
                copyAs(in.path("target"), "averageValue", source, "targetAverageValue");
                copy(in, source, "container");
            }
            case "External" -> {
                JsonNode in = m.path("external");
                ObjectNode source = out.putObject("external");
                copyAs(in.path("metric"), "name", source, "metricName");
                copyAs(in.path("metric"), "selector", source, "metricSelector");
                copyAs(in.path("target"), "value", source, "targetValue");
                copyAs(in.path("target"), "averageValue", source, "targetAverageValue");
            }
            default -> {
            }
        }
        return out;
    }

    private static ObjectNode metricStatusToV1(JsonNode m) {
        ObjectNode out = NODES.objectNode();
        String type = m.path("type").asText("");
        out.put("type", type);
        switch (type) {
            case "Object" -> {
                JsonNode in = m.path("object");
                ObjectNode status = out.putObject("object");
                status.set("target", reference(in.path("describedObject")));
                copyAs(in.path("metric"), "name", status, "metricName");
                status.set("currentValue", quantity(in.path("current").get("value")));
                copy(in.path("metric"), status, "selector");
                copy(in.path("current"), status, "averageValue");
            }
            case "Pods" -> {
                JsonNode in = m.path("pods");
                ObjectNode status = out.putObject("pods");
                copyAs(in.path("metric"), "name", status, "metricName");
                status.set("currentAverageValue", quantity(in.path("current").get("averageValue")));
                copy(in.path("metric"), status, "selector");
            }
            case "Resource", "ContainerResource" -> {
                String field = type.equals("Resource") ? "resource" : "containerResource";
                JsonNode in = m.path(field);
                ObjectNode status = out.putObject(field);
                copy(in, status, "name");
                copyAs(in.path("current"), "averageUtilization", status, "currentAverageUtilization");
                status.set("currentAverageValue", quantity(in.path("current").get("averageValue")));
                copy(in, status, "container");
            }
            case "External" -> {
                JsonNode in = m.path("external");
                ObjectNode status = out.putObject("external");
                copyAs(in.path("metric"), "name", status, "metricName");
                copyAs(in.path("metric"), "selector", status, "metricSelector");
                status.set("currentValue", quantity(in.path("current").get("value")));
                copyAs(in.path("current"), "averageValue", status, "currentAverageValue");
            }
            default -> {
            }
        }
        return out;
    }

    /** The behavior as upstream's internal type marshals: Go field names, every field, null when unset. */
    private static ObjectNode behaviorToAnnotation(ObjectNode behavior) {
        ObjectNode out = NODES.objectNode();
        for (String direction : List.of("scaleUp", "scaleDown")) {
            String goName = Character.toUpperCase(direction.charAt(0)) + direction.substring(1);
            if (!(behavior.get(direction) instanceof ObjectNode rules)) {
                out.putNull(goName);
                continue;
            }
            ObjectNode r = out.putObject(goName);
            r.set("StabilizationWindowSeconds", orNull(rules.get("stabilizationWindowSeconds")));
            r.set("SelectPolicy", orNull(rules.get("selectPolicy")));
            if (rules.get("policies") instanceof ArrayNode policies) {
                ArrayNode list = r.putArray("Policies");
                for (JsonNode p : policies) {
                    ObjectNode policy = list.addObject();
                    policy.put("Type", p.path("type").asText(""));
                    policy.put("Value", p.path("value").asInt(0));
                    policy.put("PeriodSeconds", p.path("periodSeconds").asInt(0));
                }
            } else {
                r.putNull("Policies");
            }
            r.set("Tolerance", orNull(rules.get("tolerance")));
        }
        return out;
    }

    // ---- helpers ----

    private static JsonNode orNull(JsonNode value) {
        return value == null ? NODES.nullNode() : value.deepCopy();
    }

    /** A quantity v1 requires: Go writes its zero value as "0". */
    private static JsonNode quantity(JsonNode value) {
        return value == null || value.isNull() ? NODES.textNode("0") : value.deepCopy();
    }

    private static ObjectNode identifier(JsonNode name, JsonNode selector) {
        ObjectNode metric = NODES.objectNode();
        metric.put("name", name.asText(""));
        if (selector != null && !selector.isNull()) {
            metric.set("selector", selector.deepCopy());
        }
        return metric;
    }

    /** A CrossVersionObjectReference: kind, name, apiVersion. */
    private static ObjectNode reference(JsonNode in) {
        ObjectNode ref = NODES.objectNode();
        ref.put("kind", in.path("kind").asText(""));
        ref.put("name", in.path("name").asText(""));
        copy(in, ref, "apiVersion");
        return ref;
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            copyAs(from, f, to, f);
        }
    }

    private static void copyAs(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) {
            to.set(as, v.deepCopy());
        }
    }

    private static void annotate(ObjectNode meta, String key, JsonNode value) {
        ObjectNode annotations = meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
        try {
            annotations.put(key, JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> annotationArray(ObjectNode annotations, String key) {
        List<JsonNode> list = new ArrayList<>();
        if (annotationValue(annotations, key) instanceof ArrayNode array) {
            array.forEach(list::add);
        }
        return list;
    }

    /** An annotation's JSON value; null when absent or not JSON (upstream ignores what it cannot read). */
    private static JsonNode annotationValue(ObjectNode annotations, String key) {
        if (annotations == null || !annotations.path(key).isTextual()) {
            return null;
        }
        try {
            return JSON.readTree(annotations.get(key).asText());
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
