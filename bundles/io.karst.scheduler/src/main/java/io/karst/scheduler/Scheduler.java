package io.karst.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.WriteOptions;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;
import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;
import io.karst.api.scheduler.ScorePlugin;

/**
 * kube-scheduler's default profile as a {@link Controller}, so it runs on the server that holds the controller
 * runtime's Lease (Karst's control plane is one process; a second Lease would only let scheduling and the
 * controllers lead on different servers). Each pod for {@code default-scheduler} without a node is a key: the
 * nodes every {@link FilterPlugin} accepts are scored by every {@link ScorePlugin} (weighted sum, ties at random)
 * and the pod is bound through {@code pods/binding}. A pod that fits nowhere gets {@code PodScheduled=False}
 * reason {@code Unschedulable} with upstream's "0/N nodes are available: …" message and a FailedScheduling event,
 * and is tried again when a node or a bound pod changes, and every five minutes (upstream's longest stay in the
 * unschedulable queue). Pods bound here are counted on their node at once, before the informer shows the binding.
 */
@Component(service = Controller.class, property = Controller.NAME + "=" + Scheduler.NAME)
public final class Scheduler implements Controller {
    public static final String NAME = "scheduler";
    public static final String DEFAULT_SCHEDULER = "default-scheduler";
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey NODES = new ResourceKey("", "v1", "nodes");
    static final Duration UNSCHEDULABLE_RETRY = Duration.ofMinutes(5);

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<FilterPlugin> filters;
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ScorePlugin> scorers;

    /** Pods bound here (key → node) that the pod informer does not show bound yet. */
    private final Map<String, ObjectNode> assumed = new ConcurrentHashMap<>();
    private volatile ResourceClient client;
    private volatile Informer pods;
    private volatile Informer nodes;
    private volatile EventRecorder events;

    public Scheduler() {
    }

