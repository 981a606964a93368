package io.karst.controllers.persistentvolume;

import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;

/**
 * Upstream's pvc-protection controller: every claim carries the {@code kubernetes.io/pvc-protection} finalizer, and
 * a deleted claim keeps it while a scheduled pod names the claim (the kubelet refuses to start pods with a deleting
 * claim, so unscheduled pods do not count). Before letting go, the pods are listed from the API, not the cache: a
 * pod just bound must not lose its volume.
 */
@Component(service = Controller.class, property = Controller.NAME + "=" + PvcProtectionController.NAME)
public final class PvcProtectionController implements Controller {
    static final String NAME = "pvc-protection";

    private volatile ResourceClient client;
    private volatile Informer claims;
    private volatile Informer pods;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        claims = ctx.informers().informer(PersistentVolumeBinder.CLAIMS);
        pods = ctx.informers().informer(PersistentVolumeBinder.PODS);
        ctx.handle(claims, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode claim) {
                ctx.queue().add(ObjectKeys.of(claim));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode claim) {
                ctx.queue().add(ObjectKeys.of(claim));
            }
        });
        // a pod going away (or finishing its binding elsewhere) may free the claims it names
        ctx.handle(pods, new ResourceEventHandler() {
            @Override
            public void onUpdate(ObjectNode old, ObjectNode pod) {
                claimsOf(old, ctx);
            }

            @Override
            public void onDelete(ObjectNode pod, boolean finalStateUnknown) {
                claimsOf(pod, ctx);
            }
        });
    }

    private static void claimsOf(JsonNode pod, ControllerContext ctx) {
        String namespace = pod.path("metadata").path("namespace").asText();
        for (JsonNode volume : pod.path("spec").path("volumes")) {
            String claim = volume.path("persistentVolumeClaim").path("claimName").asText("");
            if (!claim.isEmpty()) {
                ctx.queue().add(namespace + "/" + claim);
            }
        }
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> cached = claims.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (cached.isEmpty()) {
            return ReconcileResult.DONE;
        }
        ObjectNode claim = cached.get();
        boolean has = Finalizers.has(claim, Finalizers.PVC_PROTECTION);
        try {
            if (!Finalizers.deleting(claim) && !has) {
                update(Finalizers.with(claim, Finalizers.PVC_PROTECTION));
            } else if (Finalizers.deleting(claim) && has && !inUse(claim, false) && !inUse(claim, true)) {
                update(Finalizers.without(claim, Finalizers.PVC_PROTECTION));
            }
        } catch (ResourceException e) {
            if (!e.isNotFound()) {
                throw e; // a conflict: tried again on the newer claim
            }
        }
        return ReconcileResult.DONE;
    }

    private void update(ObjectNode claim) {
        client.resource(PersistentVolumeBinder.CLAIMS).inNamespace(claim.path("metadata").path("namespace").asText())
                .update(claim);
    }

    /** Whether a scheduled pod names the claim: in the cache, or ({@code live}) in the API. */
    private boolean inUse(JsonNode claim, boolean live) {
        String namespace = claim.path("metadata").path("namespace").asText();
        Iterable<ObjectNode> candidates = live
                ? client.resource(PersistentVolumeBinder.PODS).inNamespace(namespace).list(ListOptions.NONE).items()
                : pods.lister().list(namespace);
        String name = claim.path("metadata").path("name").asText();
        for (ObjectNode pod : candidates) {
            if (pod.path("spec").path("nodeName").asText("").isEmpty()) {
                continue;
            }
            for (JsonNode volume : pod.path("spec").path("volumes")) {
                if (volume.path("persistentVolumeClaim").path("claimName").asText().equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
