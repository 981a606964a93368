package io.karst.controllers.disruption;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;
import io.karst.controllers.selection.LabelSelectorMatch;

/**
 * kube-controller-manager's disruption controller: keeps each PodDisruptionBudget's status (expected pods, desired
 * and current healthy, disruptions allowed, the {@code DisruptionAllowed} condition) from the pods it selects and,
 * for percentages and {@code maxUnavailable}, the scale of their controllers (Deployments through their ReplicaSets,
 * ReplicaSets, StatefulSets, ReplicationControllers). Pods the eviction API recorded in {@code disruptedPods} do
 * not count as healthy until they are gone or two minutes have passed.
 */
@Component(service = Controller.class, property = Controller.NAME + "=disruption")
public final class DisruptionController implements Controller {
    static final ResourceKey PDBS = new ResourceKey("policy", "v1", "poddisruptionbudgets");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    private static final ResourceKey REPLICA_SETS = new ResourceKey("apps", "v1", "replicasets");
    private static final ResourceKey DEPLOYMENTS = new ResourceKey("apps", "v1", "deployments");
    private static final ResourceKey STATEFUL_SETS = new ResourceKey("apps", "v1", "statefulsets");
    private static final ResourceKey REPLICATION_CONTROLLERS = new ResourceKey("", "v1", "replicationcontrollers");
    /** Upstream's DeletionTimeout: how long an evicted pod may take to go before it counts again. */
    static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

    private final Clock clock;
    private volatile ResourceClient client;
    private volatile EventRecorder events;
    private volatile Informer budgets;
    private volatile Informer pods;
    private final Map<ResourceKey, Informer> controllers = new HashMap<>();

    public DisruptionController() {
        this(Clock.systemUTC());
    }

