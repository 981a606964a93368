package io.karst.controllers.endpoints;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
import io.karst.controllers.endpointutil.PodEndpoints;
import io.karst.controllers.endpointutil.ServiceQueueing;
import io.karst.controllers.endpointutil.TriggerTimeTracker;

/**
 * kube-controller-manager's Endpoints controller: for each Service with a selector (not ExternalName), an Endpoints
 * object of the same name whose subsets list the selected pods' IPs, ready ones in {@code addresses} and the
 * others in {@code notReadyAddresses} (all in {@code addresses} with {@code publishNotReadyAddresses}), grouped
 * by the ports they serve. Terminating, finished and IP-less pods are left out; a pod without a Service port's
 * named target port is left out of that port. More than {@value #MAX_CAPACITY} addresses are truncated and marked.
 * The Endpoints of a Service without selector belong to the user and are left alone; those of a deleted Service
 * are deleted, and once at start so are those it made (label {@value #MANAGED_BY_LABEL}) whose Service vanished
 * while no controller ran.
 */
@Component(service = Controller.class, property = Controller.NAME + "=endpoints")
public final class EndpointsController implements Controller {
    static final ResourceKey SERVICES = new ResourceKey("", "v1", "services");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey ENDPOINTS = new ResourceKey("", "v1", "endpoints");
    static final int MAX_CAPACITY = 1000;
    static final String OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";
    static final String TRUNCATED = "truncated";
    static final String LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";
    /** Marks the Endpoints this controller manages (upstream since 1.33), so only those count as leftovers. */
    static final String MANAGED_BY_LABEL = "endpoints.kubernetes.io/managed-by";
    static final String CONTROLLER_NAME = "endpoint-controller";
    /** The queue key that asks for every Endpoints object to be checked for a vanished Service. */
    static final String LEFTOVERS = "/leftover-endpoints";

    private final TriggerTimeTracker triggerTimes = new TriggerTimeTracker();
    /** Endpoints resourceVersions this controller replaced: a lister still showing one is behind. */
    private final Map<String, String> replaced = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile ControllerContext context;
    private volatile ResourceClient client;
    private volatile Informer services;
    private volatile Informer pods;
    private volatile Informer endpoints;

    @Override
    public String name() {
        return "endpoints";
    }

    @Override
    public int workers() {
        return 5; // upstream --concurrent-endpoint-syncs
    }

    @Override
    public void start(ControllerContext ctx) {
        context = ctx;
        client = ctx.client();
        services = ctx.informers().informer(SERVICES);
        pods = ctx.informers().informer(PODS);
        endpoints = ctx.informers().informer(ENDPOINTS);
        ServiceQueueing.register(ctx, services, pods);
        ctx.handle(endpoints, new ResourceEventHandler() {
            @Override
            public void onDelete(ObjectNode ep, boolean finalStateUnknown) {
                ctx.queue().add(ObjectKeys.of(ep));
            }
        });
        ctx.queue().add(LEFTOVERS);
    }

    @Override
    public void stop() {
        replaced.clear();
    }

