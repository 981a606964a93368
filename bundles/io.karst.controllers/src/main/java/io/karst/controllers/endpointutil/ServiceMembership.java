package io.karst.controllers.endpointutil;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Lister;
import io.karst.api.controller.ObjectKeys;

/** Which Services a pod change concerns, as upstream's endpoint controllers decide it. */
public final class ServiceMembership {
    private ServiceMembership() {
    }

    /** The keys of the Services in the pod's namespace whose selector selects {@code labels}. */
    public static Set<String> servicesSelecting(Lister services, String namespace, JsonNode labels) {
        Set<String> keys = new HashSet<>();
        for (ObjectNode service : services.list(namespace)) {
            if (PodEndpoints.selects(service, labels)) {
                keys.add(ObjectKeys.of(service));
            }
        }
        return keys;
    }

    /** The Services that select the pod. */
    public static Set<String> servicesOf(Lister services, JsonNode pod) {
        return servicesSelecting(services, PodEndpoints.namespace(pod), pod.path("metadata").path("labels"));
    }

    /**
     * The Services to reconcile after a pod update: none for a resync or a change no endpoint shows; those
     * selecting the pod when it changed in a way endpoints show (IPs, readiness, deletion, phase); when its labels
     * (or hostname/subdomain) changed, the Services that gained or lost it, or all old and new ones if both kinds
     * of change happened.
     */
    public static Set<String> servicesToUpdate(Lister services, JsonNode old, JsonNode pod) {
        if (old.path("metadata").path("resourceVersion").equals(pod.path("metadata").path("resourceVersion"))) {
            return Set.of();
        }
        boolean labelsChanged = !old.path("metadata").path("labels").equals(pod.path("metadata").path("labels"))
                || !old.path("spec").path("hostname").equals(pod.path("spec").path("hostname"))
                || !old.path("spec").path("subdomain").equals(pod.path("spec").path("subdomain"));
        boolean podChanged = PodEndpoints.terminating(old) != PodEndpoints.terminating(pod)
                || PodEndpoints.ready(old) != PodEndpoints.ready(pod)
                || PodEndpoints.terminal(old) != PodEndpoints.terminal(pod)
                || !PodEndpoints.ips(old).equals(PodEndpoints.ips(pod))
                || !Objects.equals(old.path("spec").path("nodeName"), pod.path("spec").path("nodeName"));
        if (!labelsChanged && !podChanged) {
            return Set.of();
        }
        Set<String> now = servicesOf(services, pod);
        if (!labelsChanged) {
            return now;
        }
        Set<String> before = servicesOf(services, old);
        Set<String> result = new HashSet<>(now);
        if (podChanged) {
            result.addAll(before);
        } else {
            // only membership changed: the services that gained or lost the pod
            result.removeAll(before);
            Set<String> lost = new HashSet<>(before);
            lost.removeAll(now);
            result.addAll(lost);
        }
        return result;
    }
}
