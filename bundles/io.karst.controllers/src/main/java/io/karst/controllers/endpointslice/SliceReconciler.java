package io.karst.controllers.endpointslice;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Lister;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceOperations;
import io.karst.api.controller.ObjectKeys;
import io.karst.controllers.endpointutil.PodEndpoints;
import io.karst.controllers.endpointutil.SliceEndpoints;
import io.karst.controllers.endpointutil.SliceTracker;
import io.karst.controllers.ownership.ControllerRefs;

/**
 * Upstream's EndpointSlice reconciler (k8s.io/endpointslice): brings a Service's slices to the pods it selects with
 * as few writes as it can. Per address type and per set of ports, endpoints still wanted stay in the slice that
 * holds them (updated in place when their conditions, node or zone changed), slices that lost endpoints are
 * refilled first, leftovers go into the unchanged slice they fill best, and only then into new slices of at most
 * {@code maxEndpointsPerSlice}; a slice that would be deleted while another is created is reused instead. A
 * Service with no endpoints keeps one empty placeholder slice.
 */
final class SliceReconciler {
    static final String SERVICE_NAME_LABEL = SliceEndpoints.SERVICE_NAME_LABEL;
    static final String MANAGED_BY_LABEL = SliceEndpoints.MANAGED_BY_LABEL;
    static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    private final ResourceOperations slices;
    private final Lister nodes;
    private final SliceTracker tracker;
    private final String controllerName;
    private final int maxEndpointsPerSlice;

    SliceReconciler(ResourceOperations slices, Lister nodes, SliceTracker tracker, String controllerName,
            int maxEndpointsPerSlice) {
        this.slices = slices;
        this.nodes = nodes;
        this.tracker = tracker;
        this.controllerName = controllerName;
        this.maxEndpointsPerSlice = maxEndpointsPerSlice;
    }

    /** What the slices of one address type and port set should hold. */
    private static final class Desired {
        final ArrayNode ports;
        /** endpoint identity (addresses, hostname, pod) -> endpoint, in pod order */
        final Map<String, ObjectNode> endpoints = new LinkedHashMap<>();

        Desired(ArrayNode ports) {
            this.ports = ports;
        }

        ObjectNode pop() {
            Iterator<ObjectNode> it = endpoints.values().iterator();
            ObjectNode next = it.next();
            it.remove();
            return next;
        }
    }

    /** Slices to create, update and delete, accumulated over the port sets of one address type. */
    private static final class Changes {
        final List<ObjectNode> create = new ArrayList<>();
        final List<ObjectNode> update = new ArrayList<>();
        final List<ObjectNode> delete = new ArrayList<>();
    }

