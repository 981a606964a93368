package io.karst.scheduler.plugins;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;
import io.karst.api.scheduler.ScorePlugin;

/**
 * Upstream's InterPodAffinity. Filter, in upstream's order: a node is refused when one of the incoming pod's
 * required affinity terms finds no matching pod in the node's domain of the term's {@code topologyKey} (unless no
 * pod anywhere matches and the pod matches its own term: the first of a group), when one of its required
 * anti-affinity terms finds one, or when a pod already in that domain has a required anti-affinity term matching the
 * incoming pod ("existing pods anti-affinity rules"). Score: the weights of the incoming pod's preferred terms for each matching
 * pod in the node's domain (anti-affinity subtracts), plus the existing pods' preferred terms and required affinity
 * (weight 1) that match the incoming pod, scaled between the lowest and the highest. A term's namespaces are its
 * {@code namespaces}, all of them for an empty {@code namespaceSelector}, else the pod's own; a non-empty
 * {@code namespaceSelector} is not evaluated (the plugin does not see Namespaces) and adds none.
 */
@Component(service = {FilterPlugin.class, ScorePlugin.class})
public final class InterPodAffinity implements FilterPlugin, ScorePlugin {
    static final String EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
    static final String AFFINITY = "node(s) didn't match pod affinity rules";
    static final String ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
    private static final int HARD_POD_AFFINITY_WEIGHT = 1;

    @Override
    public String name() {
        return "InterPodAffinity";
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
        if (!hasTerms(pod) && withTerms(cluster).isEmpty()) {
            return List.of(); // no terms on either side: the node's labels are not read
        }
        JsonNode labels = labels(node);
        for (JsonNode term : terms(pod, "podAffinity", "requiredDuringSchedulingIgnoredDuringExecution")) {
            if (!labels.path(term.path("topologyKey").asText()).isTextual()) {
                return List.of(AFFINITY);
            }
            if (!anyInDomain(term, pod, labels, cluster)) {
                // the first pod of a group that wants to be with its own kind may go anywhere with the key
                boolean anywhere = cluster.stream().anyMatch(n -> n.pods().stream().anyMatch(p -> matches(term, pod, p)));
                if (anywhere || !matches(term, pod, pod)) {
                    return List.of(AFFINITY);
                }
            }
        }
        for (JsonNode term : terms(pod, "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution")) {
            if (anyInDomain(term, pod, labels, cluster)) {
                return List.of(ANTI_AFFINITY);
            }
        }
        // upstream's order: the pod's affinity, its anti-affinity, then the existing pods' anti-affinity
        for (Placed placed : withTerms(cluster)) {
            PodInfo existing = placed.pod();
            for (JsonNode term : terms(existing, "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution")) {
                if (matches(term, existing, pod) && sameDomain(term, labels, labels(placed.node()))) {
                    return List.of(EXISTING_ANTI_AFFINITY);
                }
            }
        }
        return List.of();
    }

    @Override
    public long score(PodInfo pod, NodeInfo node) {
        return 0;
    }

    @Override
    public long score(PodInfo pod, NodeInfo node, List<NodeInfo> cluster) {
        if (!hasTerms(pod) && withTerms(cluster).isEmpty()) {
            return 0; // no terms on either side: the node's labels are not read
        }
        JsonNode labels = labels(node);
        long score = 0;
        if (hasTerms(pod)) {
            for (NodeInfo other : cluster) {
                JsonNode otherLabels = labels(other);
                for (PodInfo existing : other.pods()) {
                    score += weighted(pod, "podAffinity", pod, existing, labels, otherLabels, 1);
                    score += weighted(pod, "podAntiAffinity", pod, existing, labels, otherLabels, -1);
                }
            }
        }
        // the existing pods' wishes about the incoming one, as upstream scores them symmetrically
        for (Placed placed : withTerms(cluster)) {
            PodInfo existing = placed.pod();
            JsonNode otherLabels = labels(placed.node());
            score += weighted(existing, "podAffinity", existing, pod, otherLabels, labels, 1);
            score += weighted(existing, "podAntiAffinity", existing, pod, otherLabels, labels, -1);
            for (JsonNode term : terms(existing, "podAffinity", "requiredDuringSchedulingIgnoredDuringExecution")) {
                if (matches(term, existing, pod) && sameDomain(term, labels, otherLabels)) {
                    score += HARD_POD_AFFINITY_WEIGHT;
                }
            }
        }
        return score;
    }

    /** The sum of the weights of {@code owner}'s preferred terms of {@code kind} that {@code target} matches. */
    private static long weighted(PodInfo owner, String kind, PodInfo termsOf, PodInfo target, JsonNode here,
            JsonNode there, int sign) {
        long sum = 0;
        for (JsonNode weighted : terms(owner, kind, "preferredDuringSchedulingIgnoredDuringExecution")) {
            JsonNode term = weighted.path("podAffinityTerm");
            if (matches(term, termsOf, target) && sameDomain(term, here, there)) {
                sum += sign * weighted.path("weight").asLong();
            }
        }
        return sum;
    }