    DisruptionController(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "disruption";
    }

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        events = ctx.events();
        budgets = ctx.informers().informer(PDBS);
        pods = ctx.informers().informer(PODS);
        for (ResourceKey key : List.of(REPLICA_SETS, DEPLOYMENTS, STATEFUL_SETS, REPLICATION_CONTROLLERS)) {
            controllers.put(key, ctx.informers().informer(key));
        }
        ctx.handle(budgets, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode pdb) {
                ctx.queue().add(ObjectKeys.of(pdb));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode pdb) {
                ctx.queue().add(ObjectKeys.of(pdb));
            }
        });
        ctx.handle(pods, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode pod) {
                budgetsOf(pod).forEach(ctx.queue()::add);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode pod) {
                budgetsOf(pod).forEach(ctx.queue()::add);
                if (!old.path("metadata").path("labels").equals(pod.path("metadata").path("labels"))) {
                    budgetsOf(old).forEach(ctx.queue()::add);
                }
            }

            @Override
            public void onDelete(ObjectNode pod, boolean finalStateUnknown) {
                budgetsOf(pod).forEach(ctx.queue()::add);
            }
        });
        // a controller's scale decides percentages and maxUnavailable: its changes look at the budgets of its namespace
        ResourceEventHandler scaleChanges = new ResourceEventHandler() {
            @Override
            public void onUpdate(ObjectNode old, ObjectNode controller) {
                if (!old.path("spec").path("replicas").equals(controller.path("spec").path("replicas"))) {
                    budgets.lister().list(namespaceOf(controller)).forEach(b -> ctx.queue().add(ObjectKeys.of(b)));
                }
            }
        };
        controllers.values().forEach(informer -> ctx.handle(informer, scaleChanges));
    }

    private List<String> budgetsOf(ObjectNode pod) {
        List<String> keys = new ArrayList<>();
        JsonNode labels = pod.path("metadata").path("labels");
        for (ObjectNode pdb : budgets.lister().list(namespaceOf(pod))) {
            if (LabelSelectorMatch.of(pdb.path("spec").get("selector")).matches(labels)) {
                keys.add(ObjectKeys.of(pdb));
            }
        }
        return keys;
    }

    private static String namespaceOf(JsonNode object) {
        return object.path("metadata").path("namespace").asText();
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> cached = budgets.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (cached.isEmpty() || cached.get().path("metadata").has("deletionTimestamp")) {
            return ReconcileResult.DONE;
        }
        ObjectNode pdb = cached.get();
        Instant now = clock.instant();
        List<ObjectNode> selected = selectedPods(pdb);
        if (selected.isEmpty()) {
            events.event(pdb, EventRecorder.NORMAL, "NoPods", "No matching pods found");
        }
        ObjectNode status;
        Duration recheck = null;
        try {
            DisruptionBudget.Requirement requirement = DisruptionBudget.of(pdb.path("spec"), selected.size(),
                    () -> controllerScale(selected));
            Map<String, String> disrupted = stillDisrupted(pdb, selected, now);
            int healthy = 0;
            for (ObjectNode pod : selected) {
                if (!pod.path("metadata").has("deletionTimestamp") && !disrupted.containsKey(name(pod))
                        && ready(pod)) {
                    healthy++;
                }
            }
            for (String at : disrupted.values()) {
                Duration left = Duration.between(now, Instant.parse(at).plus(DELETION_TIMEOUT));
                recheck = recheck == null || left.compareTo(recheck) < 0 ? left : recheck;
            }
            int allowed = DisruptionBudget.disruptionsAllowed(requirement, healthy);
            status = status(pdb, allowed, healthy, requirement, disrupted, allowed > 0 ? "SufficientPods"
                    : "InsufficientPods", "");
        } catch (IllegalArgumentException | IllegalStateException e) {
            events.event(pdb, EventRecorder.WARNING, "CalculateExpectedPodCountFailed",
                    "Failed to calculate the number of expected pods: " + e.getMessage());
            // upstream's fail-safe: nothing may be disrupted while the budget cannot be worked out
            status = status(pdb, 0, pdb.path("status").path("currentHealthy").asInt(0),
                    new DisruptionBudget.Requirement(pdb.path("status").path("expectedPods").asInt(0),
                            pdb.path("status").path("desiredHealthy").asInt(0)),
                    Map.of(), "SyncFailed", e.getMessage());
        }
        if (!status.equals(pdb.path("status"))) {
            ObjectNode updated = pdb.deepCopy();
            updated.set("status", status);
            try {
                client.resource(PDBS).inNamespace(namespaceOf(pdb)).updateStatus(updated);
            } catch (ResourceException e) {
                if (e.isNotFound()) {
                    return ReconcileResult.DONE;
                }
                throw e; // a conflict: the queue tries again on the newer budget
            }
        }
        return recheck == null ? ReconcileResult.DONE
                : ReconcileResult.after(recheck.isNegative() ? Duration.ofSeconds(1) : recheck.plusSeconds(1));
    }

    private List<ObjectNode> selectedPods(ObjectNode pdb) {
        LabelSelectorMatch selector = LabelSelectorMatch.of(pdb.path("spec").get("selector"));
        List<ObjectNode> selected = new ArrayList<>();
        for (ObjectNode pod : pods.lister().list(namespaceOf(pdb))) {
            if (selector.matches(pod.path("metadata").path("labels"))) {
                selected.add(pod);
            }
        }
        // in name order, so that a failure names the same pod every time
        selected.sort(java.util.Comparator.comparing(DisruptionController::name));
        return selected;
    }

    /** The evictions not yet carried out: pods still there, not deleting, evicted under two minutes ago. */
    private static Map<String, String> stillDisrupted(ObjectNode pdb, List<ObjectNode> selected, Instant now) {
        Map<String, ObjectNode> byName = new HashMap<>();
        selected.forEach(p -> byName.put(name(p), p));
        Map<String, String> result = new java.util.TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = pdb.path("status").path("disruptedPods").fields();
                it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode pod = byName.get(e.getKey());
            if (pod == null || pod.path("metadata").has("deletionTimestamp")) {
                continue;
            }
            Instant at;
            try {
                at = Instant.parse(e.getValue().asText());
            } catch (java.time.format.DateTimeParseException bad) {
                continue;
            }
            if (at.plus(DELETION_TIMEOUT).isAfter(now)) {
                result.put(e.getKey(), e.getValue().asText());
            }
        }
        return result;
    }

    /** The summed replicas of the selected pods' controllers, each counted once. */
    private int controllerScale(List<ObjectNode> selected) {
        Map<String, Integer> byUid = new HashMap<>();
        for (ObjectNode pod : selected) {
            JsonNode ref = controllerRef(pod);
            if (ref == null) {
                throw new IllegalStateException("found no controller ref for pod \"" + name(pod) + "\"");
            }
            ObjectNode owner = owner(namespaceOf(pod), ref);
            if (owner == null) {
                throw new IllegalStateException("found no controllers for pod \"" + name(pod) + "\"");
            }
            // a Deployment's ReplicaSets share its scale
            JsonNode deploymentRef = ref.path("kind").asText().equals("ReplicaSet") ? controllerRef(owner) : null;
            if (deploymentRef != null && deploymentRef.path("kind").asText().equals("Deployment")) {
                ObjectNode deployment = owner(namespaceOf(pod), deploymentRef);
                if (deployment != null) {
                    owner = deployment;
                }
            }
            byUid.put(owner.path("metadata").path("uid").asText(), owner.path("spec").path("replicas").asInt(1));
        }
        return byUid.values().stream().mapToInt(Integer::intValue).sum();
    }

    private ObjectNode owner(String namespace, JsonNode ref) {
        ResourceKey key = switch (ref.path("apiVersion").asText() + "/" + ref.path("kind").asText()) {
            case "apps/v1/ReplicaSet" -> REPLICA_SETS;
            case "apps/v1/Deployment" -> DEPLOYMENTS;
            case "apps/v1/StatefulSet" -> STATEFUL_SETS;
            case "v1/ReplicationController" -> REPLICATION_CONTROLLERS;
            default -> null;
        };
        if (key == null) {
            return null;
        }
        return controllers.get(key).lister().get(namespace, ref.path("name").asText())
                .filter(o -> o.path("metadata").path("uid").asText().equals(ref.path("uid").asText()))
                .orElse(null);
    }

    private static JsonNode controllerRef(JsonNode object) {
        for (JsonNode ref : object.path("metadata").path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                return ref;
            }
        }
        return null;
    }

    private static boolean ready(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText().equals("True");
            }
        }
        return false;
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    private ObjectNode status(ObjectNode pdb, int allowed, int healthy, DisruptionBudget.Requirement requirement,
            Map<String, String> disrupted, String reason, String message) {
        JsonNode old = pdb.path("status");
        ObjectNode status = pdb.objectNode();
        long generation = pdb.path("metadata").path("generation").asLong(0);
        status.put("observedGeneration", generation);
        if (!disrupted.isEmpty()) {
            ObjectNode map = status.putObject("disruptedPods");
            disrupted.forEach(map::put);
        }
        status.put("disruptionsAllowed", allowed);
        status.put("currentHealthy", healthy);
        status.put("desiredHealthy", requirement.desiredHealthy());
        status.put("expectedPods", requirement.expectedPods());
        String conditionStatus = allowed > 0 ? "True" : "False";
        JsonNode previous = null;
        for (JsonNode c : old.path("conditions")) {
            if (c.path("type").asText().equals("DisruptionAllowed")) {
                previous = c;
            }
        }
        ArrayNode conditions = status.putArray("conditions");
        ObjectNode condition = conditions.addObject();
        condition.put("type", "DisruptionAllowed");
        condition.put("status", conditionStatus);
        condition.put("observedGeneration", generation);
        condition.put("lastTransitionTime", previous != null && previous.path("status").asText().equals(conditionStatus)
                && previous.hasNonNull("lastTransitionTime") ? previous.get("lastTransitionTime").asText()
                        : clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        condition.put("reason", reason);
        condition.put("message", message);
        return status;
    }
}