    @Override
    public ReconcileResult reconcile(String key) {
        if (key.equals(LEFTOVERS)) {
            // a live list, not the cache: a shared informer that was already running may not show Endpoints
            // written just before this controller started, and this check runs only once
            for (ObjectNode ep : client.resource(ENDPOINTS).list().items()) {
                // only Endpoints this controller made; never leader-election records or users' Endpoints
                if (ep.path("metadata").path("labels").path(MANAGED_BY_LABEL).asText("").equals(CONTROLLER_NAME)
                        && !ep.path("metadata").path("annotations").has(LEADER_ANNOTATION)) {
                    context.queue().add(ObjectKeys.of(ep));
                }
            }
            return ReconcileResult.DONE;
        }
        String namespace = ObjectKeys.namespace(key);
        String name = ObjectKeys.name(key);
        Optional<ObjectNode> found = services.lister().get(namespace, name);
        if (found.isEmpty()) {
            try {
                client.resource(ENDPOINTS).inNamespace(namespace).delete(name);
            } catch (ResourceException e) {
                if (!e.isNotFound()) {
                    throw e;
                }
            }
            triggerTimes.forget(key);
            replaced.remove(key);
            return ReconcileResult.DONE;
        }
        ObjectNode service = found.get();
        if (!PodEndpoints.managesEndpoints(service)) {
            return ReconcileResult.DONE;
        }
        List<ObjectNode> selected = pods.lister().list(namespace).stream()
                .filter(p -> PodEndpoints.selects(service, p.path("metadata").path("labels"))).toList();
        Optional<ObjectNode> current = endpoints.lister().get(namespace, name);
        if (current.isPresent() && current.get().path("metadata").path("resourceVersion").asText()
                .equals(replaced.get(key))) {
            // checked before the trigger times are taken, so the retry still sees the change (upstream checks after)
            throw new IllegalStateException("endpoints informer cache is out of date for " + key);
        }
        Instant triggerTime = triggerTimes.compute(key, service, selected);
        ArrayNode subsets = Subsets.repack(desiredSubsets(service, selected));
        JsonNode serviceLabels = labelsOf(service);
        if (current.isPresent() && sameSubsets(current.get().path("subsets"), subsets)
                && withoutOwnLabels(labelsOf(current.get())).equals(withoutOwnLabels(serviceLabels))
                && capacityAnnotationCorrect(current.get())) {
            return ReconcileResult.DONE;
        }
        ObjectNode ep = current.map(ObjectNode::deepCopy).orElseGet(() -> newEndpoints(service));
        ep.set("subsets", subsets);
        ObjectNode meta = (ObjectNode) ep.get("metadata");
        ObjectNode labels = serviceLabels.deepCopy();
        if (!PodEndpoints.serviceIpSet(service)) {
            labels.put(PodEndpoints.HEADLESS_LABEL, "");
        }
        labels.put(MANAGED_BY_LABEL, CONTROLLER_NAME);
        if (labels.isEmpty()) {
            meta.remove("labels");
        } else {
            meta.set("labels", labels);
        }
        ObjectNode annotations = meta.path("annotations").isObject() ? (ObjectNode) meta.get("annotations")
                : meta.putObject("annotations");
        if (triggerTime != null) {
            annotations.put(PodEndpoints.TRIGGER_TIME_ANNOTATION, triggerTime.toString());
        } else {
            annotations.remove(PodEndpoints.TRIGGER_TIME_ANNOTATION);
        }
        if (Subsets.truncate(subsets, MAX_CAPACITY)) {
            annotations.put(OVER_CAPACITY, TRUNCATED);
        } else {
            annotations.remove(OVER_CAPACITY);
        }
        if (annotations.isEmpty()) {
            meta.remove("annotations");
        }
        try {
            if (current.isEmpty()) {
                client.resource(ENDPOINTS).inNamespace(namespace).create(ep);
            } else {
                ObjectNode updated = client.resource(ENDPOINTS).inNamespace(namespace).update(ep);
                String before = current.get().path("metadata").path("resourceVersion").asText();
                if (!updated.path("metadata").path("resourceVersion").asText().equals(before)) {
                    replaced.put(key, before);
                }
            }
        } catch (ResourceException e) {
            if (current.isEmpty() && PodEndpoints.namespaceTerminating(e)) {
                return ReconcileResult.DONE; // a terminating namespace takes nothing new
            }
            context.events().event(ep, EventRecorder.WARNING,
                    current.isEmpty() ? "FailedToCreateEndpoint" : "FailedToUpdateEndpoint",
                    (current.isEmpty() ? "Failed to create endpoint for service " : "Failed to update endpoint ")
                            + key + ": " + e.getMessage());
            throw e;
        }
        return ReconcileResult.DONE;
    }

    private static ObjectNode newEndpoints(ObjectNode service) {
        ObjectNode ep = JsonNodeFactory.instance.objectNode();
        ep.put("apiVersion", "v1");
        ep.put("kind", "Endpoints");
        ObjectNode meta = ep.putObject("metadata");
        meta.put("name", PodEndpoints.name(service));
        meta.put("namespace", PodEndpoints.namespace(service));
        return ep;
    }

