package io.karst.controllers.daemonset;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Whether a daemon pod should run on a node, as upstream's NodeShouldRunDaemonPod: the node must match the pod's
 * {@code nodeSelector} and required node affinity, and every NoSchedule/NoExecute taint of the node must be
 * tolerated by the pod's tolerations plus the defaults the controller adds.
 */
final class NodeEligibility {
    private NodeEligibility() {
    }

    /** Upstream's AddOrUpdateDaemonPodTolerations: tolerations every daemon pod gets. */
    static void addDefaultTolerations(ObjectNode podSpec) {
        ArrayNode tolerations = podSpec.withArray("tolerations");
        add(tolerations, "node.kubernetes.io/not-ready", "NoExecute");
        add(tolerations, "node.kubernetes.io/unreachable", "NoExecute");
        add(tolerations, "node.kubernetes.io/disk-pressure", "NoSchedule");
        add(tolerations, "node.kubernetes.io/memory-pressure", "NoSchedule");
        add(tolerations, "node.kubernetes.io/pid-pressure", "NoSchedule");
        add(tolerations, "node.kubernetes.io/unschedulable", "NoSchedule");
        if (podSpec.path("hostNetwork").asBoolean(false)) {
            add(tolerations, "node.kubernetes.io/network-unavailable", "NoSchedule");
        }
    }

    private static void add(ArrayNode tolerations, String key, String effect) {
        for (JsonNode t : tolerations) {
            if (t.path("key").asText().equals(key) && t.path("effect").asText().equals(effect)
                    && t.path("operator").asText().equals("Exists")) {
                return;
            }
        }
        tolerations.addObject().put("key", key).put("operator", "Exists").put("effect", effect);
    }

    static boolean shouldRun(JsonNode podSpec, ObjectNode node) {
        JsonNode labels = node.path("metadata").path("labels");
        var selector = podSpec.path("nodeSelector").fields();
        while (selector.hasNext()) {
            var e = selector.next();
            if (!labels.path(e.getKey()).isTextual() || !labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        JsonNode terms = podSpec.path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
        if (terms.isArray() && !terms.isEmpty()) {
            boolean any = false;
            for (JsonNode term : terms) {
                if (termMatches(term, node)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        ObjectNode withDefaults = podSpec.deepCopy();
        addDefaultTolerations(withDefaults);
        for (JsonNode taint : node.path("spec").path("taints")) {
            String effect = taint.path("effect").asText();
            if (!effect.equals("NoSchedule") && !effect.equals("NoExecute")) {
                continue; // PreferNoSchedule does not keep daemon pods away
            }
            if (!tolerated(withDefaults.path("tolerations"), taint)) {
                return false;
            }
        }
        return true;
    }

    private static boolean tolerated(JsonNode tolerations, JsonNode taint) {
        for (JsonNode t : tolerations) {
            String effect = t.path("effect").asText("");
            if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText())) {
                continue;
            }
            String key = t.path("key").asText("");
            String operator = t.path("operator").asText("Equal");
            if (key.isEmpty()) {
                if (operator.equals("Exists")) {
                    return true;
                }
                continue;
            }
            if (!key.equals(taint.path("key").asText())) {
                continue;
            }
            if (operator.equals("Exists") || t.path("value").asText("").equals(taint.path("value").asText(""))) {
                return true;
            }
        }
        return false;
    }

    /** A node selector term: every expression on labels and fields must hold; an empty term matches nothing. */
    private static boolean termMatches(JsonNode term, ObjectNode node) {
        JsonNode expressions = term.path("matchExpressions");
        JsonNode fields = term.path("matchFields");
        if (expressions.isEmpty() && fields.isEmpty()) {
            return false;
        }
        for (JsonNode e : expressions) {
            JsonNode value = node.path("metadata").path("labels").path(e.path("key").asText());
            if (!requirement(e, value.isTextual() ? value.asText() : null)) {
                return false;
            }
        }
        for (JsonNode f : fields) {
            String value = f.path("key").asText().equals("metadata.name")
                    ? node.path("metadata").path("name").asText() : null;
            if (!requirement(f, value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean requirement(JsonNode r, String value) {
        List<String> values = new ArrayList<>();
        r.path("values").forEach(v -> values.add(v.asText()));
        switch (r.path("operator").asText()) {
            case "In":
                return value != null && values.contains(value);
            case "NotIn":
                return value == null || !values.contains(value);
            case "Exists":
                return value != null;
            case "DoesNotExist":
                return value == null;
            case "Gt":
            case "Lt":
                if (value == null || values.size() != 1) {
                    return false;
                }
                try {
                    long have = Long.parseLong(value);
                    long bound = Long.parseLong(values.get(0));
                    return r.path("operator").asText().equals("Gt") ? have > bound : have < bound;
                } catch (NumberFormatException e) {
                    return false;
                }
            default:
                return false;
        }
    }

    /** Upstream's ReplaceDaemonSetPodNodeNameNodeAffinity: the pod may only go to {@code nodeName}. */
    static void pinToNode(ObjectNode podSpec, String nodeName) {
        ObjectNode required = podSpec.with("affinity").with("nodeAffinity")
                .with("requiredDuringSchedulingIgnoredDuringExecution");
        ArrayNode terms = required.putArray("nodeSelectorTerms");
        ObjectNode field = terms.addObject().putArray("matchFields").addObject();
        field.put("key", "metadata.name");
        field.put("operator", "In");
        field.putArray("values").add(nodeName);
    }

    /** The node a daemon pod is bound to, or the one its affinity pins it to. */
    static String nodeOf(JsonNode pod) {
        String bound = pod.path("spec").path("nodeName").asText("");
        if (!bound.isEmpty()) {
            return bound;
        }
        for (JsonNode term : pod.path("spec").path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms")) {
            for (JsonNode f : term.path("matchFields")) {
                if (f.path("key").asText().equals("metadata.name") && f.path("operator").asText().equals("In")
                        && f.path("values").size() == 1) {
                    return f.path("values").get(0).asText();
                }
            }
        }
        return "";
    }

    static ObjectNode empty() {
        return JsonNodeFactory.instance.objectNode();
    }
}
