package io.karst.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;
import io.karst.scheduler.plugins.LabelSelectors;
import io.karst.scheduler.volumes.VolumeBinding;

/**
 * kube-scheduler's DefaultPreemption post-filter, as a pure computation over a snapshot: for a pod that fits on
 * no node, each node is tried with every pod of lower priority removed; where the pod then fits, victims are
 * reprieved one by one (those whose eviction would break a PodDisruptionBudget first, then the rest, most important
 * first) as long as the pod still fits; the node is then chosen by upstream's order: fewest budget violations,
 * lowest highest-victim priority, lowest priority sum, fewest victims, latest start of the most important victims.
 * A node rejected by a filter that removing pods cannot help (node name, affinity, taints, unschedulable) is not
 * tried, nor one whose volumes cannot be bound there, as upstream marks those rejections unresolvable.
 */
final class Preemption {
    /** Filters whose rejection no eviction can change (upstream: UnschedulableAndUnresolvable). */
    static final Set<String> UNRESOLVABLE = Set.of("NodeUnschedulable", "NodeName", "TaintToleration",
            "NodeAffinity", VolumeBinding.NAME);
    static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
    static final String NO_VICTIMS = "No preemption victims found for incoming pod";

    /** The chosen node and the pods to evict from it; or, when none, upstream's message why. */
    record Outcome(String node, List<ObjectNode> victims, String message) {
        boolean found() {
            return node != null;
        }
    }

    /** A PodDisruptionBudget as preemption counts it: its namespace, selector and the disruptions it allows. */
    record Budget(String namespace, JsonNode selector, int disruptionsAllowed, Set<String> disruptedPods) {
    }

    private Preemption() {
    }

    /** Whether the pod may preempt at all, else upstream's reason. */
    static String ineligibility(ObjectNode pod, List<NodeInfo> nodes) {
        if ("Never".equals(pod.path("spec").path("preemptionPolicy").asText(""))) {
            return "not eligible due to preemptionPolicy=Never.";
        }
        String nominated = pod.path("status").path("nominatedNodeName").asText("");
        if (!nominated.isEmpty()) {
            int priority = priority(pod);
            for (NodeInfo node : nodes) {
                if (node.name().equals(nominated) && node.pods().stream().anyMatch(p -> priority(p.pod()) < priority
                        && p.pod().path("metadata").has("deletionTimestamp"))) {
                    // its earlier victims are still going: wait for them rather than evict more
                    return "not eligible due to a terminating pod on the nominated node.";
                }
            }
        }
        return null;
    }

    static Outcome find(PodInfo pod, List<NodeInfo> nodes, List<FilterPlugin> filters, List<Budget> budgets) {
        String ineligible = ineligibility(pod.pod(), nodes);
        if (ineligible != null) {
            return new Outcome(null, List.of(), ineligible);
        }
        int priority = priority(pod.pod());
        Map<String, Integer> reasons = new TreeMap<>();
        Candidate best = null;
        for (int i = 0; i < nodes.size(); i++) {
            NodeInfo node = nodes.get(i);
            if (rejectedUnresolvably(pod, node, nodes, filters)) {
                reasons.merge(NOT_HELPFUL, 1, Integer::sum);
                continue;
            }
            List<String> refusal = new ArrayList<>();
            Candidate candidate = victimsOn(pod, i, nodes, filters, budgets, priority, refusal);
            if (candidate == null) {
                refusal.stream().distinct().forEach(r -> reasons.merge(r, 1, Integer::sum));
            } else if (best == null || candidate.betterThan(best)) {
                best = candidate;
            }
        }
        if (best != null) {
            return new Outcome(best.node, best.victims, null);
        }
        List<String> parts = new ArrayList<>();
        reasons.forEach((reason, count) -> parts.add(count + " " + reason));
        parts.sort(null);
        return new Outcome(null, List.of(), "0/" + nodes.size() + " nodes are available: " + String.join(", ", parts)
                + ".");
    }

