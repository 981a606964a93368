package io.karst.controllers.deployment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import io.karst.controllers.objects.EveryChange;
import io.karst.controllers.ownership.ControllerRefs;
import io.karst.controllers.selection.LabelSelectorMatch;

/**
 * kube-controller-manager's Deployment controller. Each pod template gets a ReplicaSet named
 * {@code <deployment>-<pod-template-hash>}; a changed template gets a new one (or revives the old one with the
 * same template, which is how {@code kubectl rollout undo} works) with the next revision. RollingUpdate scales the
 * new ReplicaSet up within {@code maxSurge} and the old ones down while {@code maxUnavailable} allows; Recreate
 * scales the old ones to zero, waits for their pods to go, then scales the new one up. Paused Deployments are not
 * rolled out. The status (replicas, updated, ready, available, unavailable, observedGeneration) and the Available
 * and Progressing conditions follow upstream's reasons and messages, including ProgressDeadlineExceeded; old
 * ReplicaSets beyond {@code revisionHistoryLimit} are deleted.
 */
@Component(service = Controller.class, property = Controller.NAME + "=deployment")
public final class DeploymentController implements Controller {
    static final ResourceKey DEPLOYMENTS = new ResourceKey("apps", "v1", "deployments");
    static final ResourceKey REPLICASETS = new ResourceKey("apps", "v1", "replicasets");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    static final String HASH_LABEL = "pod-template-hash";

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final Clock clock;
    private volatile ControllerContext context;
    private volatile ResourceClient client;
    private volatile Informer deployments;
    private volatile Informer replicaSets;
    private volatile Informer pods;

    public DeploymentController() {
        this(Clock.systemUTC());
    }

    DeploymentController(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "deployment";
    }

    @Override
    public int workers() {
        return 5; // upstream --concurrent-deployment-syncs
    }

    @Override
    public void start(ControllerContext ctx) {
        context = ctx;
        client = ctx.client();
        deployments = ctx.informers().informer(DEPLOYMENTS);
        replicaSets = ctx.informers().informer(REPLICASETS);
        pods = ctx.informers().informer(PODS);
        ctx.handle(deployments, EveryChange.of(d -> ctx.queue().add(ObjectKeys.of(d))));
        ResourceEventHandler enqueueOwner = new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode owned) {
                owners(owned).forEach(ctx.queue()::add);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode owned) {
                owners(old).forEach(ctx.queue()::add);
                owners(owned).forEach(ctx.queue()::add);
            }

