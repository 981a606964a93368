package io.karst.apiserver.endpoint;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.karst.api.node.PodLogs;

/**
 * The {@link PodLogs} services of the nodes, by {@value PodLogs#NODE_NAME}: kubelets come and go, so the server
 * binds them dynamically and {@code pods/log} looks the node's up on every request. Of several for one node the
 * highest {@code service.ranking} wins, then the oldest.
 */
public final class PodLogServices {
    private record Entry(PodLogs logs, String node, int ranking, long id) {
    }

    private static final Comparator<Entry> PREFERRED = Comparator.comparingInt(Entry::ranking).reversed()
            .thenComparingLong(Entry::id);

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    /** Adds a service with its properties ({@value PodLogs#NODE_NAME}, {@code service.ranking}, {@code service.id}). */
    public void add(PodLogs logs, Map<String, ?> properties) {
        Object node = properties.get(PodLogs.NODE_NAME);
        if (node == null || node.toString().isEmpty()) {
            return;
        }
        int ranking = properties.get("service.ranking") instanceof Integer i ? i : 0;
        long id = properties.get("service.id") instanceof Long l ? l : Long.MAX_VALUE;
        entries.add(new Entry(logs, node.toString(), ranking, id));
    }

    public void remove(PodLogs logs) {
        entries.removeIf(e -> e.logs() == logs);
    }

    public Optional<PodLogs> forNode(String node) {
        return entries.stream().filter(e -> e.node().equals(node)).min(PREFERRED).map(Entry::logs);
    }
}
