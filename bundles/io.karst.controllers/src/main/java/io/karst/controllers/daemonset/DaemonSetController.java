package io.karst.controllers.daemonset;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;
import io.karst.controllers.history.Revisions;
import io.karst.controllers.objects.EveryChange;
import io.karst.controllers.objects.JsonTrees;
import io.karst.controllers.ownership.ControllerRefs;

/**
 * kube-controller-manager's DaemonSet controller. One pod per node that should run it (nodeSelector, required node
 * affinity, taints against the pod's tolerations plus upstream's default daemon tolerations); each pod is pinned to
 * its node by a required {@code matchFields metadata.name In [node]} affinity and left to the scheduler to bind.
 * Pods on nodes that no longer qualify are deleted, as are failed pods and duplicates. Each template is a
 * ControllerRevision; pods carry its hash in {@code controller-revision-hash}. RollingUpdate replaces old pods
 * within {@code maxUnavailable}, or with {@code maxSurge} starts the new pod first and removes the old one once the
 * new one is available; OnDelete leaves old pods until they are deleted.
 */
@Component(service = Controller.class, property = Controller.NAME + "=daemonset")
public final class DaemonSetController implements Controller {
    public static final ResourceKey DAEMONSETS = new ResourceKey("apps", "v1", "daemonsets");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey NODES = new ResourceKey("", "v1", "nodes");

    /** Pods created but not yet seen in the cache, per DaemonSet key and node: the cache lags behind our writes. */
    private final Map<String, Map<String, Instant>> pendingCreates = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Duration PENDING_TIMEOUT = Duration.ofSeconds(30);
    private final Clock clock;
    private volatile ControllerContext context;
    private volatile ResourceClient client;
    private volatile Informer daemonSets;
    private volatile Informer pods;
    private volatile Informer nodes;
    private volatile Informer revisions;

    public DaemonSetController() {
        this(Clock.systemUTC());
    }

    DaemonSetController(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "daemonset";
    }

    @Override
    public int workers() {
        return 2; // upstream --concurrent-daemonset-syncs
    }

    @Override
    public void start(ControllerContext ctx) {
        context = ctx;
        client = ctx.client();
        daemonSets = ctx.informers().informer(DAEMONSETS);
        pods = ctx.informers().informer(PODS);
        nodes = ctx.informers().informer(NODES);
        revisions = ctx.informers().informer(Revisions.CONTROLLER_REVISIONS);
        ctx.handle(daemonSets, EveryChange.of(ds -> ctx.queue().add(ObjectKeys.of(ds))));
        ctx.handle(pods, EveryChange.of(pod -> ControllerRefs.ownerKey(pod, "DaemonSet").ifPresent(ctx.queue()::add)));
        ctx.handle(nodes, EveryChange.of(node -> daemonSets.lister().list()
                .forEach(ds -> ctx.queue().add(ObjectKeys.of(ds)))));
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> found = daemonSets.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (found.isEmpty() || found.get().path("metadata").has("deletionTimestamp")) {
            return ReconcileResult.DONE;
        }
        return new Sync(found.get()).run();
    }

    private final class Sync {
        final ObjectNode ds;
        final String namespace;
        final String dsName;
        final int minReadySeconds;
        Duration recheck;

        Sync(ObjectNode ds) {
            this.ds = ds;
            namespace = ds.path("metadata").path("namespace").asText();
            dsName = ds.path("metadata").path("name").asText();
            minReadySeconds = ds.path("spec").path("minReadySeconds").asInt(0);
        }