            @Override
            public void onDelete(ObjectNode owned, boolean finalStateUnknown) {
                owners(owned).forEach(ctx.queue()::add);
            }
        };
        ctx.handle(replicaSets, enqueueOwner);
        // Recreate waits for the old pods to be gone
        ctx.handle(pods, new ResourceEventHandler() {
            @Override
            public void onDelete(ObjectNode pod, boolean finalStateUnknown) {
                JsonNode ref = ControllerRefs.of(pod);
                if (ref != null && ref.path("kind").asText().equals("ReplicaSet")) {
                    replicaSets.lister().get(namespaceOf(pod), ref.path("name").asText())
                            .ifPresent(rs -> owners(rs).forEach(ctx.queue()::add));
                }
            }
        });
    }

    /** The Deployment keys a ReplicaSet belongs to: its controller, or for an orphan each Deployment selecting it. */
    private List<String> owners(ObjectNode rs) {
        JsonNode ref = ControllerRefs.of(rs);
        String namespace = namespaceOf(rs);
        if (ref != null) {
            if (!ref.path("kind").asText().equals("Deployment")) {
                return List.of();
            }
            return deployments.lister().get(namespace, ref.path("name").asText())
                    .filter(d -> d.path("metadata").path("uid").equals(ref.path("uid")))
                    .map(d -> List.of(ObjectKeys.of(d))).orElse(List.of());
        }
        JsonNode labels = rs.path("metadata").path("labels");
        return deployments.lister().list(namespace).stream()
                .filter(d -> LabelSelectorMatch.of(d.path("spec").path("selector")).matches(labels))
                .map(ObjectKeys::of).toList();
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> found = deployments.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (found.isEmpty() || found.get().path("metadata").has("deletionTimestamp")) {
            return ReconcileResult.DONE;
        }
        ObjectNode d = found.get();
        JsonNode selector = d.path("spec").path("selector");
        if (selector.isMissingNode() || (selector.path("matchLabels").isEmpty()
                && selector.path("matchExpressions").isEmpty())) {
            context.events().event(d, EventRecorder.WARNING, "SelectingAll",
                    "This deployment is selecting all pods. A non-empty selector is required.");
            return ReconcileResult.DONE;
        }
        List<ObjectNode> owned = claimReplicaSets(d);
        Rollout rollout = new Rollout(d, owned);
        if (d.path("spec").path("paused").asBoolean(false)) {
            rollout.syncStatus(false);
            return ReconcileResult.DONE;
        }
        boolean recreate = d.path("spec").path("strategy").path("type").asText("RollingUpdate").equals("Recreate");
        return recreate ? rollout.recreate() : rollout.rollingUpdate();
    }

    /** The ReplicaSets this Deployment controls, after adopting matching orphans and releasing the others. */
    private List<ObjectNode> claimReplicaSets(ObjectNode d) {
        String uid = d.path("metadata").path("uid").asText();
        LabelSelectorMatch selector = LabelSelectorMatch.of(d.path("spec").path("selector"));
        List<ObjectNode> owned = new ArrayList<>();
        for (ObjectNode rs : replicaSets.lister().list(namespaceOf(d))) {
            JsonNode ref = ControllerRefs.of(rs);
            boolean matches = selector.matches(rs.path("metadata").path("labels"));
            if (ref != null) {
                if (ref.path("uid").asText().equals(uid)) {
                    if (matches) {
                        owned.add(rs);
                    } else {
                        setControllerRef(rs, null);
                    }
                }
            } else if (matches && !rs.path("metadata").has("deletionTimestamp")) {
                setControllerRef(rs, d).ifPresent(owned::add);
            }
        }
        return owned;
    }

    private Optional<ObjectNode> setControllerRef(ObjectNode cached, ObjectNode owner) {
        ObjectNode rs = cached.deepCopy();
        ArrayNode refs = ((ObjectNode) rs.get("metadata")).withArray("ownerReferences");
        for (Iterator<JsonNode> it = refs.iterator(); it.hasNext();) {
            if (it.next().path("controller").asBoolean(false)) {
                it.remove();
            }
        }
        if (owner != null) {
            refs.add(ControllerRefs.to("apps/v1", "Deployment", owner));
        } else if (refs.isEmpty()) {
            ((ObjectNode) rs.get("metadata")).remove("ownerReferences");
        }
        try {
            return Optional.of(client.resource(REPLICASETS).inNamespace(namespaceOf(rs)).update(rs));
        } catch (ResourceException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** One pass over one Deployment and its ReplicaSets. */
    private final class Rollout {
        final ObjectNode d;
        final int wanted;
        ObjectNode newRs;
        final List<ObjectNode> oldRss = new ArrayList<>();

        Rollout(ObjectNode d, List<ObjectNode> owned) {
            this.d = d;
            this.wanted = d.path("spec").path("replicas").asInt(1);
            JsonNode template = d.path("spec").path("template");
            for (ObjectNode rs : owned) {
                if (newRs == null && sameTemplate(rs.path("spec").path("template"), template)) {
                    newRs = rs;
                } else {
                    oldRss.add(rs);
                }
            }
            oldRss.sort(Comparator.comparing(rs -> rs.path("metadata").path("creationTimestamp").asText("")));
        }

        ReconcileResult rollingUpdate() {
            ensureNewReplicaSet(true);
            RolloutMath.Budget budget = RolloutMath.Budget.of(d.path("spec").path("strategy").path("rollingUpdate"),
                    wanted);
            // scale the new ReplicaSet up within the surge, or down to what is wanted
            int newReplicas = specReplicas(newRs);
            int target = newReplicas > wanted ? wanted
                    : RolloutMath.newReplicaSetReplicas(wanted, budget, totalSpecReplicas(), newReplicas);
            if (target != newReplicas) {
                newRs = scale(newRs, target, budget);
                return syncStatus(false);
            }
            if (scaleDownOld(budget)) {
                return syncStatus(false);
            }
            boolean complete = complete();
            if (complete) {
                cleanupHistory();
            }
            return syncStatus(complete);
        }

        ReconcileResult recreate() {
            boolean scaledDown = false;
            for (int i = 0; i < oldRss.size(); i++) {
                if (specReplicas(oldRss.get(i)) != 0) {
                    oldRss.set(i, scale(oldRss.get(i), 0, new RolloutMath.Budget(0, 0)));
                    scaledDown = true;
                }
            }
            if (scaledDown || oldPodsRunning()) {
                ensureNewReplicaSet(false);
                return syncStatus(false);
            }
            ensureNewReplicaSet(true);
            if (specReplicas(newRs) != wanted) {
                newRs = scale(newRs, wanted, new RolloutMath.Budget(0, 0));
                return syncStatus(false);
            }
            boolean complete = complete();
            if (complete) {
                cleanupHistory();
            }
            return syncStatus(complete);
        }

        private boolean oldPodsRunning() {
            for (ObjectNode rs : oldRss) {
                if (rs.path("status").path("replicas").asInt(0) > 0) {
                    return true;
                }
                String uid = rs.path("metadata").path("uid").asText();
                for (ObjectNode pod : pods.lister().list(namespaceOf(d))) {
                    JsonNode ref = ControllerRefs.of(pod);
                    String phase = pod.path("status").path("phase").asText("");
                    if (ref != null && ref.path("uid").asText().equals(uid) && !phase.equals("Succeeded")
                            && !phase.equals("Failed")) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** upstream's reconcileOldReplicaSets: unhealthy old replicas first, then as availability allows. */
        private boolean scaleDownOld(RolloutMath.Budget budget) {
            int oldReplicas = oldRss.stream().mapToInt(DeploymentController::specReplicas).sum();
            if (oldReplicas == 0) {
                return false;
            }
            int minAvailable = wanted - budget.maxUnavailable();
            int newUnavailable = specReplicas(newRs) - newRs.path("status").path("availableReplicas").asInt(0);
            int maxScaledDown = totalSpecReplicas() - minAvailable - newUnavailable;
            if (maxScaledDown <= 0) {
                return false;
            }
            boolean scaled = false;
            int cleaned = 0;
            for (int i = 0; i < oldRss.size() && cleaned < maxScaledDown; i++) {
                ObjectNode rs = oldRss.get(i);
                int replicas = specReplicas(rs);
                int unhealthy = replicas - rs.path("status").path("availableReplicas").asInt(0);
                int down = Math.min(Math.max(0, unhealthy), maxScaledDown - cleaned);
                if (down > 0) {
                    oldRss.set(i, scale(rs, replicas - down, budget));
                    cleaned += down;
                    scaled = true;
                }
            }
            int available = oldRss.stream().mapToInt(rs -> rs.path("status").path("availableReplicas").asInt(0))
                    .sum() + newRs.path("status").path("availableReplicas").asInt(0);
            int budgetLeft = Math.min(available - minAvailable, maxScaledDown - cleaned);
            for (int i = 0; i < oldRss.size() && budgetLeft > 0; i++) {
                ObjectNode rs = oldRss.get(i);
                int replicas = specReplicas(rs);
                int down = Math.min(replicas, budgetLeft);
                if (down > 0) {
                    oldRss.set(i, scale(rs, replicas - down, budget));
                    budgetLeft -= down;
                    scaled = true;
                }
            }
            return scaled;
        }

        private int totalSpecReplicas() {
            return oldRss.stream().mapToInt(DeploymentController::specReplicas).sum()
                    + (newRs == null ? 0 : specReplicas(newRs));
        }

        /** Every pod of the new template available and the old ReplicaSets empty. */
        private boolean complete() {
            JsonNode status = newRs == null ? JsonNodeFactory.instance.objectNode() : newRs.path("status");
            return newRs != null && specReplicas(newRs) == wanted && status.path("replicas").asInt(0) == wanted
                    && status.path("availableReplicas").asInt(0) == wanted
                    && oldRss.stream().allMatch(rs -> specReplicas(rs) == 0 && rs.path("status").path("replicas")
                            .asInt(0) == 0);
        }

        /** Finds or (when {@code create}) makes the ReplicaSet of the current template, with the next revision. */
        private void ensureNewReplicaSet(boolean create) {
            long maxOld = oldRss.stream().mapToLong(DeploymentController::revision).max().orElse(0);
            long next = maxOld + 1;
            if (newRs != null) {
                if (revision(newRs) < next || !annotationsCurrent(newRs)) {
                    ObjectNode updated = newRs.deepCopy();
                    ObjectNode annotations = ((ObjectNode) updated.get("metadata")).withObject("annotations");
                    if (revision(newRs) < next) {
                        annotations.put(REVISION, Long.toString(next));
                    }
                    annotateReplicas(annotations);
                    newRs = client.resource(REPLICASETS).inNamespace(namespaceOf(d)).update(updated);
                }
                setDeploymentRevision(Math.max(next, revision(newRs)));
                return;
            }
            if (!create) {
                return;
            }
            long collisions = d.path("status").path("collisionCount").asLong(0);
            ObjectNode template = d.path("spec").path("template").deepCopy();
            String hash = TemplateHash.of(template, collisions);
            ((ObjectNode) template.withObject("metadata")).withObject("labels").put(HASH_LABEL, hash);
            ObjectNode rs = JsonNodeFactory.instance.objectNode();
            rs.put("apiVersion", "apps/v1");
            rs.put("kind", "ReplicaSet");
            ObjectNode meta = rs.putObject("metadata");
            meta.put("name", nameOf(d) + "-" + hash);
            meta.put("namespace", namespaceOf(d));
            meta.set("labels", template.path("metadata").path("labels").deepCopy());
            ObjectNode annotations = meta.putObject("annotations");
            d.path("metadata").path("annotations").fields().forEachRemaining(e -> {
                if (!e.getKey().equals(REVISION) && !e.getKey().startsWith("kubectl.kubernetes.io/last-applied")) {
                    annotations.set(e.getKey(), e.getValue());
                }
            });
            annotations.put(REVISION, Long.toString(next));
            annotateReplicas(annotations);
            meta.putArray("ownerReferences").add(ControllerRefs.to("apps/v1", "Deployment", d));
            ObjectNode spec = rs.putObject("spec");
            RolloutMath.Budget budget = budget();
            boolean recreate = d.path("spec").path("strategy").path("type").asText("").equals("Recreate");
            spec.put("replicas", recreate ? wanted
                    : RolloutMath.newReplicaSetReplicas(wanted, budget, totalSpecReplicas(), 0));
            spec.put("minReadySeconds", d.path("spec").path("minReadySeconds").asInt(0));
            ObjectNode rsSelector = d.path("spec").path("selector").deepCopy();
            rsSelector.withObject("matchLabels").put(HASH_LABEL, hash);
            spec.set("selector", rsSelector);
            spec.set("template", template);
            try {
                newRs = client.resource(REPLICASETS).inNamespace(namespaceOf(d)).create(rs);
                context.events().event(d, EventRecorder.NORMAL, "ScalingReplicaSet", "Scaled up replica set "
                        + nameOf(newRs) + " to " + specReplicas(newRs) + " from 0");
                progressing("NewReplicaSetCreated", "Created new replica set \"" + nameOf(newRs) + "\"");
            } catch (ResourceException e) {
                if (e.code() != 409) {
                    throw e;
                }
                // a ReplicaSet of that name with another template: count the collision and hash again next time
                ObjectNode status = d.deepCopy();
                ((ObjectNode) status.withObject("status")).put("collisionCount", collisions + 1);
                client.resource(DEPLOYMENTS).inNamespace(namespaceOf(d)).updateStatus(status);
                throw new IllegalStateException("hash collision for " + nameOf(d) + "-" + hash);
            }
            setDeploymentRevision(next);
        }

        private String pendingProgressReason;
        private String pendingProgressMessage;

        private void progressing(String reason, String message) {
            pendingProgressReason = reason;
            pendingProgressMessage = message;
        }

        private RolloutMath.Budget budget() {
            return d.path("spec").path("strategy").path("type").asText("").equals("Recreate")
                    ? new RolloutMath.Budget(0, 0)
                    : RolloutMath.Budget.of(d.path("spec").path("strategy").path("rollingUpdate"), wanted);
        }

        private void annotateReplicas(ObjectNode annotations) {
            annotations.put(DESIRED_REPLICAS, Integer.toString(wanted));
            annotations.put(MAX_REPLICAS, Integer.toString(wanted + budget().maxSurge()));
        }

        private boolean annotationsCurrent(ObjectNode rs) {
            JsonNode a = rs.path("metadata").path("annotations");
            return a.path(DESIRED_REPLICAS).asText("").equals(Integer.toString(wanted))
                    && a.path(MAX_REPLICAS).asText("").equals(Integer.toString(wanted + budget().maxSurge()));
        }

        private void setDeploymentRevision(long revision) {
            if (d.path("metadata").path("annotations").path(REVISION).asText("").equals(Long.toString(revision))) {
                return;
            }
            ObjectNode updated = d.deepCopy();
            ((ObjectNode) updated.get("metadata")).withObject("annotations").put(REVISION, Long.toString(revision));
            ObjectNode stored = client.resource(DEPLOYMENTS).inNamespace(namespaceOf(d)).update(updated);
            d.set("metadata", stored.get("metadata"));
        }

        private ObjectNode scale(ObjectNode rs, int replicas, RolloutMath.Budget budget) {
            int from = specReplicas(rs);
            ObjectNode updated = rs.deepCopy();
            ((ObjectNode) updated.get("spec")).put("replicas", replicas);
            annotateReplicas(((ObjectNode) updated.get("metadata")).withObject("annotations"));
            ObjectNode stored = client.resource(REPLICASETS).inNamespace(namespaceOf(rs)).update(updated);
            context.events().event(d, EventRecorder.NORMAL, "ScalingReplicaSet", "Scaled "
                    + (replicas > from ? "up" : "down") + " replica set " + nameOf(rs) + " to " + replicas + " from "
                    + from);
            if (rs == newRs) {
                progressing("ReplicaSetUpdated", "ReplicaSet \"" + nameOf(rs) + "\" is progressing.");
            }
            return stored;
        }

        /** Deletes old, empty ReplicaSets beyond revisionHistoryLimit, oldest first. */
        private void cleanupHistory() {
            int limit = d.path("spec").path("revisionHistoryLimit").asInt(10);
            List<ObjectNode> empty = oldRss.stream().filter(rs -> specReplicas(rs) == 0
                    && rs.path("status").path("replicas").asInt(0) == 0
                    && !rs.path("metadata").has("deletionTimestamp")).sorted(
                            Comparator.comparingLong(DeploymentController::revision)).toList();
            for (int i = 0; i < empty.size() - limit; i++) {
                try {
                    client.resource(REPLICASETS).inNamespace(namespaceOf(d)).delete(nameOf(empty.get(i)));
                } catch (ResourceException e) {
                    if (!e.isNotFound()) {
                        throw e;
                    }
                }
            }
        }

        /** Writes the status; returns when to look again for the progress deadline. */
        ReconcileResult syncStatus(boolean complete) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            List<ObjectNode> all = new ArrayList<>(oldRss);
            if (newRs != null) {
                all.add(newRs);
            }
            int replicas = all.stream().mapToInt(rs -> rs.path("status").path("replicas").asInt(0)).sum();
            int ready = all.stream().mapToInt(rs -> rs.path("status").path("readyReplicas").asInt(0)).sum();
            int available = all.stream().mapToInt(rs -> rs.path("status").path("availableReplicas").asInt(0)).sum();
            int updated = newRs == null ? 0 : newRs.path("status").path("replicas").asInt(0);
            ObjectNode status = JsonNodeFactory.instance.objectNode();
            status.put("observedGeneration", d.path("metadata").path("generation").asLong(0));
            putIfPositive(status, "replicas", replicas);
            putIfPositive(status, "updatedReplicas", updated);
            putIfPositive(status, "readyReplicas", ready);
            putIfPositive(status, "availableReplicas", available);
            putIfPositive(status, "unavailableReplicas", Math.max(0, wanted - available));
            putIfPositive(status, "collisionCount", d.path("status").path("collisionCount").asLong(0));
            JsonNode previous = d.path("status").path("conditions");
            ArrayNode conditions = status.putArray("conditions");
            boolean minimum = available >= wanted - budget().maxUnavailable();
            condition(conditions, previous, "Available", minimum ? "True" : "False",
                    minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                    minimum ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
                    now);
            ReconcileResult result = ReconcileResult.DONE;
            String rsName = newRs == null ? "" : nameOf(newRs);
            JsonNode oldProgressing = find(previous, "Progressing");
            int deadline = d.path("spec").path("progressDeadlineSeconds").asInt(600);
            if (complete) {
                condition(conditions, previous, "Progressing", "True", "NewReplicaSetAvailable",
                        "ReplicaSet \"" + rsName + "\" has successfully progressed.", now);
            } else if (pendingProgressReason != null) {
                condition(conditions, previous, "Progressing", "True", pendingProgressReason, pendingProgressMessage,
                        now);
                result = ReconcileResult.after(Duration.ofSeconds(deadline));
            } else if (oldProgressing != null && !oldProgressing.path("reason").asText().equals("NewReplicaSetAvailable")
                    && !oldProgressing.path("reason").asText().equals("ProgressDeadlineExceeded")) {
                Instant lastUpdate = Instant.parse(oldProgressing.path("lastUpdateTime").asText(now.toString()));
                if (!lastUpdate.plusSeconds(deadline).isAfter(now)) {
                    condition(conditions, previous, "Progressing", "False", "ProgressDeadlineExceeded",
                            "ReplicaSet \"" + rsName + "\" has timed out progressing.", now);
                    context.events().event(d, EventRecorder.WARNING, "ProgressDeadlineExceeded",
                            "Deployment \"" + nameOf(d) + "\" has timed out progressing.");
                } else {
                    conditions.add(oldProgressing.deepCopy());
                    result = ReconcileResult.after(Duration.between(now, lastUpdate.plusSeconds(deadline))
                            .plusSeconds(1));
                }
            } else if (oldProgressing != null) {
                conditions.add(oldProgressing.deepCopy());
            }
            if (normalized(status).equals(d.path("status"))) {
                return result; // unchanged: writing it would wake this controller again for nothing
            }
            ObjectNode withStatus = d.deepCopy();
            withStatus.set("status", status);
            client.resource(DEPLOYMENTS).inNamespace(namespaceOf(d)).updateStatus(withStatus);
            return result;
        }

        private void condition(ArrayNode conditions, JsonNode previous, String type, String status, String reason,
                String message, Instant now) {
            JsonNode old = find(previous, type);
            ObjectNode c = conditions.addObject();
            c.put("type", type);
            c.put("status", status);
            boolean same = old != null && old.path("status").asText().equals(status)
                    && old.path("reason").asText().equals(reason) && old.path("message").asText().equals(message);
            c.put("lastUpdateTime", same ? old.path("lastUpdateTime").asText(now.toString()) : now.toString());
            c.put("lastTransitionTime", old != null && old.path("status").asText().equals(status)
                    ? old.path("lastTransitionTime").asText(now.toString()) : now.toString());
            c.put("reason", reason);
            c.put("message", message);
        }
    }

    /** The tree as it reads back from JSON: numbers as the smallest node type, so equal values compare equal. */
    private static JsonNode normalized(JsonNode tree) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsBytes(tree));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode find(JsonNode conditions, String type) {
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return null;
    }

    private static void putIfPositive(ObjectNode status, String field, long value) {
        if (value > 0) {
            status.put(field, value);
        }
    }

    /** Templates equal apart from the pod-template-hash label the ReplicaSet's copy carries. */
    static boolean sameTemplate(JsonNode rsTemplate, JsonNode template) {
        ObjectNode a = rsTemplate.deepCopy();
        ObjectNode b = template.deepCopy();
        for (ObjectNode t : List.of(a, b)) {
            if (t.path("metadata").path("labels") instanceof ObjectNode labels) {
                labels.remove(HASH_LABEL);
                if (labels.isEmpty()) {
                    ((ObjectNode) t.get("metadata")).remove("labels");
                }
            }
        }
        return a.equals(b);
    }

    static int specReplicas(ObjectNode rs) {
        return rs.path("spec").path("replicas").asInt(1);
    }

    static long revision(ObjectNode rs) {
        try {
            return Long.parseLong(rs.path("metadata").path("annotations").path(REVISION).asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String namespaceOf(ObjectNode object) {
        return object.path("metadata").path("namespace").asText();
    }

    private static String nameOf(ObjectNode object) {
        return object.path("metadata").path("name").asText();
    }
}
