package io.karst.controllers.endpointslicemirroring;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;
import io.karst.controllers.endpointutil.PodEndpoints;
import io.karst.controllers.endpointutil.SliceEndpoints;
import io.karst.controllers.endpointutil.SliceTracker;
import io.karst.controllers.ownership.ControllerRefs;

/**
 * kube-controller-manager's EndpointSlice mirroring controller: the Endpoints a user writes for a Service without
 * selector are mirrored into EndpointSlices labelled {@value #CONTROLLER_NAME}, one slice per subset port set and
 * address type, at most {@value #MAX_ENDPOINTS_PER_SUBSET} addresses per subset, carrying the Endpoints' labels
 * and annotations and owned by the Endpoints. Endpoints labelled {@code endpointslice.kubernetes.io/skip-mirror:
 * "true"} or holding a leader-election record are not mirrored; mirrored slices go when the Endpoints or the
 * Service goes, or when the Service gains a selector.
 */
@Component(service = Controller.class, property = Controller.NAME + "=endpointslicemirroring")
public final class EndpointSliceMirroringController implements Controller {
    static final ResourceKey SERVICES = new ResourceKey("", "v1", "services");
    static final ResourceKey ENDPOINTS = new ResourceKey("", "v1", "endpoints");
    static final ResourceKey ENDPOINTSLICES = new ResourceKey("discovery.k8s.io", "v1", "endpointslices");
    static final String CONTROLLER_NAME = "endpointslicemirroring-controller.k8s.io";
    static final String SKIP_MIRROR_LABEL = "endpointslice.kubernetes.io/skip-mirror";
    static final String LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** upstream's --mirroring-max-endpoints-per-subset default */
    static final int MAX_ENDPOINTS_PER_SUBSET = 1000;

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final SliceTracker tracker = new SliceTracker();
    private volatile ControllerContext context;
    private volatile Informer services;
    private volatile Informer endpoints;
    private volatile Informer slices;

    @Override
    public String name() {
        return "endpointslicemirroring";
    }

    @Override
    public int workers() {
        return 5; // upstream --mirroring-concurrent-service-endpoint-syncs
    }

