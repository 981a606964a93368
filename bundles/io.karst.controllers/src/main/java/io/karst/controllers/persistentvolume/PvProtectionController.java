package io.karst.controllers.persistentvolume;

import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;
import io.karst.controllers.objects.EveryChange;

/**
 * Upstream's pv-protection controller: every volume carries the {@code kubernetes.io/pv-protection} finalizer, and
 * a deleted volume keeps it while its phase is Bound (the binder releases it when its claim goes).
 */
@Component(service = Controller.class, property = Controller.NAME + "=" + PvProtectionController.NAME)
public final class PvProtectionController implements Controller {
    static final String NAME = "pv-protection";

    private volatile ResourceClient client;
    private volatile Informer volumes;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        volumes = ctx.informers().informer(PersistentVolumeBinder.VOLUMES);
        ctx.handle(volumes, EveryChange.of(volume -> ctx.queue().add(ObjectKeys.of(volume))));
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> cached = volumes.lister().get(null, key);
        if (cached.isEmpty()) {
            return ReconcileResult.DONE;
        }
        ObjectNode volume = cached.get();
        boolean has = Finalizers.has(volume, Finalizers.PV_PROTECTION);
        try {
            if (!Finalizers.deleting(volume) && !has) {
                client.resource(PersistentVolumeBinder.VOLUMES).update(Finalizers.with(volume, Finalizers.PV_PROTECTION));
            } else if (Finalizers.deleting(volume) && has
                    && !volume.path("status").path("phase").asText().equals("Bound")) {
                client.resource(PersistentVolumeBinder.VOLUMES)
                        .update(Finalizers.without(volume, Finalizers.PV_PROTECTION));
            }
        } catch (ResourceException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
        return ReconcileResult.DONE;
    }
}
