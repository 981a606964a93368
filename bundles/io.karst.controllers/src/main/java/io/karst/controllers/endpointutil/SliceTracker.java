package io.karst.controllers.endpointutil;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a controller last wrote to each Service's EndpointSlices (upstream's EndpointSliceTracker, keyed on
 * resourceVersion because Karst does not bump an EndpointSlice's generation): the informer cache is stale while it
 * shows an older version of a slice written, or misses a slice created; the slice events this controller caused
 * itself need no sync, others do.
 */
public final class SliceTracker {
    private static final long DELETION_EXPECTED = -1;

    /** service key -> slice uid -> resourceVersion written, or {@link #DELETION_EXPECTED} */
    private final Map<String, Map<String, Long>> written = new HashMap<>();

    public static long version(JsonNode slice) {
        try {
            return Long.parseLong(slice.path("metadata").path("resourceVersion").asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String uid(JsonNode slice) {
        return slice.path("metadata").path("uid").asText();
    }

    public synchronized void written(String service, JsonNode slice) {
        written.computeIfAbsent(service, k -> new HashMap<>()).put(uid(slice), version(slice));
    }

    public synchronized void deletionExpected(String service, JsonNode slice) {
        written.computeIfAbsent(service, k -> new HashMap<>()).put(uid(slice), DELETION_EXPECTED);
    }

    /** Whether a slice event is news to this controller (not the echo of its own write). */
    public synchronized boolean shouldSync(String service, JsonNode slice) {
        Long v = written.getOrDefault(service, Map.of()).get(uid(slice));
        return v == null || version(slice) > v;
    }

    public synchronized boolean has(String service, JsonNode slice) {
        return written.getOrDefault(service, Map.of()).containsKey(uid(slice));
    }

    /** Forgets a deleted slice; true when this controller deleted it. */
    public synchronized boolean deleted(String service, JsonNode slice) {
        Map<String, Long> slices = written.get(service);
        if (slices == null) {
            return false;
        }
        Long v = slices.remove(uid(slice));
        if (slices.isEmpty()) {
            written.remove(service);
        }
        return v != null && v == DELETION_EXPECTED;
    }

    /** Whether the cached slices lag behind what was written. */
    public synchronized boolean stale(String service, List<? extends JsonNode> cached) {
        Map<String, Long> slices = written.getOrDefault(service, Map.of());
        Set<String> seen = new HashSet<>();
        for (JsonNode slice : cached) {
            seen.add(uid(slice));
            Long v = slices.get(uid(slice));
            if (v != null && v > version(slice)) {
                return true;
            }
        }
        for (Map.Entry<String, Long> e : slices.entrySet()) {
            if (e.getValue() != DELETION_EXPECTED && !seen.contains(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    public synchronized void forget(String service) {
        written.remove(service);
    }

    public synchronized void clear() {
        written.clear();
    }
}