    /** For tests: a scheduler with a fixed set of plugins. */
    public Scheduler(List<FilterPlugin> filters, List<ScorePlugin> scorers) {
        this.filters = List.copyOf(filters);
        this.scorers = List.copyOf(scorers);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        events = ctx.events();
        assumed.clear();
        pods = ctx.informers().informer(PODS);
        nodes = ctx.informers().informer(NODES);
        ctx.handle(pods, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode pod) {
                changed(ctx, null, pod);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode pod) {
                changed(ctx, old, pod);
            }

            @Override
            public void onDelete(ObjectNode pod, boolean finalStateUnknown) {
                assumed.remove(ObjectKeys.of(pod));
                if (!pod.path("spec").path("nodeName").asText("").isEmpty()) {
                    requeuePending(ctx); // resources and ports were freed
                }
            }
        });
        ctx.handle(nodes, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode node) {
                requeuePending(ctx);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode node) {
                if (!old.path("spec").equals(node.path("spec"))
                        || !old.path("metadata").path("labels").equals(node.path("metadata").path("labels"))
                        || !old.path("status").path("allocatable").equals(node.path("status").path("allocatable"))) {
                    requeuePending(ctx);
                }
            }
        });
    }

    private void changed(ControllerContext ctx, ObjectNode old, ObjectNode pod) {
        String key = ObjectKeys.of(pod);
        if (pending(pod)) {
            ctx.queue().add(key);
            return;
        }
        if (!pod.path("spec").path("nodeName").asText("").isEmpty()) {
            assumed.remove(key);
        }
        // a bound pod that finished or lost its node frees room for others
        if (old != null && !old.path("spec").path("nodeName").asText("").isEmpty()
                && !terminal(old) && terminal(pod)) {
            requeuePending(ctx);
        }
    }

    private void requeuePending(ControllerContext ctx) {
        for (ObjectNode pod : pods.lister().list(Scheduler::pending)) {
            ctx.queue().add(ObjectKeys.of(pod));
        }
    }

    /** Whether this scheduler is to place the pod: for it, without a node, not finished or being deleted. */
    static boolean pending(JsonNode pod) {
        String scheduler = pod.path("spec").path("schedulerName").asText("");
        return (scheduler.isEmpty() || scheduler.equals(DEFAULT_SCHEDULER))
                && pod.path("spec").path("nodeName").asText("").isEmpty()
                && !pod.path("metadata").has("deletionTimestamp") && !terminal(pod);
    }

    static boolean terminal(JsonNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> cached = pods.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (cached.isEmpty() || !pending(cached.get()) || assumed.containsKey(key)) {
            return ReconcileResult.DONE;
        }
        ObjectNode pod = cached.get();
        PodInfo info = new PodInfo(pod, Resources.podRequests(pod));
        List<NodeInfo> all = snapshot();
        Decision decision = decide(info, all, inUpstreamOrder(filters), scorers);
        if (decision.node() == null) {
            unschedulable(pod, decision.message());
            return ReconcileResult.after(UNSCHEDULABLE_RETRY);
        }
        bind(key, pod, decision.node());
        return ReconcileResult.DONE;
    }

    /** The nodes with the pods counted on them: bound ones from the informer, plus those bound here since. */
    private List<NodeInfo> snapshot() {
        Map<String, List<PodInfo>> byNode = new HashMap<>();
        Map<String, String> seen = new HashMap<>();
        for (ObjectNode pod : pods.lister().list()) {
            String node = pod.path("spec").path("nodeName").asText("");
            if (!node.isEmpty() && !terminal(pod)) {
                byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(new PodInfo(pod, Resources.podRequests(pod)));
                seen.put(ObjectKeys.of(pod), node);
            }
        }
        assumed.forEach((key, pod) -> {
            if (!seen.containsKey(key)) {
                byNode.computeIfAbsent(pod.path("spec").path("nodeName").asText(), n -> new ArrayList<>())
                        .add(new PodInfo(pod, Resources.podRequests(pod)));
            }
        });
        List<NodeInfo> out = new ArrayList<>();
        for (ObjectNode node : nodes.lister().list()) {
            String name = node.path("metadata").path("name").asText();
            out.add(nodeInfo(node, byNode.getOrDefault(name, List.of())));
        }
        return out;
    }

    /** Upstream's filter order in the default profile; plugins from other bundles run after these. */
    static final List<String> FILTER_ORDER = List.of("NodeUnschedulable", "NodeName", "TaintToleration",
            "NodeAffinity", "NodePorts", "NodeResourcesFit");

    /** The filters sorted as upstream runs them, since the first to reject a node gives its reason. */
    static List<FilterPlugin> inUpstreamOrder(List<FilterPlugin> filters) {
        List<FilterPlugin> sorted = new ArrayList<>(filters);
        sorted.sort(java.util.Comparator.comparingInt(f -> {
            int at = FILTER_ORDER.indexOf(f.name());
            return at < 0 ? FILTER_ORDER.size() : at;
        }));
        return sorted;
    }

    /** A NodeInfo from a Node and the pods on it. */
    public static NodeInfo nodeInfo(ObjectNode node, List<PodInfo> podsOnNode) {
        Map<String, Long> requested = new HashMap<>();
        for (PodInfo p : podsOnNode) {
            p.requests().forEach((k, v) -> requested.merge(k, v, Long::sum));
        }
        return new NodeInfo(node, podsOnNode, Resources.of(node.path("status").path("allocatable")), requested);
    }

    /**
     * The scheduling cycle on a snapshot: filter, score, pick.
     *
     * @return the chosen node's name, or null and the reason message for the pod's condition and event
     */
    public static Decision decide(PodInfo pod, List<NodeInfo> nodes, List<FilterPlugin> filters,
            List<ScorePlugin> scorers) {
        if (nodes.isEmpty()) {
            return new Decision(null, "no nodes available to schedule pods");
        }
        List<NodeInfo> feasible = new ArrayList<>();
        Map<String, Integer> reasons = new TreeMap<>();
        for (NodeInfo node : nodes) {
            List<String> why = new ArrayList<>();
            for (FilterPlugin f : filters) {
                why.addAll(f.filter(pod, node));
                if (!why.isEmpty()) {
                    break; // upstream stops at the first plugin that rejects a node
                }
            }
            if (why.isEmpty()) {
                feasible.add(node);
            } else {
                why.stream().distinct().forEach(r -> reasons.merge(r, 1, Integer::sum));
            }
        }
        if (feasible.isEmpty()) {
            List<String> parts = new ArrayList<>();
            reasons.forEach((reason, count) -> parts.add(count + " " + reason));
            parts.sort(null); // upstream sorts the "<count> <reason>" strings
            return new Decision(null, "0/" + nodes.size() + " nodes are available: " + String.join(", ", parts) + ".");
        }
        if (feasible.size() == 1) {
            return new Decision(feasible.get(0).name(), null);
        }
        Map<String, Long> total = new HashMap<>();
        for (ScorePlugin s : scorers) {
            Map<String, Long> scores = new HashMap<>();
            for (NodeInfo node : feasible) {
                scores.put(node.name(), s.score(pod, node));
            }
            s.normalize(pod, scores);
            scores.forEach((node, score) -> total.merge(node, score * s.weight(), Long::sum));
        }
        // the best score; among equals, each equally likely (upstream's reservoir sampling)
        String best = null;
        long bestScore = Long.MIN_VALUE;
        int ties = 0;
        for (NodeInfo node : feasible) {
            long score = total.getOrDefault(node.name(), 0L);
            if (score > bestScore) {
                best = node.name();
                bestScore = score;
                ties = 1;
            } else if (score == bestScore && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                best = node.name();
            }
        }
        return new Decision(best, null);
    }

    /** The outcome of a scheduling cycle: a node, or why none. */
    public record Decision(String node, String message) {
    }

    private void bind(String key, ObjectNode pod, String node) {
        String namespace = ObjectKeys.namespace(key);
        String name = ObjectKeys.name(key);
        ObjectNode binding = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Binding");
        binding.putObject("metadata").put("name", name).put("namespace", namespace)
                .put("uid", pod.path("metadata").path("uid").asText());
        binding.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", node);
        ObjectNode placed = pod.deepCopy();
        placed.withObject("/spec").put("nodeName", node);
        assumed.put(key, placed);
        try {
            client.resource(PODS).inNamespace(namespace).create(binding, "binding", WriteOptions.NONE);
        } catch (ResourceException e) {
            assumed.remove(key);
            if (e.isNotFound() || e.isConflict()) {
                return; // deleted meanwhile, or bound by someone else: the informer brings the news
            }
            throw e;
        }
        events.event(pod, EventRecorder.NORMAL, "Scheduled",
                "Successfully assigned " + namespace + "/" + name + " to " + node);
    }

    private void unschedulable(ObjectNode pod, String message) {
        events.event(pod, EventRecorder.WARNING, "FailedScheduling", message);
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("PodScheduled") && c.path("status").asText().equals("False")
                    && c.path("reason").asText().equals("Unschedulable")
                    && c.path("message").asText().equals(message)) {
                return; // already says so
            }
        }
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.putObject("status").putArray("conditions").addObject().put("type", "PodScheduled")
                .put("status", "False").put("reason", "Unschedulable").put("message", message)
                .putNull("lastProbeTime")
                .put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            client.resource(PODS).inNamespace(pod.path("metadata").path("namespace").asText())
                    .patchStatus(pod.path("metadata").path("name").asText(), PatchTypes.STRATEGIC_MERGE_PATCH, patch);
        } catch (ResourceException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    @Override
    public void stop() {
        assumed.clear();
    }
}
