package io.karst.apiserver;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.karst.api.health.HealthCheck;

/**
 * The named checks behind {@code /livez}, {@code /readyz} and {@code /healthz}: the built-in ones and those
 * registered on the {@link HealthCheck} whiteboard.
 */
final class HealthRegistry {

    /** One check with the endpoints it belongs to. */
    record Entry(String name, Set<String> endpoints, HealthCheck check) {
        boolean belongsTo(String endpoint) {
            return endpoint.equals("healthz") || endpoints.contains(endpoint);
        }
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    void add(Entry entry) {
        entries.add(entry);
    }

    void remove(HealthCheck check) {
        entries.removeIf(e -> e.check() == check);
    }

    /** The checks of one endpoint, built-in ones first (as registered), then by name. */
    List<Entry> checksFor(String endpoint) {
        List<Entry> result = new ArrayList<>();
        for (Entry e : entries) {
            if (e.belongsTo(endpoint)) {
                result.add(e);
            }
        }
        return result;
    }
}
