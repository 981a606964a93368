package io.karst.controllers.replicaset;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
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
import io.karst.controllers.ownership.ControllerRefs;
import io.karst.controllers.selection.LabelSelectorMatch;

/**
 * kube-controller-manager's ReplicaSet controller, which also drives ReplicationControllers: claims the pods its selector matches (adopting orphans,
 * releasing pods that no longer match), creates or deletes pods until {@code spec.replicas} are active (at most
 * {@link #BURST} per pass, creations in slow-start batches of 1, 2, 4, ...), and keeps the status counts
 * (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration) and the ReplicaFailure
 * condition. Creations and deletions are expected before pods are counted again, so a lagging cache does not
 * create or delete twice.
 */
abstract class ReplicaControl implements Controller {
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");

    /**
     * What differs between the controllers of ReplicaSets and ReplicationControllers.
     *
     * @param selector the owner's selector as a metav1 LabelSelector (a ReplicationController's is a plain map)
     */
    record Owner(String name, ResourceKey resource, String kind, java.util.function.UnaryOperator<JsonNode> selector) {
    }

    private final Owner owner;
    private final ResourceKey ownerResource;
    static final int BURST = 500;

    private final Clock clock;
    private final Expectations expectations = new Expectations();
    private volatile ControllerContext context;
    private volatile ResourceClient client;
    private volatile Informer replicaSets;
    private volatile Informer pods;
    /** Runs the creations of a slow-start batch at once (upstream: a goroutine each). */
    private volatile ExecutorService creations;

    /** How many pod creations run at once, over all the controller's workers. */
    static final int CREATION_THREADS = 16;

    ReplicaControl(Owner owner, Clock clock) {
        this.owner = owner;
        this.ownerResource = owner.resource();
        this.clock = clock;
    }

    @Override
    public String name() {
        return owner.name();
    }

