package io.karst.controllers.namespace;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;

/**
 * kube-controller-manager's namespace controller: when a namespace is being deleted and still carries the
 * {@code kubernetes} finalizer, it deletes the namespace's content, keeps the deletion conditions on its status,
 * and once nothing is left removes the finalizer through the {@code finalize} subresource, upon which the API
 * server deletes the namespace. While content remains (objects with finalizers, pods in their grace period) it
 * looks again after a few seconds.
 */
@Component(service = Controller.class, property = Controller.NAME + "=namespace")
public final class NamespaceController implements Controller {
    static final ResourceKey NAMESPACES = new ResourceKey("", "v1", "namespaces");
    static final String FINALIZER = "kubernetes";
    /** How soon to look again while content with finalizers remains (upstream backs off up to a minute). */
    static final Duration RECHECK = Duration.ofSeconds(5);

    private final Clock clock;
    private volatile ResourceClient client;

    public NamespaceController() {
        this(Clock.systemUTC());
    }

    NamespaceController(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "namespace";
    }

    @Override
    public int workers() {
        return 5; // upstream --concurrent-namespace-syncs
    }

    @Override
    public void start(ControllerContext context) {
        client = context.client();
        context.handle(context.informers().informer(NAMESPACES), new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode namespace) {
                enqueueIfDeleting(context, namespace);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode namespace) {
                enqueueIfDeleting(context, namespace);
            }
        });
    }

    private static void enqueueIfDeleting(ControllerContext context, ObjectNode namespace) {
        if (namespace.path("metadata").has("deletionTimestamp")) {
            context.queue().add(ObjectKeys.of(namespace));
        }
    }

    @Override
    public ReconcileResult reconcile(String name) {
        ResourceOperations namespaces = client.resource(NAMESPACES);
        Optional<ObjectNode> found = namespaces.find(name);
        if (found.isEmpty() || !found.get().path("metadata").has("deletionTimestamp")
                || !hasFinalizer(found.get())) {
            return ReconcileResult.DONE;
        }
        NamespaceContent.Remaining remaining = new NamespaceContent(client).delete(name, clock.instant());
        DeletionConditions conditions = new DeletionConditions();
        conditions.deleteFailures(remaining.failures());
        conditions.remaining(remaining.objects(), remaining.finalizers());
        // read again: deleting the content took time, and the update must not undo someone else's change
        ObjectNode namespace = namespaces.get(name);
        if (conditions.applyTo(namespace, clock.instant())) {
            namespace = namespaces.updateStatus(namespace);
        }
        if (!remaining.failures().isEmpty()) {
            throw new IllegalStateException("failed to delete all content of namespace " + name + ": "
                    + String.join(", ", remaining.failures()));
        }
        if (!remaining.none()) {
            Duration grace = remaining.podGrace();
            return ReconcileResult.after(grace.compareTo(RECHECK) > 0 ? grace : RECHECK);
        }
        removeFinalizer(namespaces, namespace);
        return ReconcileResult.DONE;
    }

    private static boolean hasFinalizer(ObjectNode namespace) {
        for (JsonNode f : namespace.path("spec").path("finalizers")) {
            if (FINALIZER.equals(f.asText())) {
                return true;
            }
        }
        return false;
    }

    private static void removeFinalizer(ResourceOperations namespaces, ObjectNode namespace) {
        ObjectNode finalized = namespace.deepCopy();
        ArrayNode kept = ((ObjectNode) finalized.path("spec")).putArray("finalizers");
        for (JsonNode f : namespace.path("spec").path("finalizers")) {
            if (!FINALIZER.equals(f.asText())) {
                kept.add(f.asText());
            }
        }
        namespaces.update(finalized, "finalize", io.karst.api.client.WriteOptions.NONE);
    }
}
