package io.karst.controllers.endpointslice;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;
import io.karst.controllers.endpointutil.PodEndpoints;
import io.karst.controllers.endpointutil.ServiceQueueing;
import io.karst.controllers.endpointutil.SliceTracker;
import io.karst.controllers.endpointutil.TriggerTimeTracker;

/**
 * kube-controller-manager's EndpointSlice controller: for each Service with a selector (not ExternalName), the
 * discovery.k8s.io/v1 EndpointSlices ({@code <service>-<suffix>}, labelled with the Service's name and
 * {@value #CONTROLLER_NAME}, owned by the Service) listing the selected pods with their ready, serving and
 * terminating conditions, node and zone, at most {@value #MAX_ENDPOINTS_PER_SLICE} per slice, one address type
 * per IP family. Slices are updated in place where possible (see {@link SliceReconciler}); the garbage collector
 * deletes them with their Service. Topology hints are not computed.
 */
@Component(service = Controller.class, property = Controller.NAME + "=endpointslice")
public final class EndpointSliceController implements Controller {
    static final ResourceKey SERVICES = new ResourceKey("", "v1", "services");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey NODES = new ResourceKey("", "v1", "nodes");
    static final ResourceKey ENDPOINTSLICES = new ResourceKey("discovery.k8s.io", "v1", "endpointslices");
    static final String CONTROLLER_NAME = "endpointslice-controller.k8s.io";
    /** upstream's --max-endpoints-per-slice default */
    static final int MAX_ENDPOINTS_PER_SLICE = 100;
    /** upstream's endpointSliceChangeMinSyncDelay: slice events are batched for this long */
    static final Duration SLICE_CHANGE_DELAY = Duration.ofSeconds(1);

    private final SliceTracker tracker = new SliceTracker();
    private final TriggerTimeTracker triggerTimes = new TriggerTimeTracker();
    private volatile ControllerContext context;
    private volatile Informer services;
    private volatile Informer pods;
    private volatile Informer slices;
    private volatile Informer nodes;

    @Override
    public String name() {
        return "endpointslice";
    }

    @Override
    public int workers() {
        return 5; // upstream --concurrent-service-endpoint-syncs
    }

    @Override
    public void start(ControllerContext ctx) {
        context = ctx;
        services = ctx.informers().informer(SERVICES);
        pods = ctx.informers().informer(PODS);
        slices = ctx.informers().informer(ENDPOINTSLICES);
        nodes = ctx.informers().informer(NODES);
        ServiceQueueing.register(ctx, services, pods);
        ctx.handle(slices, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode slice) {
                if (managed(slice) && tracker.shouldSync(serviceKey(slice), slice)) {
                    queueFor(slice);
                }
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode slice) {
                String service = serviceName(slice);
                if (!service.equals(serviceName(old))) {
                    queueFor(slice);
                    queueFor(old);
                } else if (managed(old) != managed(slice)
                        || (managed(slice) && tracker.shouldSync(serviceKey(slice), slice))) {
                    queueFor(slice);
                }
            }

            @Override
            public void onDelete(ObjectNode slice, boolean finalStateUnknown) {
                // a slice deleted by someone else is put back
                if (managed(slice) && tracker.has(serviceKey(slice), slice)
                        && !tracker.deleted(serviceKey(slice), slice)) {
                    queueFor(slice);
                }
            }
        });
    }

    @Override
    public void stop() {
        tracker.clear();
    }

    private static boolean managed(JsonNode slice) {
        return slice.path("metadata").path("labels").path(SliceReconciler.MANAGED_BY_LABEL).asText("")
                .equals(CONTROLLER_NAME);
    }

    private static String serviceName(JsonNode slice) {
        return slice.path("metadata").path("labels").path(SliceReconciler.SERVICE_NAME_LABEL).asText("");
    }

    private static String serviceKey(JsonNode slice) {
        return PodEndpoints.namespace(slice) + "/" + serviceName(slice);
    }

    private void queueFor(JsonNode slice) {
        if (!serviceName(slice).isEmpty()) {
            context.queue().addAfter(serviceKey(slice), SLICE_CHANGE_DELAY);
        }
    }

    @Override
    public ReconcileResult reconcile(String key) {
        String namespace = ObjectKeys.namespace(key);
        Optional<ObjectNode> found = services.lister().get(namespace, ObjectKeys.name(key));
        if (found.isEmpty()) {
            // its slices go with it: they carry its ownerReference for the garbage collector
            triggerTimes.forget(key);
            tracker.forget(key);
            return ReconcileResult.DONE;
        }
        ObjectNode service = found.get();
        if (!PodEndpoints.managesEndpoints(service)) {
            return ReconcileResult.DONE;
        }
        List<ObjectNode> selected = pods.lister().list(namespace).stream()
                .filter(p -> PodEndpoints.selects(service, p.path("metadata").path("labels"))).toList();
        String name = PodEndpoints.name(service);
        List<ObjectNode> existing = slices.lister().list(namespace).stream()
                .filter(s -> serviceName(s).equals(name) && managed(s))
                .filter(s -> !s.path("metadata").hasNonNull("deletionTimestamp")).toList();
        if (tracker.stale(key, existing)) {
            throw new IllegalStateException("EndpointSlice informer cache is out of date for " + key);
        }
        Instant triggerTime = triggerTimes.compute(key, service, selected);
        SliceReconciler reconciler = new SliceReconciler(context.client().resource(ENDPOINTSLICES)
                .inNamespace(namespace), nodes.lister(), tracker, CONTROLLER_NAME, MAX_ENDPOINTS_PER_SLICE);
        try {
            reconciler.reconcile(service, selected, existing, triggerTime);
        } catch (RuntimeException e) {
            context.events().event(service, EventRecorder.WARNING, "FailedToUpdateEndpointSlices",
                    "Error updating Endpoint Slices for Service " + key + ": " + e.getMessage());
            throw e;
        }
        return ReconcileResult.DONE;
    }
}