    @Override
    public void stop() {
        ExecutorService pool = creations;
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public int workers() {
        return 5; // upstream --concurrent-replicaset-syncs
    }

    @Override
    public void start(ControllerContext ctx) {
        context = ctx;
        client = ctx.client();
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(CREATION_THREADS, CREATION_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "karst-" + owner.name() + "-create-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        creations = pool;
        replicaSets = ctx.informers().informer(ownerResource);
        pods = ctx.informers().informer(PODS);
        pods.addIndex(ControllerRefs.INDEX, ControllerRefs::indexValues);
        ctx.handle(replicaSets, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode rs) {
                ctx.queue().add(ObjectKeys.of(rs));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode rs) {
                ctx.queue().add(ObjectKeys.of(rs));
            }

            @Override
            public void onDelete(ObjectNode rs, boolean finalStateUnknown) {
                expectations.forget(ObjectKeys.of(rs));
                ctx.queue().add(ObjectKeys.of(rs));
            }
        });
        ctx.handle(pods, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode pod) {
                String owner = ownerKey(pod);
                if (owner != null) {
                    expectations.creationObserved(owner);
                    ctx.queue().add(owner);
                } else {
                    matchingReplicaSets(pod).forEach(rs -> ctx.queue().add(ObjectKeys.of(rs)));
                }
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode pod) {
                String before = ownerKey(old);
                String after = ownerKey(pod);
                if (before != null && !before.equals(after)) {
                    ctx.queue().add(before);
                }
                if (after != null) {
                    ctx.queue().add(after);
                    // a pod that became ready counts as available only minReadySeconds later
                    replicaSets.lister().get(pod.path("metadata").path("namespace").asText(), ObjectKeys.name(after))
                            .map(rs -> rs.path("spec").path("minReadySeconds").asInt(0)).filter(s -> s > 0)
                            .ifPresent(s -> ctx.queue().addAfter(after, Duration.ofSeconds(s + 1)));
                } else {
                    matchingReplicaSets(pod).forEach(rs -> ctx.queue().add(ObjectKeys.of(rs)));
                }
            }

            @Override
            public void onDelete(ObjectNode pod, boolean finalStateUnknown) {
                String owner = ownerKey(pod);
                if (owner != null) {
                    expectations.deletionObserved(owner);
                    ctx.queue().add(owner);
                }
            }
        });
    }

    /** The key of the ReplicaSet that controls {@code pod}, if it exists with that uid. */
    private String ownerKey(ObjectNode pod) {
        JsonNode ref = ControllerRefs.of(pod);
        if (ref == null || !ref.path("kind").asText().equals(owner.kind())
                || !ref.path("apiVersion").asText().equals(owner.resource().apiVersion())) {
            return null;
        }
        String namespace = pod.path("metadata").path("namespace").asText();
        return replicaSets.lister().get(namespace, ref.path("name").asText())
                .filter(rs -> rs.path("metadata").path("uid").asText().equals(ref.path("uid").asText()))
                .map(ObjectKeys::of).orElse(null);
    }

    private List<ObjectNode> matchingReplicaSets(ObjectNode pod) {
        JsonNode labels = pod.path("metadata").path("labels");
        return replicaSets.lister().list(pod.path("metadata").path("namespace").asText()).stream()
                .filter(rs -> selectorOf(rs).matches(labels)).toList();
    }

    private ObjectNode referenceTo(ObjectNode rs) {
        return ControllerRefs.to(owner.resource().apiVersion(), owner.kind(), rs);
    }

    private LabelSelectorMatch selectorOf(ObjectNode rs) {
        return LabelSelectorMatch.of(owner.selector().apply(rs.path("spec").path("selector")));
    }

    @Override
    public ReconcileResult reconcile(String key) {
        String namespace = ObjectKeys.namespace(key);
        Optional<ObjectNode> found = replicaSets.lister().get(namespace, ObjectKeys.name(key));
        if (found.isEmpty()) {
            expectations.forget(key);
            return ReconcileResult.DONE;
        }
        ObjectNode rs = found.get();
        boolean needsSync = expectations.satisfied(key);
        List<ObjectNode> owned = claimPods(rs);
        List<ObjectNode> active = owned.stream().filter(Pods::active).toList();
        String failure = null;
        if (needsSync && !rs.path("metadata").has("deletionTimestamp")) {
            failure = manageReplicas(key, rs, active);
        }
        updateStatus(rs, active, failure);
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        int minReady = rs.path("spec").path("minReadySeconds").asInt(0);
        Instant now = clock.instant();
        if (minReady > 0 && active.stream().anyMatch(p -> Pods.ready(p) && !Pods.available(p, minReady, now))) {
            return ReconcileResult.after(Duration.ofSeconds(minReady));
        }
        return ReconcileResult.DONE;
    }

    /** The pods this ReplicaSet controls after adopting matching orphans and releasing its non-matching pods. */
    private List<ObjectNode> claimPods(ObjectNode rs) {
        String namespace = rs.path("metadata").path("namespace").asText();
        String uid = rs.path("metadata").path("uid").asText();
        LabelSelectorMatch selector = selectorOf(rs);
        boolean deleting = rs.path("metadata").has("deletionTimestamp");
        List<ObjectNode> owned = new ArrayList<>();
        // its own pods and the namespace's orphans: pods of other controllers cannot be claimed
        List<ObjectNode> candidates = new ArrayList<>(pods.lister().byIndex(ControllerRefs.INDEX, uid));
        candidates.addAll(pods.lister().byIndex(ControllerRefs.INDEX, ControllerRefs.orphansIn(namespace)));
        for (ObjectNode pod : candidates) {
            JsonNode ref = ControllerRefs.of(pod);
            boolean matches = selector.matches(pod.path("metadata").path("labels"));
            if (ref != null) {
                if (!ref.path("uid").asText().equals(uid)) {
                    continue;
                }
                if (matches) {
                    owned.add(pod);
                } else if (!deleting) {
                    release(pod, uid);
                }
            } else if (matches && !deleting && !pod.path("metadata").has("deletionTimestamp")) {
                adopt(rs, pod).ifPresent(owned::add);
            }
        }
        return owned;
    }

    private Optional<ObjectNode> adopt(ObjectNode rs, ObjectNode cached) {
        // upstream re-reads the owner before adopting: a ReplicaSet being deleted must not take pods
        Optional<ObjectNode> live = client.resource(ownerResource).inNamespace(namespaceOf(rs)).find(nameOf(rs))
                .filter(r -> r.path("metadata").path("uid").equals(rs.path("metadata").path("uid")))
                .filter(r -> !r.path("metadata").has("deletionTimestamp"));
        if (live.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode pod = cached.deepCopy();
        ((ObjectNode) pod.get("metadata")).withArray("ownerReferences").add(referenceTo(rs));
        try {
            return Optional.of(client.resource(PODS).inNamespace(namespaceOf(pod)).update(pod));
        } catch (ResourceException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void release(ObjectNode cached, String ownerUid) {
        ObjectNode pod = cached.deepCopy();
        ArrayNode refs = (ArrayNode) pod.path("metadata").path("ownerReferences");
        for (Iterator<JsonNode> it = refs.iterator(); it.hasNext();) {
            if (it.next().path("uid").asText().equals(ownerUid)) {
                it.remove();
            }
        }
        if (refs.isEmpty()) {
            ((ObjectNode) pod.get("metadata")).remove("ownerReferences");
        }
        try {
            client.resource(PODS).inNamespace(namespaceOf(pod)).update(pod);
        } catch (ResourceException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    /** Creates or deletes pods; returns the failure to report, or null. */
    private String manageReplicas(String key, ObjectNode rs, List<ObjectNode> active) {
        int wanted = rs.path("spec").path("replicas").asInt(1);
        int diff = active.size() - wanted;
        if (diff < 0) {
            int toCreate = Math.min(-diff, BURST);
            expectations.expect(key, toCreate, 0);
            int created = 0;
            String failure = null;
            // upstream's slowStartBatch: the creations of a batch run at once, and a batch with a failure is the last
            for (int batch = 1; created < toCreate && failure == null; batch = Math.min(batch * 2, toCreate)) {
                int size = Math.min(batch, toCreate - created);
                List<Future<String>> results = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    results.add(creations.submit(() -> createPod(rs)));
                }
                for (Future<String> result : results) {
                    String error = outcome(result);
                    if (error == null) {
                        created++;
                    } else if (failure == null) {
                        failure = error;
                    }
                }
            }
            for (int skipped = toCreate - created; skipped > 0; skipped--) {
                expectations.creationObserved(key); // never coming
            }
            return failure;
        }
        if (diff > 0) {
            List<ObjectNode> victims = new ArrayList<>(active);
            victims.sort(Pods.DELETION_ORDER);
            victims = victims.subList(0, Math.min(diff, BURST));
            expectations.expect(key, 0, victims.size());
            for (ObjectNode pod : victims) {
                try {
                    client.resource(PODS).inNamespace(namespaceOf(pod)).delete(nameOf(pod),
                            DeleteOptions.NONE.withPreconditionUid(pod.path("metadata").path("uid").asText()));
                    context.events().event(rs, EventRecorder.NORMAL, "SuccessfulDelete",
                            "Deleted pod: " + nameOf(pod));
                } catch (ResourceException e) {
                    expectations.deletionObserved(key);
                    if (!e.isNotFound()) {
                        return e.getMessage();
                    }
                }
            }
        }
        return null;
    }

    /** Creates one pod of {@code rs} with its event; returns null, or the error to report. */
    private String createPod(ObjectNode rs) {
        try {
            ObjectNode pod = client.resource(PODS).inNamespace(namespaceOf(rs)).create(podFor(rs));
            context.events().event(rs, EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: " + nameOf(pod));
            return null;
        } catch (ResourceException e) {
            context.events().event(rs, EventRecorder.WARNING, "FailedCreate", "Error creating: " + e.getMessage());
            return e.getMessage();
        }
    }

    private static String outcome(Future<String> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped while creating pods", e);
        } catch (ExecutionException e) {
            // not a ResourceException (createPod turns those into a message): fail the pass, retried with backoff
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private ObjectNode podFor(ObjectNode rs) {
        JsonNode template = rs.path("spec").path("template");
        ObjectNode pod = JsonNodeFactory.instance.objectNode();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.put("generateName", nameOf(rs) + "-");
        if (template.path("metadata").has("labels")) {
            meta.set("labels", template.path("metadata").path("labels").deepCopy());
        }
        if (template.path("metadata").has("annotations")) {
            meta.set("annotations", template.path("metadata").path("annotations").deepCopy());
        }
        meta.putArray("ownerReferences").add(referenceTo(rs));
        pod.set("spec", template.path("spec").deepCopy());
        return pod;
    }

    private void updateStatus(ObjectNode rs, List<ObjectNode> active, String failure) {
        Instant now = clock.instant();
        int minReady = rs.path("spec").path("minReadySeconds").asInt(0);
        JsonNode templateLabels = rs.path("spec").path("template").path("metadata").path("labels");
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("replicas", active.size());
        // upstream omits the other counters when zero
        putIfPositive(status, "fullyLabeledReplicas", active.stream().filter(p -> hasAll(
                p.path("metadata").path("labels"), templateLabels)).count());
        putIfPositive(status, "readyReplicas", active.stream().filter(Pods::ready).count());
        putIfPositive(status, "availableReplicas", active.stream().filter(p -> Pods.available(p, minReady, now))
                .count());
        putIfPositive(status, "observedGeneration", rs.path("metadata").path("generation").asLong(0));
        ArrayNode conditions = JsonNodeFactory.instance.arrayNode();
        for (JsonNode c : rs.path("status").path("conditions")) {
            if (!c.path("type").asText().equals("ReplicaFailure")) {
                conditions.add(c);
            }
        }
        if (failure != null) {
            JsonNode previous = rs.path("status").path("conditions");
            ObjectNode c = conditions.addObject();
            c.put("type", "ReplicaFailure");
            c.put("status", "True");
            c.put("lastTransitionTime", lastTransition(previous, now));
            c.put("reason", "FailedCreate");
            c.put("message", failure);
        }
        if (!conditions.isEmpty()) {
            status.set("conditions", conditions);
        }
        ObjectNode current = rs.path("status").isObject() ? (ObjectNode) rs.get("status")
                : JsonNodeFactory.instance.objectNode();
        if (sameCounts(current, status)) {
            return;
        }
        ObjectNode updated = rs.deepCopy();
        updated.set("status", status);
        client.resource(ownerResource).inNamespace(namespaceOf(rs)).updateStatus(updated);
    }

    private static void putIfPositive(ObjectNode status, String field, long value) {
        if (value > 0) {
            status.put(field, value);
        }
    }

    private static String lastTransition(JsonNode conditions, Instant now) {
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals("ReplicaFailure") && c.path("status").asText().equals("True")) {
                return c.path("lastTransitionTime").asText();
            }
        }
        return now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** Equal, counting absent counters as 0 (upstream omits zero values). */
    private static boolean sameCounts(ObjectNode current, ObjectNode wanted) {
        for (String field : List.of("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas",
                "observedGeneration")) {
            if (current.path(field).asLong(0) != wanted.path(field).asLong(0)) {
                return false;
            }
        }
        return current.path("conditions").equals(wanted.path("conditions"))
                || (current.path("conditions").isEmpty() && wanted.path("conditions").isMissingNode());
    }

    private static boolean hasAll(JsonNode labels, JsonNode required) {
        for (Iterator<Map.Entry<String, JsonNode>> it = required.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static String namespaceOf(ObjectNode object) {
        return object.path("metadata").path("namespace").asText();
    }

    private static String nameOf(ObjectNode object) {
        return object.path("metadata").path("name").asText();
    }
}
