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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ThreadLocalRandom;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import io.karst.scheduler.volumes.VolumeBinding;

/**
 * kube-scheduler's default profile as a {@link Controller}, so it runs on the server that holds the controller
 * runtime's Lease (Karst's control plane is one process; a second Lease would only let scheduling and the
 * controllers lead on different servers). For each pod for {@code default-scheduler} without a node, the
 * nodes every {@link FilterPlugin} accepts are scored by every {@link ScorePlugin} (weighted sum, ties at random)
 * and the pod is bound through {@code pods/binding}. A pod that fits nowhere gets {@code PodScheduled=False}
 * reason {@code Unschedulable} with upstream's "0/N nodes are available: …" message and a FailedScheduling event,
 * and is tried again when it changes, when a node changes or a bound pod goes, and every five minutes (upstream's
 * longest stay in the unschedulable queue). A pod that fits nowhere may preempt pods of lower priority
 * ({@link Preemption}): they are evicted and the pod is nominated to their node. Pods are taken by {@code spec.priority}, then in order of arrival, in
 * passes over one queue key (so one worker). Pods bound here are counted on their node at once, before the informer shows the binding.
 * Volumes are always considered ({@link VolumeBinding}, upstream's default plugin): its PreFilter and PreBind need
 * the claim, volume and class caches this controller's context gives.
 */
@Component(service = Controller.class, property = Controller.NAME + "=" + Scheduler.NAME,
        configurationPid = Scheduler.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = Scheduler.Config.class)
public final class Scheduler implements Controller {
    static final String PID = "io.karst.scheduler";
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    @ObjectClassDefinition(name = "Karst scheduler")
    public @interface Config {
        @AttributeDefinition(description = "percentageOfNodesToScore of KubeSchedulerConfiguration: the share of "
                + "the nodes (1-100) a scheduling cycle stops filtering at once it found that many feasible ones; "
                + "0 for upstream's adaptive default (50% - nodes/125, at least 5%); at least 100 nodes either way")
        int percentageOfNodesToScore() default 0;
    }

    /** Upstream's minFeasibleNodesToFind: below this many nodes every node is filtered and scored. */
    static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
    /** Upstream's minFeasibleNodesPercentageToFind: the adaptive percentage never goes below it. */
    static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
    public static final String NAME = "scheduler";
    public static final String DEFAULT_SCHEDULER = "default-scheduler";
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey NODES = new ResourceKey("", "v1", "nodes");
    static final ResourceKey BUDGETS = new ResourceKey("policy", "v1", "poddisruptionbudgets");
    static final Duration UNSCHEDULABLE_RETRY = Duration.ofMinutes(5);
    /** The one key of the scheduling queue: a pass places all pending pods in priority order. */
    static final String QUEUE = "scheduling-queue";
    /** How long a pass places pods on one snapshot of the cluster before it takes a fresh one. */
    static final Duration SNAPSHOT_MAX_AGE = Duration.ofSeconds(1);

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<FilterPlugin> filters;
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ScorePlugin> scorers;

    /** Pods bound here (key → node) that the pod informer does not show bound yet. */
    private final Map<String, ObjectNode> assumed = new ConcurrentHashMap<>();
    /** Pods that fit nowhere (key → when found so), left out of passes until something changes or 5 min pass. */
    private final Map<String, Instant> unschedulable = new ConcurrentHashMap<>();
    /** The order pending pods arrived in, for FIFO among equal priorities. */
    private final Map<String, Long> arrival = new ConcurrentHashMap<>();
    /** Counts the events that may make unschedulable pods fit. */
    private final java.util.concurrent.atomic.AtomicLong moves = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Counts the changes a kept snapshot does not follow by itself: nodes added, removed or changed in what the
     * filters read, bound pods gone, finished or changed, pods bound by others, bindings that failed. A pass
     * keeps the last pass's snapshot while this is unchanged (and the snapshot is under a second old).
     */
    private final java.util.concurrent.atomic.AtomicLong clusterChanges = new java.util.concurrent.atomic.AtomicLong();
    /** The last pass's snapshot and the {@link #clusterChanges} it was taken at; touched only by the passes. */
    private ClusterSnapshot keptSnapshot;
    private long keptAtChanges = -1;
    private volatile ResourceClient client;
    private volatile Informer pods;
    private volatile Informer nodes;
    private volatile Informer budgets;
    private volatile EventRecorder events;
    private volatile VolumeBinding volumeBinding;
    private volatile ControllerContext context;
    /**
     * Runs binding cycles (upstream's goroutine per bound pod): the pass goes on with the next pod while the
     * binding is written, the pod counted on its node meanwhile ({@link #assumed}). Several writes in flight let
     * the datastore commit them together.
     */
    private volatile ExecutorService binder;
    private volatile int percentageOfNodesToScore;
    /**
     * Where the next cycle starts filtering (upstream's nextStartNodeIndex): it moves on by the nodes a cycle
     * looked at, so that with sampling every node gets its turn. Touched only by the one pass at a time.
     */
    private int nextStartNodeIndex;