    /**
     * Reconciles; throws after doing what it could when a write failed or a pod's Node is missing (the Service is
     * then retried).
     */
    void reconcile(ObjectNode service, List<ObjectNode> pods, List<ObjectNode> existing, Instant triggerTime) {
        List<String> errors = new ArrayList<>();
        Set<String> types = addressTypes(service);
        Map<String, List<ObjectNode>> byType = new LinkedHashMap<>();
        List<ObjectNode> unsupported = new ArrayList<>();
        for (ObjectNode slice : existing) {
            String type = slice.path("addressType").asText();
            if (types.contains(type)) {
                byType.computeIfAbsent(type, k -> new ArrayList<>()).add(slice);
            } else {
                unsupported.add(slice);
            }
        }
        for (String type : types) {
            try {
                reconcileAddressType(service, pods, byType.getOrDefault(type, List.of()), triggerTime, type, errors);
            } catch (ResourceException e) {
                errors.add(e.getMessage());
            }
        }
        for (ObjectNode slice : unsupported) {
            try {
                delete(service, slice);
            } catch (ResourceException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException(String.join("; ", errors));
        }
    }

    private void reconcileAddressType(ObjectNode service, List<ObjectNode> pods, List<ObjectNode> existing,
            Instant triggerTime, String addressType, List<String> errors) {
        Changes changes = new Changes();
        Map<String, List<ObjectNode>> existingByPorts = new LinkedHashMap<>();
        for (ObjectNode slice : existing) {
            if (ownedBy(slice, service)) {
                existingByPorts.computeIfAbsent(SliceEndpoints.portMapKey(slice.path("ports")), k -> new ArrayList<>()).add(slice);
            } else {
                changes.delete.add(slice);
            }
        }
        boolean publishNotReady = service.path("spec").path("publishNotReadyAddresses").asBoolean(false);
        Map<String, Desired> desiredByPorts = new LinkedHashMap<>();
        for (ObjectNode pod : pods) {
            if (!PodEndpoints.shouldBeInEndpoints(pod, true)) {
                continue;
            }
            ArrayNode ports = endpointPorts(service, pod);
            Desired desired = desiredByPorts.computeIfAbsent(SliceEndpoints.portMapKey(ports), k -> new Desired(ports));
            String nodeName = pod.path("spec").path("nodeName").asText("");
            Optional<ObjectNode> node = nodeName.isEmpty() ? Optional.empty() : nodes.get(null, nodeName);
            if (node.isEmpty() && !publishNotReady) {
                // a pod on a missing Node is left out but the Service retried, as upstream does
                errors.add("skipping Pod " + PodEndpoints.name(pod) + " for Service " + ObjectKeys.of(service)
                        + ": Node " + nodeName + " Not Found");
                continue;
            }
            ObjectNode endpoint = podToEndpoint(pod, node.orElse(null), service, addressType);
            if (!endpoint.path("addresses").isEmpty()) {
                desired.endpoints.put(SliceEndpoints.identity(endpoint), endpoint);
            }
        }
        for (Map.Entry<String, Desired> e : desiredByPorts.entrySet()) {
            reconcilePortMapping(service, existingByPorts.getOrDefault(e.getKey(), List.of()), e.getValue(),
                    addressType, changes);
        }
        existingByPorts.forEach((key, slicesOfPorts) -> {
            if (!desiredByPorts.containsKey(key)) {
                changes.delete.addAll(slicesOfPorts);
            }
        });
        if (existing.size() == changes.delete.size() && changes.create.isEmpty()) {
            ObjectNode placeholder = newSlice(service, JsonNodeFactory.instance.arrayNode(), addressType);
            if (changes.delete.size() == 1 && samePlaceholder(changes.delete.get(0), placeholder)) {
                changes.delete.clear(); // keep the placeholder rather than replace it
            } else {
                changes.create.add(placeholder);
            }
        }
        finish(service, changes, triggerTime);
    }

    /** Upstream's reconcileByPortMapping: keep, refill, fill unchanged slices, create. */
    private void reconcilePortMapping(ObjectNode service, List<ObjectNode> existing, Desired desired,
            String addressType, Changes changes) {
        Map<String, ObjectNode> byName = new LinkedHashMap<>();
        Set<String> unchanged = new LinkedHashSet<>();
        Set<String> toUpdate = new LinkedHashSet<>();
        Set<String> toDelete = new LinkedHashSet<>();
        // 1. drop endpoints no longer wanted, update those that changed
        for (ObjectNode slice : existing) {
            String name = PodEndpoints.name(slice);
            byName.put(name, slice);
            ArrayNode kept = JsonNodeFactory.instance.arrayNode();
            boolean endpointChanged = false;
            for (JsonNode endpoint : slice.path("endpoints")) {
                ObjectNode wanted = desired.endpoints.remove(SliceEndpoints.identity(endpoint));
                if (wanted != null) {
                    kept.add(wanted);
                    endpointChanged |= !SliceEndpoints.equalBeyondIdentity(wanted, endpoint);
                }
            }
            ObjectNode labels = sliceLabels(service);
            boolean labelsChanged = labelsChanged(slice, service);
            if (endpointChanged || kept.size() != slice.path("endpoints").size()) {
                if (kept.isEmpty()) {
                    toDelete.add(name);
                } else {
                    ObjectNode copy = slice.deepCopy();
                    copy.set("endpoints", kept);
                    ((ObjectNode) copy.get("metadata")).set("labels", labels);
                    byName.put(name, copy);
                    toUpdate.add(name);
                }
            } else if (labelsChanged) {
                ObjectNode copy = slice.deepCopy();
                ((ObjectNode) copy.get("metadata")).set("labels", labels);
                byName.put(name, copy);
                toUpdate.add(name);
            } else {
                unchanged.add(name);
            }
        }
        // 2. refill the slices being updated anyway, fullest first
        if (!desired.endpoints.isEmpty() && !toUpdate.isEmpty()) {
            List<ObjectNode> updating = new ArrayList<>(toUpdate.stream().map(byName::get).toList());
            updating.sort(Comparator.comparingInt((ObjectNode s) -> s.path("endpoints").size()).reversed());
            for (ObjectNode slice : updating) {
                ArrayNode endpoints = (ArrayNode) slice.get("endpoints");
                while (!desired.endpoints.isEmpty() && endpoints.size() < maxEndpointsPerSlice) {
                    endpoints.add(desired.pop());
                }
            }
        }
        // 3. put what is left into the unchanged slice it fills best, or into new slices
        while (!desired.endpoints.isEmpty()) {
            ObjectNode fill = null;
            if (desired.endpoints.size() < maxEndpointsPerSlice && !unchanged.isEmpty()) {
                fill = sliceToFill(unchanged.stream().map(byName::get).toList(), desired.endpoints.size());
            }
            if (fill == null) {
                fill = newSlice(service, desired.ports, addressType);
            } else {
                fill = fill.deepCopy();
                byName.put(PodEndpoints.name(fill), fill);
            }
            ArrayNode endpoints = (ArrayNode) fill.get("endpoints");
            while (!desired.endpoints.isEmpty() && endpoints.size() < maxEndpointsPerSlice) {
                endpoints.add(desired.pop());
            }
            String name = PodEndpoints.name(fill);
            if (!name.isEmpty()) {
                toUpdate.add(name);
                unchanged.remove(name);
            } else {
                changes.create.add(fill);
            }
        }
        toUpdate.forEach(name -> changes.update.add(byName.get(name)));
        toDelete.forEach(name -> changes.delete.add(byName.get(name)));
    }

    /** The slice that will be closest to full once {@code count} endpoints are added; null if none has room. */
    private ObjectNode sliceToFill(List<ObjectNode> candidates, int count) {
        int closest = maxEndpointsPerSlice;
        ObjectNode best = null;
        for (ObjectNode slice : candidates) {
            int diff = maxEndpointsPerSlice - (count + slice.path("endpoints").size());
            if (diff >= 0 && diff < closest) {
                closest = diff;
                best = slice;
                if (diff == 0) {
                    break;
                }
            }
        }
        return best;
    }

    /** Writes the changes: creations become updates of slices about to be deleted where possible. */
    private void finish(ObjectNode service, Changes changes, Instant triggerTime) {
        for (Iterator<ObjectNode> it = changes.delete.iterator(); it.hasNext() && !changes.create.isEmpty();) {
            ObjectNode doomed = it.next();
            ObjectNode created = changes.create.get(changes.create.size() - 1);
            if (doomed.path("addressType").equals(created.path("addressType")) && ownedBy(doomed, service)) {
                ObjectNode reused = doomed.deepCopy();
                reused.set("endpoints", created.get("endpoints"));
                reused.set("ports", created.get("ports"));
                ((ObjectNode) reused.get("metadata")).set("labels", created.path("metadata").get("labels"));
                changes.create.remove(changes.create.size() - 1);
                changes.update.add(reused);
                it.remove();
            }
        }
        String key = ObjectKeys.of(service);
        // no new slices for a Service being deleted: the garbage collector is removing them
        if (!service.path("metadata").hasNonNull("deletionTimestamp")) {
            for (ObjectNode slice : changes.create) {
                setTriggerTime(slice, triggerTime);
                try {
                    tracker.written(key, slices.create(slice));
                } catch (ResourceException e) {
                    if (PodEndpoints.namespaceTerminating(e)) {
                        return;
                    }
                    throw e;
                }
            }
        }
        for (ObjectNode slice : changes.update) {
            setTriggerTime(slice, triggerTime);
            tracker.written(key, slices.update(slice));
        }
        for (ObjectNode slice : changes.delete) {
            delete(service, slice);
        }
    }

    private void delete(ObjectNode service, ObjectNode slice) {
        try {
            slices.delete(PodEndpoints.name(slice));
            tracker.deletionExpected(ObjectKeys.of(service), slice);
        } catch (ResourceException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    private static void setTriggerTime(ObjectNode slice, Instant triggerTime) {
        ObjectNode meta = (ObjectNode) slice.get("metadata");
        ObjectNode annotations = meta.path("annotations").isObject() ? (ObjectNode) meta.get("annotations")
                : meta.putObject("annotations");
        if (triggerTime != null) {
            annotations.put(PodEndpoints.TRIGGER_TIME_ANNOTATION, triggerTime.toString());
        } else {
            annotations.remove(PodEndpoints.TRIGGER_TIME_ANNOTATION);
        }
        if (annotations.isEmpty()) {
            meta.remove("annotations");
        }
    }

    /** upstream's podToEndpoint */
    private static ObjectNode podToEndpoint(ObjectNode pod, ObjectNode node, ObjectNode service, String addressType) {
        boolean serving = PodEndpoints.ready(pod);
        boolean terminating = PodEndpoints.terminating(pod);
        boolean ready = service.path("spec").path("publishNotReadyAddresses").asBoolean(false)
                || (serving && !terminating);
        ObjectNode endpoint = JsonNodeFactory.instance.objectNode();
        ArrayNode addresses = endpoint.putArray("addresses");
        for (String ip : PodEndpoints.ips(pod)) {
            if (PodEndpoints.isIPv6(ip) == addressType.equals("IPv6")) {
                addresses.add(ip);
            }
        }
        ObjectNode conditions = endpoint.putObject("conditions");
        conditions.put("ready", ready);
        conditions.put("serving", serving);
        conditions.put("terminating", terminating);
        if (PodEndpoints.shouldSetHostname(pod, service)) {
            endpoint.put("hostname", pod.path("spec").path("hostname").asText());
        }
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (!nodeName.isEmpty()) {
            endpoint.put("nodeName", nodeName);
        }
        String zone = node == null ? "" : node.path("metadata").path("labels").path(ZONE_LABEL).asText("");
        if (!zone.isEmpty()) {
            endpoint.put("zone", zone);
        }
        endpoint.set("targetRef", PodEndpoints.targetRef(pod));
        return endpoint;
    }

    /** The Service's ports as this pod serves them; a port whose named target the pod lacks is left out. */
    private static ArrayNode endpointPorts(ObjectNode service, ObjectNode pod) {
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        JsonNode ports = service.path("spec").path("ports");
        if (ports.isEmpty() && service.path("spec").path("clusterIP").asText("").equals("None")) {
            return result;
        }
        for (JsonNode servicePort : ports) {
            OptionalInt port = PodEndpoints.findPort(pod, servicePort);
            if (port.isEmpty()) {
                continue;
            }
            ObjectNode p = result.addObject();
            p.put("name", servicePort.path("name").asText(""));
            p.put("port", port.getAsInt());
            p.put("protocol", servicePort.path("protocol").asText("TCP"));
            if (servicePort.hasNonNull("appProtocol")) {
                p.put("appProtocol", servicePort.path("appProtocol").asText());
            }
        }
        return result;
    }

    private static boolean ownedBy(JsonNode slice, JsonNode service) {
        String uid = service.path("metadata").path("uid").asText();
        for (JsonNode ref : slice.path("metadata").path("ownerReferences")) {
            if (ref.path("uid").asText().equals(uid) && ref.path("kind").asText().equals("Service")
                    && ref.path("apiVersion").asText().equals("v1")) {
                return true;
            }
        }
        return false;
    }

    private ObjectNode newSlice(ObjectNode service, ArrayNode ports, String addressType) {
        ObjectNode slice = JsonNodeFactory.instance.objectNode();
        slice.put("apiVersion", "discovery.k8s.io/v1");
        slice.put("kind", "EndpointSlice");
        ObjectNode meta = slice.putObject("metadata");
        meta.put("generateName", PodEndpoints.name(service) + "-");
        meta.put("namespace", PodEndpoints.namespace(service));
        meta.set("labels", sliceLabels(service));
        meta.putArray("ownerReferences").add(ControllerRefs.to("v1", "Service", service));
        slice.put("addressType", addressType);
        slice.set("endpoints", JsonNodeFactory.instance.arrayNode());
        slice.set("ports", ports.deepCopy());
        return slice;
    }

    private static boolean reserved(String label) {
        return label.equals(SERVICE_NAME_LABEL) || label.equals(MANAGED_BY_LABEL)
                || label.equals(PodEndpoints.HEADLESS_LABEL);
    }

    private static ObjectNode withoutReserved(JsonNode labels) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        labels.fields().forEachRemaining(e -> {
            if (!reserved(e.getKey())) {
                result.set(e.getKey(), e.getValue());
            }
        });
        return result;
    }

    /** The Service's labels (reserved keys aside), the headless marker, and the two labels slices are found by. */
    private ObjectNode sliceLabels(ObjectNode service) {
        ObjectNode labels = withoutReserved(service.path("metadata").path("labels"));
        if (!PodEndpoints.serviceIpSet(service)) {
            labels.put(PodEndpoints.HEADLESS_LABEL, "");
        }
        labels.put(SERVICE_NAME_LABEL, PodEndpoints.name(service));
        labels.put(MANAGED_BY_LABEL, controllerName);
        return labels;
    }

    /** Upstream compares the non-reserved labels only (so a changed headless marker alone is no change). */
    private static boolean labelsChanged(JsonNode slice, JsonNode service) {
        return !withoutReserved(slice.path("metadata").path("labels"))
                .equals(withoutReserved(service.path("metadata").path("labels")));
    }

    private static boolean samePlaceholder(JsonNode existing, ObjectNode placeholder) {
        return existing.path("metadata").path("namespace").equals(placeholder.path("metadata").path("namespace"))
                && existing.path("metadata").path("labels").equals(placeholder.path("metadata").path("labels"))
                && sameRefs(existing, placeholder)
                && existing.path("addressType").equals(placeholder.path("addressType"))
                && existing.path("endpoints").isEmpty() && existing.path("ports").isEmpty();
    }

    private static boolean sameRefs(JsonNode a, JsonNode b) {
        JsonNode ra = a.path("metadata").path("ownerReferences");
        JsonNode rb = b.path("metadata").path("ownerReferences");
        return ra.equals(rb);
    }

    /** The address types of the Service's IP families; both for a headless Service without families. */
    static Set<String> addressTypes(JsonNode service) {
        Set<String> types = new LinkedHashSet<>();
        for (JsonNode family : service.path("spec").path("ipFamilies")) {
            if (family.asText().equals("IPv4") || family.asText().equals("IPv6")) {
                types.add(family.asText());
            }
        }
        if (!types.isEmpty()) {
            return types;
        }
        if (PodEndpoints.serviceIpSet(service)) {
            types.add(PodEndpoints.isIPv6(service.path("spec").path("clusterIP").asText()) ? "IPv6" : "IPv4");
            return types;
        }
        types.add("IPv4");
        types.add("IPv6");
        return types;
    }
}