        ReconcileResult run() {
            List<ObjectNode> owned = Revisions.ownedBy(ds, revisions.lister().list(namespace));
            ObjectNode labels = ds.path("spec").path("template").path("metadata").path("labels").isObject()
                    ? ds.path("spec").path("template").path("metadata").path("labels").deepCopy()
                    : JsonNodeFactory.instance.objectNode();
            Revisions.Ensured update = Revisions.ensure(client, ds, "apps/v1", "DaemonSet", labels,
                    Revisions.templatePatch(ds.path("spec").path("template")), owned,
                    ds.path("status").path("collisionCount").asLong(0));
            String hash = update.name().substring(dsName.length() + 1);
            ObjectNode template = Revisions.templateOf(update.revision());

            String uid = ds.path("metadata").path("uid").asText();
            Map<String, List<ObjectNode>> byNode = new HashMap<>();
            for (ObjectNode pod : pods.lister().list(namespace)) {
                JsonNode ref = ControllerRefs.of(pod);
                if (ref != null && ref.path("uid").asText().equals(uid)) {
                    byNode.computeIfAbsent(NodeEligibility.nodeOf(pod), n -> new ArrayList<>()).add(pod);
                }
            }
            byNode.values().forEach(l -> l.sort(Comparator.comparing(
                    p -> p.path("metadata").path("creationTimestamp").asText(""))));

            int desired = 0;
            int current = 0;
            int ready = 0;
            int available = 0;
            int updated = 0;
            int misscheduled = 0;
            List<String> wanted = new ArrayList<>();
            for (ObjectNode node : nodes.lister().list()) {
                String nodeName = node.path("metadata").path("name").asText();
                boolean shouldRun = NodeEligibility.shouldRun(template.path("spec"), node);
                List<ObjectNode> here = byNode.getOrDefault(nodeName, List.of());
                List<ObjectNode> live = new ArrayList<>();
                for (ObjectNode pod : here) {
                    if (terminating(pod)) {
                        continue;
                    }
                    if (!shouldRun || isFailed(pod)) {
                        deletePod(pod);
                        continue;
                    }
                    live.add(pod);
                }
                if (!shouldRun) {
                    if (!live.isEmpty() || here.stream().anyMatch(p -> !terminating(p))) {
                        misscheduled++;
                    }
                    continue;
                }
                desired++;
                wanted.add(nodeName);
                if (live.isEmpty()) {
                    if (here.stream().noneMatch(DaemonSetController::terminating)
                            && !creationPending(nodeName, !here.isEmpty())) {
                        createPod(nodeName, template, hash);
                    }
                    continue;
                }
                current++;
                // duplicates go: the oldest updated pod stays, and while surging also the oldest old one
                ObjectNode keep = live.stream().filter(p -> hashOf(p).equals(hash)).findFirst().orElse(live.get(0));
                ObjectNode keepOld = surging() && hashOf(keep).equals(hash)
                        ? live.stream().filter(p -> !hashOf(p).equals(hash)).findFirst().orElse(null) : null;
                for (ObjectNode pod : live) {
                    if (pod != keep && pod != keepOld) {
                        deletePod(pod);
                    }
                }
                if (ready(keep)) {
                    ready++;
                    if (available(keep)) {
                        available++;
                    }
                }
                if (hashOf(keep).equals(hash)) {
                    updated++;
                }
            }
            // pods on nodes that no longer exist
            Set<String> nodeNames = new HashSet<>();
            nodes.lister().list().forEach(n -> nodeNames.add(n.path("metadata").path("name").asText()));
            byNode.forEach((node, list) -> {
                if (!nodeNames.contains(node)) {
                    list.stream().filter(p -> !terminating(p)).forEach(this::deletePod);
                }
            });
            if (ds.path("spec").path("updateStrategy").path("type").asText("RollingUpdate").equals("RollingUpdate")) {
                rollingUpdate(wanted, byNode, template, hash, desired);
            }
            syncStatus(update, desired, current, ready, available, updated, misscheduled);
            Set<String> live = new HashSet<>();
            live.add(update.name());
            byNode.values().forEach(l -> l.forEach(p -> live.add(dsName + "-" + hashOf(p))));
            Revisions.truncate(client, Revisions.ownedBy(ds, revisions.lister().list(namespace)), live,
                    ds.path("spec").path("revisionHistoryLimit").asInt(10));
            return recheck == null ? ReconcileResult.DONE : ReconcileResult.after(recheck);
        }

        private String key() {
            return namespace + "/" + dsName;
        }

