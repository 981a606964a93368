package io.karst.controllers.gc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ApiResource;
import io.karst.api.client.DeleteOptions;
import io.karst.api.client.DeletionPropagation;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ReconcileResult;

/**
 * kube-controller-manager's garbage collector. Every change to an object with owners, and every deletion, puts
 * the objects concerned in the queue; reconciling one then does what upstream's collector does:
 * <ul>
 * <li>an object whose owners are all gone (absent, or another object under the same name) or all waiting for
 * their dependents is deleted, in the foreground when it has dependents of its own and an owner waits for it;
 * references to vanished owners are dropped from an object that still has a live owner;</li>
 * <li>an owner deleted with {@code propagationPolicy=Orphan} (finalizer {@code orphan}) has its reference removed
 * from every dependent, then loses the finalizer;</li>
 * <li>an owner deleted with {@code Foreground} (finalizer {@code foregroundDeletion}) has its dependents deleted and
 * loses the finalizer once none that blocks it ({@code blockOwnerDeletion: true}) remains.</li>
 * </ul>
 * Owners are looked up in the informers' caches; that an owner is gone is confirmed with a live read before
 * anything is deleted, so a cache that lags never costs an object.
 */
@Component(service = Controller.class, property = Controller.NAME + "=garbage-collector")
public final class GarbageCollector implements Controller {
    static final String ORPHAN = "orphan";
    static final String FOREGROUND = "foregroundDeletion";
    /** A safety net while an owner waits for dependents whose deletion events will also wake it. */
    static final Duration FOREGROUND_RECHECK = Duration.ofSeconds(5);

    private volatile ResourceClient client;
    private volatile Monitors monitors;
    private volatile ControllerContext context;

    @Override
    public String name() {
        return "garbage-collector";
    }

    @Override
    public int workers() {
        return 4; // upstream --concurrent-gc-syncs is 20 on bigger machines
    }

