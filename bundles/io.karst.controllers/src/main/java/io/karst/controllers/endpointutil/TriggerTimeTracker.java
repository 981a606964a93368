package io.karst.controllers.endpointutil;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Computes the {@value PodEndpoints#TRIGGER_TIME_ANNOTATION} annotation as upstream's TriggerTimeTracker does: the
 * earliest of the pod readiness transitions (and the Service's creation) that changed since the last sync of the
 * Service; the Service's creation time the first time it is synced; null when nothing changed. Like upstream's, it
 * may miss a change made twice between two syncs.
 */
public final class TriggerTimeTracker {
    private record State(Instant serviceTime, Map<String, Instant> podTimes) {
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** Never called twice at once for one Service (the work queue guarantees it). */
    public Instant compute(String serviceKey, JsonNode service, List<? extends JsonNode> pods) {
        State previous = states.get(serviceKey);
        Map<String, Instant> podTimes = new HashMap<>();
        Instant min = null;
        for (JsonNode pod : pods) {
            Instant t = PodEndpoints.readyTransition(pod);
            if (t == null) {
                continue;
            }
            String name = PodEndpoints.name(pod);
            podTimes.put(name, t);
            Instant last = previous == null ? null : previous.podTimes().get(name);
            if (last == null || t.isAfter(last)) {
                min = min == null || t.isBefore(min) ? t : min;
            }
        }
        Instant serviceTime = creation(service);
        if (serviceTime != null && (previous == null || previous.serviceTime() == null
                || serviceTime.isAfter(previous.serviceTime()))) {
            min = min == null || serviceTime.isBefore(min) ? serviceTime : min;
        }
        states.put(serviceKey, new State(serviceTime, podTimes));
        return previous == null ? serviceTime : min;
    }

    public void forget(String serviceKey) {
        states.remove(serviceKey);
    }

    private static Instant creation(JsonNode service) {
        String t = service.path("metadata").path("creationTimestamp").asText("");
        return t.isEmpty() ? null : Instant.parse(t);
    }
}