    private static boolean rejectedUnresolvably(PodInfo pod, NodeInfo node, List<NodeInfo> nodes,
            List<FilterPlugin> filters) {
        for (FilterPlugin f : filters) {
            if (UNRESOLVABLE.contains(f.name()) && !f.filter(pod, node, nodes).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The fewest victims on one node that make room for the pod, or null with why not in {@code refusal}: no pod
     * of lower priority, or the filters' reasons when even evicting all of them does not make it fit.
     */
    private static Candidate victimsOn(PodInfo pod, int index, List<NodeInfo> nodes, List<FilterPlugin> filters,
            List<Budget> budgets, int priority, List<String> refusal) {
        NodeInfo node = nodes.get(index);
        List<PodInfo> kept = new ArrayList<>();
        List<PodInfo> potential = new ArrayList<>();
        for (PodInfo p : node.pods()) {
            (priority(p.pod()) < priority ? potential : kept).add(p);
        }
        if (potential.isEmpty()) {
            refusal.add(NO_VICTIMS);
            return null;
        }
        List<String> withoutAll = rejections(pod, index, nodes, kept, filters);
        if (!withoutAll.isEmpty()) {
            refusal.addAll(withoutAll);
            return null;
        }
        potential.sort(MORE_IMPORTANT_FIRST);
        Map<String, Integer> allowed = new HashMap<>();
        List<PodInfo> violating = new ArrayList<>();
        List<PodInfo> harmless = new ArrayList<>();
        for (PodInfo p : potential) {
            (breaksBudget(p.pod(), budgets, allowed) ? violating : harmless).add(p);
        }
        List<ObjectNode> victims = new ArrayList<>();
        int violations = 0;
        for (List<PodInfo> group : List.of(violating, harmless)) {
            for (PodInfo p : group) {
                kept.add(p);
                if (!rejections(pod, index, nodes, kept, filters).isEmpty()) {
                    kept.remove(kept.size() - 1);
                    victims.add(p.pod());
                    if (group == violating) {
                        violations++;
                    }
                }
            }
        }
        return new Candidate(node.name(), victims, violations);
    }

    /** What the first rejecting filter says of the pod on the node with only {@code remaining} on it; empty: it fits. */
    private static List<String> rejections(PodInfo pod, int index, List<NodeInfo> nodes, List<PodInfo> remaining,
            List<FilterPlugin> filters) {
        NodeInfo reduced = Scheduler.nodeInfo(nodes.get(index).node(), remaining);
        List<NodeInfo> view = new ArrayList<>(nodes);
        view.set(index, reduced);
        for (FilterPlugin f : filters) {
            List<String> why = f.filter(pod, reduced, view);
            if (!why.isEmpty()) {
                return why;
            }
        }
        return List.of();
    }

    /** Whether evicting the pod takes a disruption its budgets do not have left (counting earlier victims). */
    private static boolean breaksBudget(ObjectNode pod, List<Budget> budgets, Map<String, Integer> allowed) {
        boolean breaks = false;
        String namespace = pod.path("metadata").path("namespace").asText();
        JsonNode labels = pod.path("metadata").path("labels");
        for (int i = 0; i < budgets.size(); i++) {
            Budget b = budgets.get(i);
            // as upstream's preemption: a budget with no selector, or an empty one, protects nothing
            boolean emptySelector = b.selector().path("matchLabels").isEmpty()
                    && b.selector().path("matchExpressions").isEmpty();
            if (!b.namespace().equals(namespace) || emptySelector || b.disruptedPods().contains(pod.path("metadata")
                    .path("name").asText()) || !LabelSelectors.matches(b.selector(), labels)) {
                continue;
            }
            int left = allowed.merge(String.valueOf(i), -1, Integer::sum) + b.disruptionsAllowed();
            if (left < 0) {
                breaks = true;
            }
        }
        return breaks;
    }

    static int priority(JsonNode pod) {
        return pod.path("spec").path("priority").asInt(0);
    }

    private static Instant startTime(JsonNode pod) {
        String start = pod.path("status").path("startTime").asText("");
        if (start.isEmpty()) {
            start = pod.path("metadata").path("creationTimestamp").asText("");
        }
        return start.isEmpty() ? Instant.MAX : Instant.parse(start);
    }

    /** Upstream's MoreImportantPod: higher priority, then the one that started earlier. */
    private static final Comparator<PodInfo> MORE_IMPORTANT_FIRST = Comparator
            .<PodInfo>comparingInt(p -> -priority(p.pod())).thenComparing(p -> startTime(p.pod()));

    /** One node's victims and how they compare, by upstream's pickOneNodeForPreemption. */
    private record Candidate(String node, List<ObjectNode> victims, int violations) {
        boolean betterThan(Candidate other) {
            if (violations != other.violations) {
                return violations < other.violations;
            }
            int highest = highestPriority();
            int otherHighest = other.highestPriority();
            if (highest != otherHighest) {
                return highest < otherHighest;
            }
            long sum = prioritySum();
            long otherSum = other.prioritySum();
            if (sum != otherSum) {
                return sum < otherSum;
            }
            if (victims.size() != other.victims.size()) {
                return victims.size() < other.victims.size();
            }
            // the node whose most important victims started last loses the least work
            return earliestStartOfHighest().isAfter(other.earliestStartOfHighest());
        }

        private int highestPriority() {
            return victims.stream().mapToInt(Preemption::priority).max().orElse(Integer.MIN_VALUE);
        }

        private long prioritySum() {
            // offset as upstream so that negative priorities still count as something
            return victims.stream().mapToLong(v -> (long) priority(v) + Integer.MAX_VALUE + 1L).sum();
        }

        private Instant earliestStartOfHighest() {
            int highest = highestPriority();
            return victims.stream().filter(v -> priority(v) == highest).map(Preemption::startTime)
                    .min(Comparator.naturalOrder()).orElse(Instant.MAX);
        }
    }
}
