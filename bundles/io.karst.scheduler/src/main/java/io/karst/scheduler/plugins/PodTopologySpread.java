package io.karst.scheduler.plugins;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;
import io.karst.api.scheduler.ScorePlugin;

/**
 * Upstream's PodTopologySpread for a pod's own {@code topologySpreadConstraints}: pods matching a constraint's
 * selector (with {@code matchLabelKeys} taken from the pod, in its namespace, not terminating) are counted per value
 * of its {@code topologyKey} over the nodes that carry every constraint's key and, with the default
 * {@code nodeAffinityPolicy: Honor}, match the pod's node selector and required node affinity. A
 * {@code DoNotSchedule} constraint rejects a node whose domain would exceed the smallest domain's count by more than
 * {@code maxSkew} (the smallest being 0 while there are fewer domains than {@code minDomains}); a
 * {@code ScheduleAnyway} constraint scores nodes in less crowded domains higher. The system default constraints
 * upstream applies to pods without any are not applied; {@code nodeTaintsPolicy: Honor} is not honoured.
 */
@Component(service = {FilterPlugin.class, ScorePlugin.class})
public final class PodTopologySpread implements FilterPlugin, ScorePlugin {
    static final String SKEW = "node(s) didn't match pod topology spread constraints";
    static final String MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";

    @Override
    public String name() {
        return "PodTopologySpread";
    }

    @Override
    public int weight() {
        return 2;
    }

    @Override
    public List<String> filter(PodInfo pod, NodeInfo node) {
        return List.of();
    }

    @Override
    public List<String> filter(PodInfo pod, NodeInfo node, List<NodeInfo> cluster) {
        List<JsonNode> constraints = constraints(pod, "DoNotSchedule");
        if (constraints.isEmpty()) {
            return List.of();
        }
        JsonNode labels = node.node().path("metadata").path("labels");
        for (JsonNode c : constraints) {
            if (!labels.path(c.path("topologyKey").asText()).isTextual()) {
                return List.of(MISSING_LABEL);
            }
        }
        List<NodeInfo> counted = eligible(pod, cluster, constraints);
        for (JsonNode c : constraints) {
            String key = c.path("topologyKey").asText();
            Map<String, Long> counts = counts(pod, c, counted);
            long min = counts.values().stream().mapToLong(Long::longValue).min().orElse(0);
            if (counts.size() < c.path("minDomains").asInt(1)) {
                min = 0;
            }
            long self = LabelSelectors.matches(selector(pod, c), pod.pod().path("metadata").path("labels")) ? 1 : 0;
            long here = counts.getOrDefault(labels.path(key).asText(), 0L);
            if (here + self - min > c.path("maxSkew").asLong(1)) {
                return List.of(SKEW);
            }
        }
        return List.of();
    }

    @Override
    public long score(PodInfo pod, NodeInfo node) {
        return 0;
    }

    /**
     * The pods in the node's domains, each constraint weighted by the log of its number of domains plus two, as
     * upstream's; lower is better, inverted by {@link #normalize}. A node without a key scores -1 (invalid).
     */
    @Override
    public long score(PodInfo pod, NodeInfo node, List<NodeInfo> cluster) {
        List<JsonNode> constraints = constraints(pod, "ScheduleAnyway");
        if (constraints.isEmpty()) {
            return 0;
        }
        JsonNode labels = node.node().path("metadata").path("labels");
        List<NodeInfo> counted = eligible(pod, cluster, constraints);
        double sum = 0;
        for (JsonNode c : constraints) {
            String key = c.path("topologyKey").asText();
            if (!labels.path(key).isTextual()) {
                return -1;
            }
            Map<String, Long> counts = counts(pod, c, counted);
            double weight = Math.log(counts.size() + 2);
            sum += (counts.getOrDefault(labels.path(key).asText(), 0L) + c.path("maxSkew").asLong(1) - 1) * weight;
        }
        return Math.round(sum);
    }

    @Override
    public void normalize(PodInfo pod, Map<String, Long> scores) {
        if (constraints(pod, "ScheduleAnyway").isEmpty()) {
            return;
        }
        long max = 0;
        long min = Long.MAX_VALUE;
        for (long s : scores.values()) {
            if (s >= 0) {
                max = Math.max(max, s);
                min = Math.min(min, s);
            }
        }
        for (Map.Entry<String, Long> e : scores.entrySet()) {
            long s = e.getValue();
            if (s < 0) {
                e.setValue(0L);
            } else if (max == 0) {
                e.setValue(MAX_SCORE);
            } else {
                e.setValue(MAX_SCORE * (max + min - s) / max);
            }
        }
    }

    private static List<JsonNode> constraints(PodInfo pod, String when) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : pod.pod().path("spec").path("topologySpreadConstraints")) {
            if (c.path("whenUnsatisfiable").asText().equals(when)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The constraint's selector, with the pod's values of its {@code matchLabelKeys} added as matchLabels. */
    private static JsonNode selector(PodInfo pod, JsonNode constraint) {
        JsonNode selector = constraint.path("labelSelector");
        if (constraint.path("matchLabelKeys").isEmpty() || selector.isMissingNode()) {
            return selector;
        }
        ObjectNode merged = ((ObjectNode) selector).deepCopy();
        JsonNode labels = pod.pod().path("metadata").path("labels");
        for (JsonNode key : constraint.path("matchLabelKeys")) {
            if (labels.path(key.asText()).isTextual()) {
                merged.withObject("/matchLabels").put(key.asText(), labels.path(key.asText()).asText());
            }
        }
        return merged;
    }

    /** The nodes whose pods count: every constraint's key present and, by default, the pod's node affinity met. */
    private static List<NodeInfo> eligible(PodInfo pod, List<NodeInfo> cluster, List<JsonNode> constraints) {
        NodeAffinity affinity = new NodeAffinity();
        List<NodeInfo> out = new ArrayList<>();
        for (NodeInfo n : cluster) {
            JsonNode labels = n.node().path("metadata").path("labels");
            boolean keys = constraints.stream().allMatch(c -> labels.path(c.path("topologyKey").asText()).isTextual());
            boolean honoured = constraints.stream().allMatch(c -> c.path("nodeAffinityPolicy").asText("Honor")
                    .equals("Ignore")) || affinity.filter(pod, n).isEmpty();
            if (keys && honoured) {
                out.add(n);
            }
        }
        return out;
    }

    private static Map<String, Long> counts(PodInfo pod, JsonNode constraint, List<NodeInfo> nodes) {
        String key = constraint.path("topologyKey").asText();
        String namespace = pod.pod().path("metadata").path("namespace").asText();
        JsonNode selector = selector(pod, constraint);
        Map<String, Long> counts = new HashMap<>();
        for (NodeInfo n : nodes) {
            String domain = n.node().path("metadata").path("labels").path(key).asText();
            long matching = 0;
            for (PodInfo p : n.pods()) {
                JsonNode meta = p.pod().path("metadata");
                if (meta.path("namespace").asText().equals(namespace) && !meta.hasNonNull("deletionTimestamp")
                        && LabelSelectors.matches(selector, meta.path("labels"))) {
                    matching++;
                }
            }
            counts.merge(domain, matching, Long::sum);
        }
        return counts;
    }
}