    public Scheduler() {
    }

    /** For tests: a scheduler with a fixed set of plugins. */
    public Scheduler(List<FilterPlugin> filters, List<ScorePlugin> scorers) {
        this(filters, scorers, 0);
    }

    /** For tests: a scheduler with a fixed set of plugins and {@code percentageOfNodesToScore}. */
    public Scheduler(List<FilterPlugin> filters, List<ScorePlugin> scorers, int percentageOfNodesToScore) {
        this.filters = List.copyOf(filters);
        this.scorers = List.copyOf(scorers);
        this.percentageOfNodesToScore = checkedPercentage(percentageOfNodesToScore);
    }

    @Activate
    @Modified
    void configure(Config config) {
        percentageOfNodesToScore = checkedPercentage(config.percentageOfNodesToScore());
    }

    private static int checkedPercentage(int percentage) {
        if (percentage < 0 || percentage > 100) {
            // upstream's validation: "not in valid range [0-100]"
            throw new IllegalArgumentException("percentageOfNodesToScore " + percentage
                    + " is not in valid range [0-100]");
        }
        return percentage;
    }

    /**
     * Upstream's numFeasibleNodesToFind: how many feasible nodes a cycle looks for before it stops filtering.
     * Every node in clusters under 100 nodes; otherwise the configured percentage, or when 0 the adaptive one
     * (50% less one point per 125 nodes, at least 5%), and never fewer than 100 nodes.
     */
    static int numFeasibleNodesToFind(int percentageOfNodesToScore, int numAllNodes) {
        if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) {
            return numAllNodes;
        }
        int percentage = percentageOfNodesToScore;
        if (percentage == 0) {
            percentage = Math.max(50 - numAllNodes / 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
        }
        int numNodes = (int) ((long) numAllNodes * percentage / 100);
        return Math.max(numNodes, MIN_FEASIBLE_NODES_TO_FIND);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String eventSource() {
        return DEFAULT_SCHEDULER;
    }

    /** Binding cycles in flight at most; further pods wait for a free thread in the pool's queue. */
    static final int BINDING_THREADS = 16;

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        context = ctx;
        AtomicInteger threads = new AtomicInteger();
        binder = Executors.newFixedThreadPool(BINDING_THREADS, r -> {
            Thread t = new Thread(r, "karst-scheduler-binding-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        events = ctx.events();
        assumed.clear();
        unschedulable.clear();
        arrival.clear();
        keptSnapshot = null;
        keptAtChanges = -1;
        pods = ctx.informers().informer(PODS);
        nodes = ctx.informers().informer(NODES);
        budgets = ctx.informers().informer(BUDGETS);
        volumeBinding = new VolumeBinding(ctx, () -> retryUnschedulable(ctx));
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
                String key = ObjectKeys.of(pod);
                if (assumed.remove(key) != null) {
                    clusterChanges.incrementAndGet(); // deleted before its binding showed: counted on its node
                }
                unschedulable.remove(key);
                arrival.remove(key);
                if (!pod.path("spec").path("nodeName").asText("").isEmpty()) {
                    clusterChanges.incrementAndGet();
                    retryUnschedulable(ctx); // resources and ports were freed
                }
            }
        });
        ctx.handle(nodes, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode node) {
                clusterChanges.incrementAndGet();
                retryUnschedulable(ctx);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode node) {
                // what the filters read of a node; heartbeats and conditions change none of it
                if (!old.path("spec").equals(node.path("spec"))
                        || !old.path("metadata").path("labels").equals(node.path("metadata").path("labels"))
                        || !old.path("status").path("allocatable").equals(node.path("status").path("allocatable"))) {
                    clusterChanges.incrementAndGet();
                    retryUnschedulable(ctx);
                }
            }

            @Override
            public void onDelete(ObjectNode node, boolean finalStateUnknown) {
                clusterChanges.incrementAndGet();
            }
        });
    }

    private void changed(ControllerContext ctx, ObjectNode old, ObjectNode pod) {
        String key = ObjectKeys.of(pod);
        if (pending(pod)) {
            arrival.computeIfAbsent(key, k -> sequence.incrementAndGet());
            // a pod's own change may make it fit (upstream moves it out of the unschedulable pods too)
            if (old == null || !old.path("spec").equals(pod.path("spec"))
                    || !old.path("metadata").path("labels").equals(pod.path("metadata").path("labels"))) {
                unschedulable.remove(key);
            }
            ctx.queue().add(QUEUE);
            return;
        }
        arrival.remove(key);
        unschedulable.remove(key);
        String node = pod.path("spec").path("nodeName").asText("");
        if (!node.isEmpty()) {
            ObjectNode placed = assumed.remove(key);
            if (boundElsewhere(old, pod, placed)) {
                clusterChanges.incrementAndGet();
            }
        }
        // a bound pod that finished frees room for others
        if (old != null && !old.path("spec").path("nodeName").asText("").isEmpty()
                && !terminal(old) && terminal(pod)) {
            clusterChanges.incrementAndGet();
            retryUnschedulable(ctx);
        }
    }

    /**
     * Whether a bound pod's change is one a kept snapshot does not know: bound other than this scheduler assumed it
     * (by someone else, or created bound), or a bound pod whose labels or spec changed (other pods' affinity and
     * spreading look at them) or that is being deleted. The informer confirming this scheduler's own binding is
     * not; status changes (Running, ready) are not either, as the filters do not read them.
     */
    private static boolean boundElsewhere(ObjectNode old, ObjectNode pod, ObjectNode assumedAs) {
        String node = pod.path("spec").path("nodeName").asText("");
        String before = old == null ? "" : old.path("spec").path("nodeName").asText("");
        if (before.isEmpty()) {
            return assumedAs == null || !assumedAs.path("spec").path("nodeName").asText("").equals(node);
        }
        // and preemption waits for victims being deleted
        return !before.equals(node) || !old.path("spec").equals(pod.path("spec"))
                || !old.path("metadata").path("labels").equals(pod.path("metadata").path("labels"))
                || old.path("metadata").has("deletionTimestamp") != pod.path("metadata").has("deletionTimestamp");
    }

    /** Something that could make unschedulable pods fit happened: try them all again. */
    private void retryUnschedulable(ControllerContext ctx) {
        moves.incrementAndGet();
        unschedulable.clear();
        ctx.queue().add(QUEUE);
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

    /**
     * One pass over the scheduling queue: every pending pod not known to be unschedulable, highest
     * {@code spec.priority} first, then in order of arrival (upstream's PrioritySort), each placed against the
     * nodes as the pods before it left them.
     */
    @Override
    public ReconcileResult reconcile(String key) {
        long epoch = moves.get(); // before the list: a move during the pass must not be missed
        long changes = clusterChanges.get(); // likewise for what a kept snapshot does not follow
        Instant now = Instant.now();
        unschedulable.values().removeIf(since -> !since.plus(UNSCHEDULABLE_RETRY).isAfter(now));
        List<ObjectNode> queue = pendingPods();
        queue.sort(java.util.Comparator.<ObjectNode>comparingInt(p -> -p.path("spec").path("priority").asInt(0))
                .thenComparingLong(p -> arrival.getOrDefault(ObjectKeys.of(p), Long.MAX_VALUE)));
        if (queue.isEmpty()) {
            return unschedulable.isEmpty() ? ReconcileResult.DONE : ReconcileResult.after(UNSCHEDULABLE_RETRY);
        }
        // one view of the nodes for the whole pass, so a node changing midway cannot favour later pods
        List<ObjectNode> nodeObjects = nodes.lister().list();
        // Counting every pod of the cluster once per pod placed, or once per pass (a pass each time pods arrive),
        // cost O(pods) each time. The snapshot follows the passes' own placements; it is taken again after a
        // change it does not follow, and each second as a backstop.
        ClusterSnapshot snapshot = keptAtChanges == changes ? keptSnapshot : null;
        for (ObjectNode pod : queue) {
            if (snapshot == null || snapshot.ageNanos() > SNAPSHOT_MAX_AGE.toNanos()) {
                snapshot = new ClusterSnapshot(snapshot(nodeObjects));
            }
            scheduleOne(ObjectKeys.of(pod), pod, epoch, snapshot);
        }
        keptSnapshot = snapshot;
        keptAtChanges = changes;
        return unschedulable.isEmpty() ? ReconcileResult.DONE : ReconcileResult.after(UNSCHEDULABLE_RETRY);
    }

    /**
     * The pods to place in this pass: the pending ones the pod events brought ({@link #arrival}), as the informer
     * has them now, less those being bound and those known not to fit. Walking every pod of the cluster for the
     * few pending ones cost O(pods) per pass.
     */
    private List<ObjectNode> pendingPods() {
        List<ObjectNode> queue = new ArrayList<>();
        for (String key : arrival.keySet()) {
            if (assumed.containsKey(key) || unschedulable.containsKey(key)) {
                continue;
            }
            pods.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key)).filter(Scheduler::pending)
                    .ifPresent(queue::add);
        }
        return queue;
    }

    private void scheduleOne(String key, ObjectNode pod, long epoch, ClusterSnapshot snapshot) {
        PodInfo info = new PodInfo(pod, Resources.podRequests(pod));
        VolumeBinding.PodVolumes volumes = volumeBinding.preFilter(pod);
        List<NodeInfo> nodes = snapshot.cycle();
        List<FilterPlugin> ordered = activeFilters(volumes);
        Decision decision = decideWithVolumes(info, nodes, snapshot.names(), volumes, ordered);
        if (!nodes.isEmpty()) {
            nextStartNodeIndex = (nextStartNodeIndex + decision.processed()) % nodes.size();
        }
        if (decision.node() == null) {
            // upstream's move request cycle: when something changed during the attempt, the pod is tried again
            // in the next pass instead of waiting among the unschedulable ones
            if (moves.get() == epoch) {
                unschedulable.put(key, Instant.now());
            }
            if (nodes.isEmpty()) {
                unschedulable(pod, decision.message(), null); // upstream: no nodes, no post-filter
                return;
            }
            if (volumes.rejection() != null) {
                // a PreFilter rejection is unresolvable on every node, so preemption cannot help anywhere
                unschedulable(pod, decision.message() + " preemption: 0/" + nodes.size() + " nodes are available: "
                        + nodes.size() + " " + Preemption.NOT_HELPFUL + ".", null);
                return;
            }
            Preemption.Outcome preemption = Preemption.find(info, nodes, ordered, budgets());
            if (preemption.found()) {
                preempt(pod, preemption);
                unschedulable(pod, decision.message(), preemption.node());
            } else {
                unschedulable(pod, decision.message() + " preemption: " + preemption.message(), null);
            }
            return;
        }
        ObjectNode placed;
        if (volumes.hasClaims()) {
            // PreBind writes the claims' volumes and selected nodes, which later pods of the pass (and their
            // promised volumes) rely on: these pods are bound in the pass itself
            volumeBinding.preBind(volumes, decision.node());
            placed = bind(key, pod, decision.node());
        } else {
            placed = assume(key, pod, decision.node());
            ExecutorService pool = binder;
            try {
                pool.execute(() -> bindingCycle(key, pod, decision.node()));
            } catch (RejectedExecutionException e) {
                assumed.remove(key); // stopping: the next leader schedules it
                return;
            }
        }
        if (placed != null) {
            snapshot.place(decision.node(), new PodInfo(placed, info.requests()));
        }
    }

    /**
     * The binding cycle of a pod already assumed on its node, off the scheduling pass (upstream's bindingCycle). A
     * failed binding forgets the assumption and puts the pod back in the queue, as upstream's handleBindingCycleError.
     */
    private void bindingCycle(String key, ObjectNode pod, String node) {
        try {
            writeBinding(key, pod, node);
        } catch (RuntimeException e) {
            assumed.remove(key);
            clusterChanges.incrementAndGet(); // a kept snapshot counts it on the node
            ControllerContext ctx = context;
            if (ctx != null) {
                ctx.queue().add(QUEUE);
            }
            if (!(e instanceof ResourceException r && (r.isNotFound() || r.isConflict()))) {
                LOG.warn("binding {} to {} failed: {}", key, node, e.toString());
            }
        }
    }

    /** The filters of this pod's cycle, in upstream's order: VolumeBinding's Filter joins for pods that name claims. */
    private List<FilterPlugin> activeFilters(VolumeBinding.PodVolumes volumes) {
        List<FilterPlugin> active = new ArrayList<>(filters);
        if (volumes.hasClaims()) {
            active.add(volumes);
        }
        return inUpstreamOrder(active);
    }

    /** The cycle with VolumeBinding's PreFilter verdict. */
    private Decision decideWithVolumes(PodInfo info, List<NodeInfo> nodes, List<String> names,
            VolumeBinding.PodVolumes volumes, List<FilterPlugin> ordered) {
        if (volumes.rejection() != null && !nodes.isEmpty()) {
            // a PreFilter rejection is the one reason for every node, as upstream's FitError words it
            return new Decision(null, "0/" + nodes.size() + " nodes are available: " + volumes.rejection() + ".");
        }
        return decide(info, nodes, names, ordered, scorers,
                numFeasibleNodesToFind(percentageOfNodesToScore, nodes.size()), nextStartNodeIndex);
    }

    /** The PodDisruptionBudgets as preemption weighs them. */
    private List<Preemption.Budget> budgets() {
        List<Preemption.Budget> out = new ArrayList<>();
        for (ObjectNode pdb : budgets.lister().list()) {
            java.util.Set<String> disrupted = new java.util.HashSet<>();
            pdb.path("status").path("disruptedPods").fieldNames().forEachRemaining(disrupted::add);
            out.add(new Preemption.Budget(pdb.path("metadata").path("namespace").asText(), pdb.path("spec")
                    .path("selector"), pdb.path("status").path("disruptionsAllowed").asInt(0), disrupted));
        }
        return out;
    }

    /**
     * Evicts the victims as upstream's preemption does: each gets the {@code DisruptionTarget} condition, a
     * Preempted event and a graceful delete; the pod is then nominated to the node (set with its condition) and
     * placed there once the victims are gone and a pass runs again.
     */
    private void preempt(ObjectNode preemptor, Preemption.Outcome outcome) {
        for (ObjectNode victim : outcome.victims()) {
            String namespace = victim.path("metadata").path("namespace").asText();
            String name = victim.path("metadata").path("name").asText();
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            patch.putObject("status").putArray("conditions").addObject().put("type", "DisruptionTarget")
                    .put("status", "True").put("reason", "PreemptionByScheduler")
                    .put("message", DEFAULT_SCHEDULER + ": preempting to accommodate a higher priority pod")
                    .put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            try {
                var ops = client.resource(PODS).inNamespace(namespace);
                ops.patchStatus(name, PatchTypes.STRATEGIC_MERGE_PATCH, patch);
                ops.delete(name, io.karst.api.client.DeleteOptions.NONE.withPreconditionUid(
                        victim.path("metadata").path("uid").asText()));
            } catch (ResourceException e) {
                if (!e.isNotFound() && !e.isConflict()) {
                    throw e;
                }
                continue; // gone already, or replaced: nothing of it to evict
            }
            events.event(victim, EventRecorder.NORMAL, "Preempted", "Preempted by pod "
                    + preemptor.path("metadata").path("uid").asText() + " on node " + outcome.node());
        }
    }

    /** The nodes with the pods counted on them: bound ones from the informer, plus those bound here since. */
    private List<NodeInfo> snapshot(List<ObjectNode> nodeObjects) {
        Map<String, List<PodInfo>> byNode = new HashMap<>();
        Map<String, String> seen = new HashMap<>();
        // The assumed pods first, then the informer's: a binding the informer shows meanwhile has its assumption
        // dropped only after the informer's cache has it, so every bound pod is counted once. Read the other way
        // round (as before binding cycles ran beside the pass), a pod whose binding landed in between was in
        // neither, and the pass could put a pod next to it against its anti-affinity.
        Map<String, ObjectNode> assumedNow = new HashMap<>(assumed);
        for (ObjectNode pod : pods.lister().list()) {
            String node = pod.path("spec").path("nodeName").asText("");
            if (!node.isEmpty() && !terminal(pod)) {
                byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(new PodInfo(pod, Resources.podRequests(pod)));
                seen.put(ObjectKeys.of(pod), node);
            }
        }
        assumedNow.forEach((key, pod) -> {
            if (!seen.containsKey(key)) {
                byNode.computeIfAbsent(pod.path("spec").path("nodeName").asText(), n -> new ArrayList<>())
                        .add(new PodInfo(pod, Resources.podRequests(pod)));
            }
        });
        List<NodeInfo> out = new ArrayList<>();
        for (ObjectNode node : nodeObjects) {
            String name = node.path("metadata").path("name").asText();
            out.add(nodeInfo(node, byNode.getOrDefault(name, List.of())));
        }
        return out;
    }

    /** Upstream's filter order in the default profile; plugins from other bundles run after these. */
    static final List<String> FILTER_ORDER = List.of("NodeUnschedulable", "NodeName", "TaintToleration",
            "NodeAffinity", "NodePorts", "NodeResourcesFit", VolumeBinding.NAME, "PodTopologySpread",
            "InterPodAffinity");

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
     * The scheduling cycle on a snapshot: filter, score, pick, looking at every node.
     *
     * @return the chosen node's name, or null and the reason message for the pod's condition and event
     */
    public static Decision decide(PodInfo pod, List<NodeInfo> nodes, List<FilterPlugin> filters,
            List<ScorePlugin> scorers) {
        return decide(pod, nodes, filters, scorers, nodes.size(), 0);
    }

    /**
     * The scheduling cycle on a snapshot as upstream's findNodesThatFitPod: nodes are filtered in order from
     * {@code start} (wrapping around) until {@code numToFind} feasible ones are found, only those are scored, and
     * the decision says how many nodes were looked at, for the next cycle's start. When none fits, every node was
     * looked at, so the message counts the reasons of all of them.
     *
     * @return the chosen node's name, or null and the reason message for the pod's condition and event
     */
    public static Decision decide(PodInfo pod, List<NodeInfo> nodes, List<FilterPlugin> filters,
            List<ScorePlugin> scorers, int numToFind, int start) {
        return decide(pod, nodes, null, filters, scorers, numToFind, start);
    }

    /**
     * As {@link #decide(PodInfo, List, List, List, int, int)}, with the nodes' names at the same positions (null:
     * read from each node): a name is a walk through the node's object, a cache miss per feasible node per cycle.
     */
    static Decision decide(PodInfo pod, List<NodeInfo> nodes, List<String> nodeNames, List<FilterPlugin> filters,
            List<ScorePlugin> scorers, int numToFind, int start) {
        if (nodes.isEmpty()) {
            return new Decision(null, "no nodes available to schedule pods", 0);
        }
        int all = nodes.size();
        List<NodeInfo> feasible = new ArrayList<>(Math.min(all, numToFind));
        List<String> feasibleNames = new ArrayList<>(Math.min(all, numToFind));
        Map<String, Integer> reasons = new TreeMap<>();
        int processed = 0;
        for (int i = 0; i < all && feasible.size() < numToFind; i++) {
            int at = (start + i) % all;
            NodeInfo node = nodes.get(at);
            processed++;
            List<String> why = new ArrayList<>();
            for (FilterPlugin f : filters) {
                why.addAll(f.filter(pod, node, nodes));
                if (!why.isEmpty()) {
                    break; // upstream stops at the first plugin that rejects a node
                }
            }
            if (why.isEmpty()) {
                feasible.add(node);
                feasibleNames.add(nodeNames == null ? node.name() : nodeNames.get(at));
            } else {
                why.stream().distinct().forEach(r -> reasons.merge(r, 1, Integer::sum));
            }
        }
        if (feasible.isEmpty()) {
            List<String> parts = new ArrayList<>();
            reasons.forEach((reason, count) -> parts.add(count + " " + reason));
            parts.sort(null); // upstream sorts the "<count> <reason>" strings
            return new Decision(null, "0/" + nodes.size() + " nodes are available: " + String.join(", ", parts) + ".",
                    processed);
        }
        if (feasible.size() == 1) {
            return new Decision(feasibleNames.get(0), null, processed);
        }
        // a node's name is a walk through its object: read once per cycle, not once per scorer and lookup
        String[] names = feasibleNames.toArray(new String[0]);
        long[] total = new long[names.length];
        for (ScorePlugin s : scorers) {
            Map<String, Long> scores = new HashMap<>(names.length * 2);
            for (int i = 0; i < names.length; i++) {
                scores.put(names[i], s.score(pod, feasible.get(i), nodes));
            }
            s.normalize(pod, scores);
            for (int i = 0; i < names.length; i++) {
                total[i] += scores.getOrDefault(names[i], 0L) * s.weight();
            }
        }
        // the best score; among equals, each equally likely (upstream's reservoir sampling)
        String best = null;
        long bestScore = Long.MIN_VALUE;
        int ties = 0;
        for (int i = 0; i < names.length; i++) {
            long score = total[i];
            if (score > bestScore) {
                best = names[i];
                bestScore = score;
                ties = 1;
            } else if (score == bestScore && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                best = names[i];
            }
        }
        return new Decision(best, null, processed);
    }

    /**
     * The outcome of a scheduling cycle: a node, or why none.
     *
     * @param processed how many nodes the cycle filtered
     */
    public record Decision(String node, String message, int processed) {
        public Decision(String node, String message) {
            this(node, message, 0);
        }
    }

    /** Counts the pod on the node until the informer shows it bound; returns it as placed there. */
    private ObjectNode assume(String key, ObjectNode pod, String node) {
        // the informer's pod is read-only: the assumed one is a copy
        ObjectNode placed = pod.deepCopy();
        placed.withObject("/spec").put("nodeName", node);
        assumed.put(key, placed);
        return placed;
    }

    /** Binds the pod in the pass; returns it as placed on the node, or null when it was not bound. */
    private ObjectNode bind(String key, ObjectNode pod, String node) {
        ObjectNode placed = assume(key, pod, node);
        try {
            writeBinding(key, pod, node);
        } catch (ResourceException e) {
            assumed.remove(key);
            clusterChanges.incrementAndGet();
            if (e.isNotFound() || e.isConflict()) {
                return null; // deleted meanwhile, or bound by someone else: the informer brings the news
            }
            throw e;
        }
        return placed;
    }

    /** Writes the pod's Binding and its Scheduled event. */
    private void writeBinding(String key, ObjectNode pod, String node) {
        String namespace = ObjectKeys.namespace(key);
        String name = ObjectKeys.name(key);
        ObjectNode binding = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Binding");
        binding.putObject("metadata").put("name", name).put("namespace", namespace)
                .put("uid", pod.path("metadata").path("uid").asText());
        binding.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", node);
        client.resource(PODS).inNamespace(namespace).create(binding, "binding", WriteOptions.NONE);
        events.event(pod, EventRecorder.NORMAL, "Scheduled",
                "Successfully assigned " + namespace + "/" + name + " to " + node);
    }

    /** @param nominatedNode the node preemption made room on, or null */
    private void unschedulable(ObjectNode pod, String message, String nominatedNode) {
        events.event(pod, EventRecorder.WARNING, "FailedScheduling", message);
        boolean nominationHolds = nominatedNode == null
                || nominatedNode.equals(pod.path("status").path("nominatedNodeName").asText(""));
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (nominationHolds && c.path("type").asText().equals("PodScheduled")
                    && c.path("status").asText().equals("False")
                    && c.path("reason").asText().equals("Unschedulable")
                    && c.path("message").asText().equals(message)) {
                return; // already says so
            }
        }
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        if (nominatedNode != null) {
            patch.putObject("status").put("nominatedNodeName", nominatedNode);
        }
        patch.withObject("/status").putArray("conditions").addObject().put("type", "PodScheduled")
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
        ExecutorService pool = binder;
        if (pool != null) {
            pool.shutdownNow();
        }
        context = null;
        assumed.clear();
        unschedulable.clear();
        arrival.clear();
    }
}