        /** Whether a pod created for this node is not yet in the cache (and was created recently). */
        private boolean creationPending(String nodeName, boolean seen) {
            Map<String, Instant> pending = pendingCreates.get(key());
            if (pending == null) {
                return false;
            }
            Instant at = pending.get(nodeName);
            if (at == null) {
                return false;
            }
            if (seen || clock.instant().isAfter(at.plus(PENDING_TIMEOUT))) {
                pending.remove(nodeName);
                return false;
            }
            return true;
        }

        private boolean surging() {
            return budget("maxSurge", 0, 0) > 0;
        }

        private int budget(String field, int fallback, int desired) {
            JsonNode v = ds.path("spec").path("updateStrategy").path("rollingUpdate").path(field);
            if (v.isMissingNode() || v.isNull()) {
                return fallback;
            }
            if (v.isTextual() && v.asText().endsWith("%")) {
                double percent = Double.parseDouble(v.asText().substring(0, v.asText().length() - 1));
                // upstream rounds maxUnavailable down and maxSurge up
                return field.equals("maxSurge") ? (int) Math.ceil(desired * percent / 100)
                        : (int) Math.floor(desired * percent / 100);
            }
            return v.asInt(fallback);
        }

        /** Upstream's rollingUpdate: old pods go within maxUnavailable, or with maxSurge new pods come first. */
        private void rollingUpdate(List<String> wanted, Map<String, List<ObjectNode>> byNode, ObjectNode template,
                String hash, int desired) {
            int maxSurge = budget("maxSurge", 0, desired);
            int maxUnavailable = budget("maxUnavailable", 1, desired);
            if (maxSurge == 0 && maxUnavailable == 0) {
                maxUnavailable = 1;
            }
            int unavailable = 0;
            List<ObjectNode> oldAvailable = new ArrayList<>();
            List<ObjectNode> oldUnavailable = new ArrayList<>();
            int surging = 0;
            List<String> needSurge = new ArrayList<>();
            for (String node : wanted) {
                List<ObjectNode> live = byNode.getOrDefault(node, List.of()).stream()
                        .filter(p -> !terminating(p) && !isFailed(p)).toList();
                ObjectNode newPod = live.stream().filter(p -> hashOf(p).equals(hash)).findFirst().orElse(null);
                ObjectNode oldPod = live.stream().filter(p -> !hashOf(p).equals(hash)).findFirst().orElse(null);
                if (newPod != null) {
                    creationPending(node, true); // seen: clears the mark
                }
                if (newPod == null && oldPod == null) {
                    unavailable++;
                    continue;
                }
                if (oldPod == null) {
                    if (!available(newPod)) {
                        unavailable++;
                    }
                    continue;
                }
                if (newPod != null) {
                    surging++;
                    if (available(newPod)) {
                        deletePod(oldPod); // the surge pod took over
                    }
                    continue;
                }
                if (available(oldPod)) {
                    oldAvailable.add(oldPod);
                    needSurge.add(node);
                } else {
                    oldUnavailable.add(oldPod);
                    unavailable++;
                }
            }
            if (maxSurge > 0) {
                for (int i = 0; i < needSurge.size() && surging < maxSurge; i++, surging++) {
                    if (!creationPending(needSurge.get(i), false)) {
                        createPod(needSurge.get(i), template, hash);
                    }
                }
                return;
            }
            // unavailable old pods first: replacing them costs nothing
            for (ObjectNode pod : oldUnavailable) {
                deletePod(pod);
            }
            for (ObjectNode pod : oldAvailable) {
                if (unavailable >= maxUnavailable) {
                    break;
                }
                deletePod(pod);
                unavailable++;
            }
        }