    @Override
    public void normalize(PodInfo pod, Map<String, Long> scores) {
        long max = scores.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long min = scores.values().stream().mapToLong(Long::longValue).min().orElse(0);
        for (Map.Entry<String, Long> e : scores.entrySet()) {
            e.setValue(max == min ? 0 : MAX_SCORE * (e.getValue() - min) / (max - min));
        }
    }

    /** A placed pod that has affinity or anti-affinity terms, and its node. */
    private record Placed(NodeInfo node, PodInfo pod) {
    }

    /** The placed pods with terms of one cycle's cluster, found once for all the nodes the cycle filters and scores. */
    private record CycleTerms(List<NodeInfo> cluster, List<Placed> placed) {
    }

    /**
     * Found again when a new cycle's cluster comes: the scheduler hands every node of a cycle the same list. Without
     * this, each node of each cycle walked every pod of the cluster (nodes × pods per pod scheduled), though few
     * pods have terms.
     */
    private volatile CycleTerms lastCycle;
    /**
     * The last cycle's nodes and, at the same positions, their placed pods with terms. The scheduler keeps its nodes
     * in one order and replaces only those its placements touched, so a node at the same position and the same
     * object (NodeInfo objects do not change) keeps its answer: a cycle costs a comparison per node, not a walk
     * over every pod of the cluster, nor a hash per node.
     */
    private volatile NodeTerms lastNodes = new NodeTerms(List.of(), List.of());

    private record NodeTerms(List<NodeInfo> nodes, List<List<PodInfo>> terms) {
    }

    private List<Placed> withTerms(List<NodeInfo> cluster) {
        CycleTerms seen = lastCycle;
        if (seen != null && seen.cluster() == cluster) {
            return seen.placed();
        }
        NodeTerms before = lastNodes;
        boolean aligned = before.nodes().size() == cluster.size();
        List<List<PodInfo>> terms = new ArrayList<>(cluster.size());
        List<Placed> placed = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            NodeInfo node = cluster.get(i);
            List<PodInfo> withTerms = aligned && before.nodes().get(i) == node ? before.terms().get(i)
                    : node.pods().stream().filter(InterPodAffinity::hasTerms).toList();
            terms.add(withTerms);
            for (PodInfo existing : withTerms) {
                placed.add(new Placed(node, existing));
            }
        }
        lastNodes = new NodeTerms(cluster, terms);
        lastCycle = new CycleTerms(cluster, placed);
        return placed;
    }

    private static boolean hasTerms(PodInfo pod) {
        JsonNode affinity = pod.pod().path("spec").path("affinity");
        return affinity.has("podAffinity") || affinity.has("podAntiAffinity");
    }

    private static List<JsonNode> terms(PodInfo pod, String kind, String when) {
        List<JsonNode> out = new ArrayList<>();
        pod.pod().path("spec").path("affinity").path(kind).path(when).forEach(out::add);
        return out;
    }

    /** Whether some pod in the node's domain of the term's key matches the term of {@code owner}. */
    private static boolean anyInDomain(JsonNode term, PodInfo owner, JsonNode labels, List<NodeInfo> cluster) {
        for (NodeInfo other : cluster) {
            if (sameDomain(term, labels, labels(other))
                    && other.pods().stream().anyMatch(p -> matches(term, owner, p))) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameDomain(JsonNode term, JsonNode a, JsonNode b) {
        String key = term.path("topologyKey").asText();
        return a.path(key).isTextual() && b.path(key).isTextual() && a.path(key).asText().equals(b.path(key).asText());
    }

    /** Whether {@code target} matches the term of {@code owner}: its namespaces and its label selector. */
    static boolean matches(JsonNode term, PodInfo owner, PodInfo target) {
        JsonNode targetMeta = target.pod().path("metadata");
        String namespace = targetMeta.path("namespace").asText();
        boolean inNamespaces;
        JsonNode listed = term.path("namespaces");
        JsonNode selector = term.path("namespaceSelector");
        if (selector.isObject() && selector.isEmpty()) {
            inNamespaces = true;
        } else if (!listed.isEmpty()) {
            inNamespaces = false;
            for (JsonNode n : listed) {
                inNamespaces |= n.asText().equals(namespace);
            }
        } else {
            inNamespaces = selector.isMissingNode() || selector.isNull()
                    ? owner.pod().path("metadata").path("namespace").asText().equals(namespace) : false;
        }
        return inNamespaces && LabelSelectors.matches(term.path("labelSelector"), targetMeta.path("labels"));
    }

    private static JsonNode labels(NodeInfo node) {
        return node.node().path("metadata").path("labels");
    }
}
