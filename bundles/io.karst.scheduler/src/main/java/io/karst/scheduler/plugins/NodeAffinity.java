package io.karst.scheduler.plugins;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;
import io.karst.api.scheduler.ScorePlugin;

/**
 * Upstream's NodeAffinity: the node must match {@code spec.nodeSelector} and one of the required node selector
 * terms (terms are ORed, expressions and fields within a term ANDed); the score is the sum of the weights of the
 * preferred terms the node matches, normalized to 0..100 (weight 2 in the default profile).
 */
@Component(service = {FilterPlugin.class, ScorePlugin.class})
public final class NodeAffinity implements FilterPlugin, ScorePlugin {
    static final String REASON = "node(s) didn't match Pod's node affinity/selector";

    @Override
    public String name() {
        return "NodeAffinity";
    }

    @Override
    public int weight() {
        return 2;
    }

    @Override
    public List<String> filter(PodInfo pod, NodeInfo node) {
        JsonNode nodeSelector = pod.pod().path("spec").path("nodeSelector");
        JsonNode required = pod.pod().path("spec").path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution");
        boolean noRequirement = required.isMissingNode() || required.isNull();
        if (nodeSelector.isEmpty() && noRequirement) {
            // every node fits: its labels are not read (a cycle filters hundreds of nodes, each read a cache miss)
            return List.of();
        }
        JsonNode labels = node.node().path("metadata").path("labels");
        var selector = nodeSelector.fields();
        while (selector.hasNext()) {
            var e = selector.next();
            if (!labels.path(e.getKey()).isTextual() || !labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return List.of(REASON);
            }
        }
        if (!noRequirement) {
            boolean any = false;
            for (JsonNode term : required.path("nodeSelectorTerms")) {
                if (matches(term, node.node())) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return List.of(REASON);
            }
        }
        return List.of();
    }

    @Override
    public long score(PodInfo pod, NodeInfo node) {
        long sum = 0;
        for (JsonNode pref : pod.pod().path("spec").path("affinity").path("nodeAffinity")
                .path("preferredDuringSchedulingIgnoredDuringExecution")) {
            if (pref.path("weight").asInt() != 0 && matches(pref.path("preference"), node.node())) {
                sum += pref.path("weight").asInt();
            }
        }
        return sum;
    }

    @Override
    public void normalize(PodInfo pod, Map<String, Long> scores) {
        long max = scores.values().stream().mapToLong(Long::longValue).max().orElse(0);
        if (max > 0) {
            scores.replaceAll((node, s) -> s * MAX_SCORE / max);
        }
    }

    /** A node selector term: every expression on labels and every field expression must hold; empty matches none. */
    public static boolean matches(JsonNode term, JsonNode node) {
        JsonNode expressions = term.path("matchExpressions");
        JsonNode fields = term.path("matchFields");
        if (expressions.isEmpty() && fields.isEmpty()) {
            return false;
        }
        for (JsonNode e : expressions) {
            if (!holds(e, node.path("metadata").path("labels"))) {
                return false;
            }
        }
        for (JsonNode f : fields) {
            // the only supported field is metadata.name
            if (!f.path("key").asText().equals("metadata.name")) {
                return false;
            }
            ObjectNodeView name = new ObjectNodeView("metadata.name", node.path("metadata").path("name").asText());
            if (!holds(f, name.asLabels())) {
                return false;
            }
        }
        return true;
    }

    private static boolean holds(JsonNode e, JsonNode labels) {
        String key = e.path("key").asText();
        boolean has = labels.path(key).isTextual();
        String value = labels.path(key).asText("");
        JsonNode values = e.path("values");
        switch (e.path("operator").asText()) {
            case "In":
                return has && contains(values, value);
            case "NotIn":
                return !has || !contains(values, value);
            case "Exists":
                return has;
            case "DoesNotExist":
                return !has;
            case "Gt":
            case "Lt":
                if (!has || values.size() != 1) {
                    return false;
                }
                try {
                    long have = Long.parseLong(value);
                    long limit = Long.parseLong(values.get(0).asText());
                    return e.path("operator").asText().equals("Gt") ? have > limit : have < limit;
                } catch (NumberFormatException ex) {
                    return false;
                }
            default:
                return false;
        }
    }

    private static boolean contains(JsonNode values, String value) {
        for (JsonNode v : values) {
            if (v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** A single field presented as a label set, so field expressions use the label operators. */
    private record ObjectNodeView(String key, String value) {
        JsonNode asLabels() {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put(key, value);
        }
    }
}
