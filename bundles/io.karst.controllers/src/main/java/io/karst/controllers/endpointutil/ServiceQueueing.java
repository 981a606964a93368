package io.karst.controllers.endpointutil;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.ObjectKeys;
import io.karst.controllers.objects.EveryChange;

/**
 * What the controllers that keep an object per Service (Endpoints, EndpointSlices) queue, as upstream's do: a
 * Service on any change of its own, and every Service that selects a pod (before or after its change) when the
 * pod changes.
 */
public final class ServiceQueueing {
    private ServiceQueueing() {
    }

    public static void register(ControllerContext ctx, Informer services, Informer pods) {
        ctx.handle(services, EveryChange.of(service -> ctx.queue().add(ObjectKeys.of(service))));
        ctx.handle(pods, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode pod) {
                ServiceMembership.servicesOf(services.lister(), pod).forEach(ctx.queue()::add);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode pod) {
                ServiceMembership.servicesToUpdate(services.lister(), old, pod).forEach(ctx.queue()::add);
            }

            @Override
            public void onDelete(ObjectNode pod, boolean finalStateUnknown) {
                ServiceMembership.servicesOf(services.lister(), pod).forEach(ctx.queue()::add);
            }
        });
    }
}