    /** One subset per pod and port, as upstream builds them before repacking. */
    private static List<ObjectNode> desiredSubsets(ObjectNode service, List<ObjectNode> selected) {
        boolean publishNotReady = service.path("spec").path("publishNotReadyAddresses").asBoolean(false);
        JsonNode ports = service.path("spec").path("ports");
        boolean headless = service.path("spec").path("clusterIP").asText("").equals("None");
        List<ObjectNode> subsets = new ArrayList<>();
        for (ObjectNode pod : selected) {
            if (!PodEndpoints.shouldBeInEndpoints(pod, publishNotReady)) {
                continue;
            }
            ObjectNode address = address(service, pod);
            if (address == null) {
                continue; // no IP of the Service's family
            }
            boolean ready = publishNotReady || PodEndpoints.ready(pod);
            if (ports.isEmpty()) {
                if (headless) { // a headless Service may have no ports
                    subsets.add(subset(address, null, ready));
                }
                continue;
            }
            for (JsonNode servicePort : ports) {
                OptionalInt port = PodEndpoints.findPort(pod, servicePort);
                if (port.isEmpty()) {
                    continue;
                }
                ObjectNode epp = JsonNodeFactory.instance.objectNode();
                String portName = servicePort.path("name").asText("");
                if (!portName.isEmpty()) {
                    epp.put("name", portName);
                }
                epp.put("port", port.getAsInt());
                epp.put("protocol", servicePort.path("protocol").asText("TCP"));
                if (servicePort.hasNonNull("appProtocol")) {
                    epp.put("appProtocol", servicePort.path("appProtocol").asText());
                }
                subsets.add(subset(address, epp, ready));
            }
        }
        return subsets;
    }

    private static ObjectNode subset(ObjectNode address, ObjectNode port, boolean ready) {
        ObjectNode subset = JsonNodeFactory.instance.objectNode();
        subset.putArray(ready ? "addresses" : "notReadyAddresses").add(address.deepCopy());
        if (port != null) {
            subset.putArray("ports").add(port);
        }
        return subset;
    }

    /**
     * The pod's address of the Service's (first) IP family: {@code spec.ipFamilies}, else the cluster IP's family,
     * else (headless) the pod's primary IP's family.
     */
    private static ObjectNode address(ObjectNode service, ObjectNode pod) {
        List<String> ips = PodEndpoints.ips(pod);
        boolean ipv6;
        JsonNode families = service.path("spec").path("ipFamilies");
        if (!families.isEmpty()) {
            ipv6 = families.get(0).asText().equals("IPv6");
        } else if (PodEndpoints.serviceIpSet(service)) {
            ipv6 = PodEndpoints.isIPv6(service.path("spec").path("clusterIP").asText());
        } else {
            ipv6 = PodEndpoints.isIPv6(ips.get(0));
        }
        for (String ip : ips) {
            if (PodEndpoints.isIPv6(ip) == ipv6) {
                ObjectNode address = JsonNodeFactory.instance.objectNode();
                address.put("ip", ip);
                if (PodEndpoints.shouldSetHostname(pod, service)) {
                    address.put("hostname", pod.path("spec").path("hostname").asText());
                }
                // upstream always sets nodeName, empty for an unscheduled pod; the API drops the empty value
                String node = pod.path("spec").path("nodeName").asText("");
                if (!node.isEmpty()) {
                    address.put("nodeName", node);
                }
                address.set("targetRef", PodEndpoints.targetRef(pod));
                return address;
            }
        }
        return null;
    }

    /** Equal, taking an absent list as empty and ignoring the pods' resourceVersions in target references. */
    private static boolean sameSubsets(JsonNode current, ArrayNode desired) {
        if (!current.isArray()) {
            return desired.isEmpty();
        }
        ArrayNode copy = ((ArrayNode) current).deepCopy();
        for (JsonNode subset : copy) {
            for (String kind : List.of("addresses", "notReadyAddresses")) {
                for (JsonNode address : subset.path(kind)) {
                    if (address.path("targetRef").isObject()) {
                        ((ObjectNode) address.get("targetRef")).remove("resourceVersion");
                    }
                }
            }
        }
        return copy.equals(desired);
    }

    private static JsonNode labelsOf(JsonNode object) {
        JsonNode labels = object.path("metadata").path("labels");
        return labels.isObject() ? labels : JsonNodeFactory.instance.objectNode();
    }

    /** The labels besides those this controller sets itself (headless marker, managed-by). */
    private static JsonNode withoutOwnLabels(JsonNode labels) {
        if (!labels.has(PodEndpoints.HEADLESS_LABEL) && !labels.has(MANAGED_BY_LABEL)) {
            return labels;
        }
        ObjectNode copy = ((ObjectNode) labels).deepCopy();
        copy.remove(List.of(PodEndpoints.HEADLESS_LABEL, MANAGED_BY_LABEL));
        return copy;
    }

    /** Over capacity means the subsets must be truncated; under it, the annotation must be absent. */
    private static boolean capacityAnnotationCorrect(JsonNode ep) {
        int count = 0;
        for (JsonNode subset : ep.path("subsets")) {
            count += subset.path("addresses").size() + subset.path("notReadyAddresses").size();
        }
        return count <= MAX_CAPACITY && !ep.path("metadata").path("annotations").has(OVER_CAPACITY);
    }
}