    @Override
    public void start(ControllerContext ctx) {
        context = ctx;
        services = ctx.informers().informer(SERVICES);
        endpoints = ctx.informers().informer(ENDPOINTS);
        slices = ctx.informers().informer(ENDPOINTSLICES);
        ctx.handle(services, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode service) {
                if (!hasSelector(service)) {
                    ctx.queue().add(ObjectKeys.of(service));
                }
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode service) {
                if (hasSelector(old) != hasSelector(service)) {
                    ctx.queue().add(ObjectKeys.of(service));
                }
            }

            @Override
            public void onDelete(ObjectNode service, boolean finalStateUnknown) {
                if (!hasSelector(service)) {
                    ctx.queue().add(ObjectKeys.of(service));
                }
            }
        });
        ctx.handle(endpoints, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode ep) {
                if (shouldMirror(ep)) {
                    ctx.queue().add(ObjectKeys.of(ep));
                }
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode ep) {
                if (shouldMirror(old) || shouldMirror(ep)) {
                    ctx.queue().add(ObjectKeys.of(ep));
                }
            }

            @Override
            public void onDelete(ObjectNode ep, boolean finalStateUnknown) {
                if (shouldMirror(ep)) {
                    ctx.queue().add(ObjectKeys.of(ep));
                }
            }
        });
        ctx.handle(slices, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode slice) {
                if (managed(slice) && tracker.shouldSync(keyOf(slice), slice)) {
                    queueFor(slice);
                }
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode slice) {
                if (!serviceName(old).equals(serviceName(slice))) {
                    queueFor(slice);
                    queueFor(old);
                } else if (managed(old) != managed(slice)
                        || (managed(slice) && tracker.shouldSync(keyOf(slice), slice))) {
                    queueFor(slice);
                }
            }

            @Override
            public void onDelete(ObjectNode slice, boolean finalStateUnknown) {
                if (managed(slice) && tracker.has(keyOf(slice), slice) && !tracker.deleted(keyOf(slice), slice)) {
                    queueFor(slice);
                }
            }
        });
    }

    @Override
    public void stop() {
        tracker.clear();
    }

    private static boolean hasSelector(JsonNode service) {
        JsonNode selector = service.path("spec").path("selector");
        return selector.isObject() && !selector.isEmpty();
    }

    private static boolean shouldMirror(JsonNode ep) {
        return !ep.path("metadata").path("labels").path(SKIP_MIRROR_LABEL).asText("").equals("true")
                && !ep.path("metadata").path("annotations").has(LEADER_ANNOTATION);
    }

    private static boolean managed(JsonNode slice) {
        return slice.path("metadata").path("labels").path(SliceEndpoints.MANAGED_BY_LABEL).asText("")
                .equals(CONTROLLER_NAME);
    }

    private static String serviceName(JsonNode slice) {
        return slice.path("metadata").path("labels").path(SliceEndpoints.SERVICE_NAME_LABEL).asText("");
    }

    private static String keyOf(JsonNode slice) {
        return PodEndpoints.namespace(slice) + "/" + serviceName(slice);
    }

    private void queueFor(JsonNode slice) {
        if (!serviceName(slice).isEmpty()) {
            context.queue().add(keyOf(slice));
        }
    }

    @Override
    public ReconcileResult reconcile(String key) {
        String namespace = ObjectKeys.namespace(key);
        String name = ObjectKeys.name(key);
        List<ObjectNode> mirrored = slices.lister().list(namespace).stream()
                .filter(s -> managed(s) && serviceName(s).equals(name)).toList();
        Optional<ObjectNode> ep = endpoints.lister().get(namespace, name);
        Optional<ObjectNode> service = services.lister().get(namespace, name);
        if (ep.isEmpty() || !shouldMirror(ep.get()) || service.isEmpty() || hasSelector(service.get())) {
            tracker.forget(key);
            for (ObjectNode slice : mirrored) {
                delete(slice);
            }
            return ReconcileResult.DONE;
        }
        if (tracker.stale(key, mirrored)) {
            throw new IllegalStateException("EndpointSlice informer cache is out of date for " + key);
        }
        new Mirror(ep.get(), key).reconcile(mirrored);
        return ReconcileResult.DONE;
    }

    private ResourceOperations sliceApi(String namespace) {
        return context.client().resource(ENDPOINTSLICES).inNamespace(namespace);
    }

    private void delete(ObjectNode slice) {
        try {
            sliceApi(PodEndpoints.namespace(slice)).delete(PodEndpoints.name(slice));
        } catch (ResourceException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    /** One reconcile of one Endpoints object (upstream's mirroring reconciler). */
    private final class Mirror {
        private final ObjectNode ep;
        private final String key;
        /** address type + port map key -> ports and endpoints wanted */
        private final Map<String, ArrayNode> portsByKey = new LinkedHashMap<>();
        private final Map<String, Map<String, ObjectNode>> endpointsByKey = new LinkedHashMap<>();
        private final List<ObjectNode> create = new ArrayList<>();
        private final List<ObjectNode> update = new ArrayList<>();
        private final List<ObjectNode> delete = new ArrayList<>();

        Mirror(ObjectNode ep, String key) {
            this.ep = ep;
            this.key = key;
        }

        void reconcile(List<ObjectNode> existing) {
            int invalid = 0;
            int skipped = 0;
            for (JsonNode subset : ep.path("subsets")) {
                ArrayNode ports = slicePorts(subset.path("ports"));
                String portKey = SliceEndpoints.portMapKey(ports);
                for (String type : List.of("IPv4", "IPv6")) {
                    portsByKey.put(type + "/" + portKey, ports);
                    endpointsByKey.computeIfAbsent(type + "/" + portKey, k -> new LinkedHashMap<>());
                }
                int total = subset.path("addresses").size() + subset.path("notReadyAddresses").size();
                int added = 0;
                for (String kind : List.of("addresses", "notReadyAddresses")) {
                    for (JsonNode address : subset.path(kind)) {
                        if (added >= MAX_ENDPOINTS_PER_SUBSET) {
                            break;
                        }
                        String ip = address.path("ip").asText("");
                        String type = IPV4.matcher(ip).matches() ? "IPv4" : IPV6.matcher(ip).matches() ? "IPv6" : null;
                        if (type == null) {
                            invalid++;
                            continue;
                        }
                        ObjectNode endpoint = toEndpoint(address, kind.equals("addresses"));
                        endpointsByKey.get(type + "/" + portKey).put(SliceEndpoints.identity(endpoint), endpoint);
                        added++;
                    }
                }
                skipped += total - added;
            }
            if (invalid > 0) {
                context.events().event(ep, EventRecorder.WARNING, "InvalidIPAddress",
                        "Skipped " + invalid + " invalid IP addresses when mirroring to EndpointSlices");
            }
            if (skipped > invalid) {
                context.events().event(ep, EventRecorder.WARNING, "TooManyAddressesToMirror", "A max of "
                        + MAX_ENDPOINTS_PER_SUBSET + " addresses can be mirrored to EndpointSlices per Endpoints "
                        + "subset. " + skipped + " addresses were skipped");
            }
            Map<String, List<ObjectNode>> existingByKey = new LinkedHashMap<>();
            for (ObjectNode slice : existing) {
                existingByKey.computeIfAbsent(slice.path("addressType").asText() + "/"
                        + SliceEndpoints.portMapKey(slice.path("ports")), k -> new ArrayList<>()).add(slice);
            }
            endpointsByKey.forEach((k, wanted) -> reconcilePortMapping(existingByKey.getOrDefault(k, List.of()),
                    wanted, portsByKey.get(k), k.substring(0, k.indexOf('/'))));
            existingByKey.forEach((k, slicesOfKey) -> {
                if (!endpointsByKey.containsKey(k)) {
                    delete.addAll(slicesOfKey);
                }
            });
            finish();
        }

        /** One slice per port set and address type: the first existing one is kept (or rewritten), others go. */
        private void reconcilePortMapping(List<ObjectNode> existing, Map<String, ObjectNode> wanted, ArrayNode ports,
                String addressType) {
            if (wanted.isEmpty()) {
                delete.addAll(existing);
                return;
            }
            if (!existing.isEmpty()) {
                delete.addAll(existing.subList(1, existing.size()));
                if (unchanged(existing.get(0), wanted)) {
                    return;
                }
            }
            ObjectNode slice = newSlice(ports, addressType);
            ArrayNode list = (ArrayNode) slice.get("endpoints");
            for (Iterator<ObjectNode> it = wanted.values().iterator(); it.hasNext()
                    && list.size() < MAX_ENDPOINTS_PER_SUBSET;) {
                list.add(it.next());
            }
            if (existing.isEmpty()) {
                create.add(slice);
            } else {
                takeIdentity(slice, existing.get(0));
                update.add(slice);
            }
        }

        private boolean unchanged(ObjectNode slice, Map<String, ObjectNode> wanted) {
            int matches = 0;
            for (JsonNode endpoint : slice.path("endpoints")) {
                ObjectNode w = wanted.get(SliceEndpoints.identity(endpoint));
                if (w == null || !SliceEndpoints.equalBeyondIdentity(w, endpoint)) {
                    return false;
                }
                matches++;
            }
            ObjectNode sliceLabels = asObject(slice.path("metadata").path("labels")).deepCopy();
            sliceLabels.remove(List.of(SliceEndpoints.SERVICE_NAME_LABEL, SliceEndpoints.MANAGED_BY_LABEL));
            return matches == wanted.size()
                    && sliceLabels.equals(asObject(ep.path("metadata").path("labels")))
                    && asObject(slice.path("metadata").path("annotations")).equals(mirroredAnnotations());
        }

        private void finish() {
            // recycle: a slice about to be deleted takes the place of one about to be created
            for (Iterator<ObjectNode> it = create.iterator(); it.hasNext();) {
                ObjectNode created = it.next();
                for (Iterator<ObjectNode> d = delete.iterator(); d.hasNext();) {
                    ObjectNode doomed = d.next();
                    if (doomed.path("addressType").equals(created.path("addressType"))) {
                        takeIdentity(created, doomed);
                        update.add(created);
                        it.remove();
                        d.remove();
                        break;
                    }
                }
            }
            ResourceOperations api = sliceApi(PodEndpoints.namespace(ep));
            if (!ep.path("metadata").hasNonNull("deletionTimestamp")) {
                for (ObjectNode slice : create) {
                    try {
                        tracker.written(key, api.create(slice));
                    } catch (ResourceException e) {
                        if (PodEndpoints.namespaceTerminating(e)) {
                            return;
                        }
                        throw e;
                    }
                }
            }
            for (ObjectNode slice : update) {
                tracker.written(key, api.update(slice));
            }
            for (ObjectNode slice : delete) {
                delete(slice);
                tracker.deletionExpected(key, slice);
            }
        }

        /** Makes {@code slice} an update of {@code existing}: its name, and its version for a conditional write. */
        private void takeIdentity(ObjectNode slice, ObjectNode existing) {
            ObjectNode meta = (ObjectNode) slice.get("metadata");
            meta.remove("generateName");
            meta.put("name", PodEndpoints.name(existing));
            meta.put("resourceVersion", existing.path("metadata").path("resourceVersion").asText());
        }

        private ObjectNode newSlice(ArrayNode ports, String addressType) {
            ObjectNode slice = JsonNodeFactory.instance.objectNode();
            slice.put("apiVersion", "discovery.k8s.io/v1");
            slice.put("kind", "EndpointSlice");
            ObjectNode meta = slice.putObject("metadata");
            meta.put("generateName", PodEndpoints.name(ep) + "-");
            meta.put("namespace", PodEndpoints.namespace(ep));
            ObjectNode labels = asObject(ep.path("metadata").path("labels")).deepCopy();
            labels.put(SliceEndpoints.SERVICE_NAME_LABEL, PodEndpoints.name(ep));
            labels.put(SliceEndpoints.MANAGED_BY_LABEL, CONTROLLER_NAME);
            meta.set("labels", labels);
            ObjectNode annotations = mirroredAnnotations();
            if (!annotations.isEmpty()) {
                meta.set("annotations", annotations);
            }
            meta.putArray("ownerReferences").add(ControllerRefs.to("v1", "Endpoints", ep));
            slice.put("addressType", addressType);
            slice.set("endpoints", JsonNodeFactory.instance.arrayNode());
            slice.set("ports", ports.deepCopy());
            return slice;
        }

        private ObjectNode mirroredAnnotations() {
            ObjectNode annotations = asObject(ep.path("metadata").path("annotations")).deepCopy();
            annotations.remove(List.of(PodEndpoints.TRIGGER_TIME_ANNOTATION, LAST_APPLIED));
            return annotations;
        }
    }

    private static ObjectNode asObject(JsonNode node) {
        return node.isObject() ? (ObjectNode) node : JsonNodeFactory.instance.objectNode();
    }

    private static ArrayNode slicePorts(JsonNode ports) {
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        for (JsonNode p : ports) {
            ObjectNode port = result.addObject();
            port.put("name", p.path("name").asText(""));
            port.put("port", p.path("port").asInt());
            port.put("protocol", p.path("protocol").asText("TCP"));
            if (p.hasNonNull("appProtocol")) {
                port.put("appProtocol", p.path("appProtocol").asText());
            }
        }
        return result;
    }

    private static ObjectNode toEndpoint(JsonNode address, boolean ready) {
        ObjectNode endpoint = JsonNodeFactory.instance.objectNode();
        endpoint.putArray("addresses").add(address.path("ip").asText());
        endpoint.putObject("conditions").put("ready", ready);
        if (!address.path("hostname").asText("").isEmpty()) {
            endpoint.put("hostname", address.path("hostname").asText());
        }
        if (address.hasNonNull("nodeName")) {
            endpoint.put("nodeName", address.path("nodeName").asText());
        }
        if (address.path("targetRef").isObject()) {
            endpoint.set("targetRef", address.get("targetRef").deepCopy());
        }
        return endpoint;
    }
}