        private void createPod(String nodeName, ObjectNode template, String hash) {
            ObjectNode pod = JsonNodeFactory.instance.objectNode();
            pod.put("apiVersion", "v1");
            pod.put("kind", "Pod");
            ObjectNode metadata = template.path("metadata").isObject()
                    ? ((ObjectNode) template.get("metadata")).deepCopy() : JsonNodeFactory.instance.objectNode();
            pod.set("metadata", metadata);
            metadata.remove(List.of("name", "uid", "resourceVersion", "creationTimestamp"));
            metadata.put("generateName", dsName + "-");
            metadata.put("namespace", namespace);
            metadata.with("labels").put(Revisions.HASH_LABEL, hash);
            metadata.putArray("ownerReferences").add(ControllerRefs.to("apps/v1", "DaemonSet", ds));
            ObjectNode spec = template.path("spec").deepCopy();
            pod.set("spec", spec);
            NodeEligibility.addDefaultTolerations(spec);
            NodeEligibility.pinToNode(spec, nodeName);
            try {
                ObjectNode created = client.resource(PODS).inNamespace(namespace).create(pod);
                pendingCreates.computeIfAbsent(key(), k -> new java.util.concurrent.ConcurrentHashMap<>())
                        .put(nodeName, clock.instant());
                context.events().event(ds, EventRecorder.NORMAL, "SuccessfulCreate",
                        "Created pod: " + created.path("metadata").path("name").asText());
            } catch (ResourceException e) {
                context.events().event(ds, EventRecorder.WARNING, "FailedCreate",
                        "Error creating: " + e.getMessage());
                throw e;
            }
        }

        private void deletePod(ObjectNode pod) {
            String podName = pod.path("metadata").path("name").asText();
            try {
                client.resource(PODS).inNamespace(namespace).delete(podName);
                context.events().event(ds, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted pod: " + podName);
            } catch (ResourceException e) {
                if (!e.isNotFound()) {
                    context.events().event(ds, EventRecorder.WARNING, "FailedDelete",
                            "Error deleting: " + e.getMessage());
                    throw e;
                }
            }
        }

        private boolean available(ObjectNode pod) {
            Instant since = readySince(pod);
            if (since == null) {
                return false;
            }
            if (minReadySeconds <= 0) {
                return true;
            }
            Instant at = since.plusSeconds(minReadySeconds);
            Instant now = clock.instant();
            if (now.isBefore(at)) {
                Duration wait = Duration.between(now, at).plusMillis(100);
                if (recheck == null || wait.compareTo(recheck) < 0) {
                    recheck = wait;
                }
                return false;
            }
            return true;
        }

        private void syncStatus(Revisions.Ensured update, int desired, int current, int ready, int available,
                int updated, int misscheduled) {
            ObjectNode status = JsonNodeFactory.instance.objectNode();
            status.put("currentNumberScheduled", current);
            status.put("numberMisscheduled", misscheduled);
            status.put("desiredNumberScheduled", desired);
            status.put("numberReady", ready);
            status.put("observedGeneration", ds.path("metadata").path("generation").asLong());
            status.put("updatedNumberScheduled", updated);
            status.put("numberAvailable", available);
            if (desired - available > 0) {
                status.put("numberUnavailable", desired - available);
            }
            if (update.collisionCount() > 0) {
                status.put("collisionCount", update.collisionCount());
            }
            if (JsonTrees.same(status, ds.path("status"))) {
                return;
            }
            ObjectNode next = ds.deepCopy();
            next.set("status", status);
            try {
                client.resource(DAEMONSETS).inNamespace(namespace).updateStatus(next);
            } catch (ResourceException e) {
                if (e.isConflict()) {
                    context.queue().add(namespace + "/" + dsName);
                } else if (!e.isNotFound()) {
                    throw e;
                }
            }
        }
    }

    static String hashOf(ObjectNode pod) {
        return pod.path("metadata").path("labels").path(Revisions.HASH_LABEL).asText("");
    }

    static boolean terminating(ObjectNode pod) {
        return pod.path("metadata").has("deletionTimestamp");
    }

    static boolean isFailed(ObjectNode pod) {
        String phase = pod.path("status").path("phase").asText();
        return phase.equals("Failed") || phase.equals("Succeeded");
    }

    static boolean ready(ObjectNode pod) {
        return readySince(pod) != null;
    }

    static Instant readySince(ObjectNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True")) {
                String t = c.path("lastTransitionTime").asText("");
                return t.isEmpty() ? Instant.EPOCH : Instant.parse(t);
            }
        }
        return null;
    }
}
