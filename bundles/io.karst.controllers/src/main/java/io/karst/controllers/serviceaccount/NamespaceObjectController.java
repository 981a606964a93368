package io.karst.controllers.serviceaccount;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.ReconcileResult;

/**
 * One object of a fixed name that every active namespace must hold, recreated when deleted and corrected when
 * changed: the shape of upstream's ServiceAccounts controller and root-CA publisher. Keys are namespace names.
 */
abstract class NamespaceObjectController implements Controller {
    static final ResourceKey NAMESPACES = new ResourceKey("", "v1", "namespaces");

    private volatile ResourceClient client;
    private volatile Informer namespaces;
    private volatile Informer objects;

    /** The resource of the object. */
    abstract ResourceKey resource();

    /** Its name in every namespace. */
    abstract String objectName();

    /** The object as it should be in {@code namespace}. */
    abstract ObjectNode desired(String namespace);

    /** Whether {@code existing} needs to be replaced by {@link #desired}; false keeps what users changed. */
    abstract boolean outdated(ObjectNode existing, ObjectNode desired);

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        namespaces = ctx.informers().informer(NAMESPACES);
        objects = ctx.informers().informer(resource());
        ctx.handle(namespaces, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode namespace) {
                ctx.queue().add(namespace.path("metadata").path("name").asText());
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode namespace) {
                ctx.queue().add(namespace.path("metadata").path("name").asText());
            }
        });
        ctx.handle(objects, new ResourceEventHandler() {
            @Override
            public void onUpdate(ObjectNode old, ObjectNode object) {
                enqueue(object);
            }

            @Override
            public void onDelete(ObjectNode object, boolean finalStateUnknown) {
                enqueue(object);
            }

            private void enqueue(ObjectNode object) {
                if (object.path("metadata").path("name").asText().equals(objectName())) {
                    ctx.queue().add(object.path("metadata").path("namespace").asText());
                }
            }
        });
    }

    @Override
    public ReconcileResult reconcile(String namespace) {
        Optional<ObjectNode> ns = namespaces.lister().get(null, namespace);
        // a terminating namespace refuses new content; a gone one needs nothing
        if (ns.isEmpty() || ns.get().path("metadata").has("deletionTimestamp")
                || "Terminating".equals(ns.get().path("status").path("phase").asText())) {
            return ReconcileResult.DONE;
        }
        ObjectNode wanted = desired(namespace);
        Optional<ObjectNode> existing = objects.lister().get(namespace, objectName());
        try {
            if (existing.isEmpty()) {
                client.resource(resource()).inNamespace(namespace).create(wanted);
            } else if (outdated(existing.get(), wanted)) {
                ObjectNode replacement = existing.get().deepCopy();
                wanted.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("metadata")) {
                        replacement.set(e.getKey(), e.getValue());
                    }
                });
                ObjectNode wantedMeta = ((ObjectNode) wanted.get("metadata")).deepCopy();
                wantedMeta.remove("name");
                wantedMeta.remove("namespace");
                ((ObjectNode) replacement.get("metadata")).setAll(wantedMeta);
                client.resource(resource()).inNamespace(namespace).update(replacement);
            }
        } catch (ResourceException e) {
            if (e.isAlreadyExists()) {
                return ReconcileResult.DONE; // the cache was behind: the update event brings us back if needed
            }
            if (e.isForbidden()) {
                return ReconcileResult.DONE; // the namespace started terminating meanwhile
            }
            throw e;
        }
        return ReconcileResult.DONE;
    }
}