    @Override
    public void start(ControllerContext ctx) {
        context = ctx;
        client = ctx.client();
        monitors = new Monitors(client.resources(), ctx.informers());
        monitors.informers().forEach((resource, informer) -> ctx.handle(informer, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode object) {
                if (concernsCollector(object) && !ownersInPlace(object)) {
                    enqueue(resource, object);
                }
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode current) {
                if (concernsCollector(current) && !ownersInPlace(current)) {
                    enqueue(resource, current);
                }
                // an owner waiting in the foreground may have lost a blocking dependent
                Set<String> kept = new HashSet<>();
                OwnerReference.of(current).forEach(r -> kept.add(r.uid()));
                OwnerReference.of(old).stream().filter(r -> !kept.contains(r.uid()))
                        .forEach(r -> enqueueOwner(r, old));
            }

            @Override
            public void onDelete(ObjectNode lastKnown, boolean finalStateUnknown) {
                String uid = lastKnown.path("metadata").path("uid").asText();
                monitors.dependentsOf(uid).forEach(d -> enqueue(d.resource(), d.object()));
                OwnerReference.of(lastKnown).forEach(r -> enqueueOwner(r, lastKnown));
            }
        }));
    }

    private static boolean concernsCollector(ObjectNode object) {
        return object.path("metadata").path("ownerReferences").size() > 0
                || (deleting(object) && (hasFinalizer(object, ORPHAN) || hasFinalizer(object, FOREGROUND)));
    }

    /**
     * Whether an owned object needs no look: not being deleted, and every owner in the caches with its uid and not
     * being deleted. Upstream's graph builder likewise looks at a dependent only when an owner is missing, goes or
     * is being deleted (then the owner's own events queue its dependents). A live read of every owned object on
     * each of its changes (each pod created, bound, started) queued for the datastore's few reader connections
     * (bench/scale, JFR).
     */
    private boolean ownersInPlace(ObjectNode object) {
        if (deleting(object)) {
            return false;
        }
        String namespace = object.path("metadata").path("namespace").asText("");
        for (OwnerReference ref : OwnerReference.of(object)) {
            Optional<ApiResource> resource = monitors.resourceFor(ref.group(), ref.kind());
            if (resource.isEmpty() || (resource.get().namespaced() && namespace.isEmpty())) {
                return false;
            }
            Optional<ObjectNode> owner = monitors.cached(resource.get().key(),
                    resource.get().namespaced() ? namespace : null, ref.name())
                    .filter(o -> o.path("metadata").path("uid").asText().equals(ref.uid()));
            if (owner.isEmpty() || deleting(owner.get())) {
                return false;
            }
        }
        return true;
    }

    private void enqueue(ResourceKey resource, ObjectNode object) {
        context.queue().add(ItemKey.of(resource, object).encode());
    }

    private void enqueueOwner(OwnerReference ref, ObjectNode dependent) {
        monitors.resourceFor(ref.group(), ref.kind()).ifPresent(r -> context.queue().add(new ItemKey(r.key(),
                r.namespaced() ? dependent.path("metadata").path("namespace").asText("") : "", ref.name(),
                ref.uid()).encode()));
    }

    @Override
    public void stop() {
        monitors = null;
    }

    @Override
    public ReconcileResult reconcile(String key) {
        ItemKey item = ItemKey.decode(key);
        Optional<ObjectNode> live = operations(item.resource(), item.namespace()).find(item.name())
                .filter(o -> o.path("metadata").path("uid").asText().equals(item.uid()));
        if (live.isEmpty()) {
            // gone: what it owned may now be garbage
            monitors.dependentsOf(item.uid()).forEach(d -> enqueue(d.resource(), d.object()));
            return ReconcileResult.DONE;
        }
        ObjectNode object = live.get();
        if (deleting(object)) {
            if (hasFinalizer(object, ORPHAN)) {
                orphanDependents(item, object);
                return ReconcileResult.DONE;
            }
            if (hasFinalizer(object, FOREGROUND)) {
                return deleteDependentsFirst(item, object);
            }
            return ReconcileResult.DONE;
        }
        if (!OwnerReference.of(object).isEmpty()) {
            attemptToDelete(item, object);
        }
        return ReconcileResult.DONE;
    }

    private void attemptToDelete(ItemKey item, ObjectNode object) {
        List<OwnerReference> solid = new ArrayList<>();
        List<OwnerReference> dangling = new ArrayList<>();
        List<OwnerReference> waiting = new ArrayList<>();
        for (OwnerReference ref : OwnerReference.of(object)) {
            ApiResource resource = monitors.resourceFor(ref.group(), ref.kind()).orElseThrow(
                    () -> new IllegalStateException("owner kind " + ref.kind() + " in " + ref.apiVersion()
                            + " is not served"));
            if (resource.namespaced() && item.namespace().isEmpty()) {
                // a cluster-scoped object cannot be owned by a namespaced one: upstream treats the owner as absent
                context.events().event(object, EventRecorder.WARNING, "OwnerRefInvalidNamespace",
                        "ownerRef [" + ref.apiVersion() + "/" + ref.kind() + ", namespace: , name: " + ref.name()
                                + ", uid: " + ref.uid() + "] does not exist in namespace \"\"");
                dangling.add(ref);
                continue;
            }
            Optional<ObjectNode> owner = owner(resource, item.namespace(), ref);
            if (owner.isEmpty()) {
                dangling.add(ref);
            } else if (deleting(owner.get()) && hasFinalizer(owner.get(), FOREGROUND)) {
                waiting.add(ref);
            } else {
                solid.add(ref);
            }
        }
        if (!solid.isEmpty()) {
            if (!dangling.isEmpty() || !waiting.isEmpty()) {
                Set<String> drop = new HashSet<>();
                dangling.forEach(r -> drop.add(r.uid()));
                waiting.forEach(r -> drop.add(r.uid()));
                removeOwnerReferences(item, drop);
            }
            return;
        }
        DeletionPropagation policy;
        if (!waiting.isEmpty() && !monitors.dependentsOf(item.uid()).isEmpty()) {
            policy = DeletionPropagation.FOREGROUND;
        } else if (hasFinalizer(object, ORPHAN)) {
            policy = DeletionPropagation.ORPHAN;
        } else if (hasFinalizer(object, FOREGROUND)) {
            policy = DeletionPropagation.FOREGROUND;
        } else {
            policy = DeletionPropagation.BACKGROUND;
        }
        try {
            operations(item.resource(), item.namespace()).delete(item.name(),
                    DeleteOptions.NONE.withPropagationPolicy(policy).withPreconditionUid(item.uid()));
        } catch (ResourceException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    /** The owner the reference names: from the cache when it has it, else confirmed by a live read. */
    private Optional<ObjectNode> owner(ApiResource resource, String dependentNamespace, OwnerReference ref) {
        String namespace = resource.namespaced() ? dependentNamespace : null;
        Optional<ObjectNode> cached = monitors.cached(resource.key(), namespace, ref.name())
                .filter(o -> o.path("metadata").path("uid").asText().equals(ref.uid()));
        if (cached.isPresent()) {
            return cached;
        }
        return operations(resource.key(), namespace == null ? "" : namespace).find(ref.name())
                .filter(o -> o.path("metadata").path("uid").asText().equals(ref.uid()));
    }

    private void orphanDependents(ItemKey owner, ObjectNode object) {
        for (Monitors.Dependent dependent : monitors.dependentsOf(owner.uid())) {
            removeOwnerReferences(ItemKey.of(dependent.resource(), dependent.object()), Set.of(owner.uid()));
        }
        removeFinalizer(owner, ORPHAN);
    }

    private ReconcileResult deleteDependentsFirst(ItemKey owner, ObjectNode object) {
        boolean blocked = false;
        for (Monitors.Dependent dependent : monitors.dependentsOf(owner.uid())) {
            if (!deleting(dependent.object())) {
                enqueue(dependent.resource(), dependent.object());
            }
            for (OwnerReference ref : OwnerReference.of(dependent.object())) {
                blocked |= ref.uid().equals(owner.uid()) && ref.blockOwnerDeletion();
            }
        }
        if (blocked) {
            return ReconcileResult.after(FOREGROUND_RECHECK);
        }
        removeFinalizer(owner, FOREGROUND);
        return ReconcileResult.DONE;
    }

    private void removeOwnerReferences(ItemKey item, Set<String> uids) {
        ResourceOperations operations = operations(item.resource(), item.namespace());
        Optional<ObjectNode> live = operations.find(item.name())
                .filter(o -> o.path("metadata").path("uid").asText().equals(item.uid()));
        if (live.isEmpty()) {
            return;
        }
        ObjectNode object = live.get();
        ObjectNode meta = (ObjectNode) object.get("metadata");
        ArrayNode kept = meta.arrayNode();
        for (JsonNode ref : meta.path("ownerReferences")) {
            if (!uids.contains(ref.path("uid").asText())) {
                kept.add(ref);
            }
        }
        if (kept.size() == meta.path("ownerReferences").size()) {
            return;
        }
        if (kept.isEmpty()) {
            meta.remove("ownerReferences");
        } else {
            meta.set("ownerReferences", kept);
        }
        operations.update(object); // conditional on its resourceVersion: a conflict is retried
    }

    private void removeFinalizer(ItemKey item, String finalizer) {
        ResourceOperations operations = operations(item.resource(), item.namespace());
        Optional<ObjectNode> live = operations.find(item.name())
                .filter(o -> o.path("metadata").path("uid").asText().equals(item.uid()));
        if (live.isEmpty() || !hasFinalizer(live.get(), finalizer)) {
            return;
        }
        ObjectNode object = live.get();
        ObjectNode meta = (ObjectNode) object.get("metadata");
        ArrayNode kept = meta.arrayNode();
        meta.path("finalizers").forEach(f -> {
            if (!f.asText().equals(finalizer)) {
                kept.add(f);
            }
        });
        meta.set("finalizers", kept);
        operations.update(object);
    }

    private ResourceOperations operations(ResourceKey resource, String namespace) {
        return client.resource(resource).inNamespace(namespace.isEmpty() ? null : namespace);
    }

    static boolean deleting(ObjectNode object) {
        return object.path("metadata").has("deletionTimestamp");
    }

    static boolean hasFinalizer(ObjectNode object, String finalizer) {
        for (JsonNode f : object.path("metadata").path("finalizers")) {
            if (finalizer.equals(f.asText())) {
                return true;
            }
        }
        return false;
    }
}
