package io.karst.apiserver.endpoint;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A kind of per-node service of the kubelets ({@code PodLogs}, {@code PodStreams}), by their {@code karst.node.name}
 * property: kubelets come and go, so the server binds them dynamically and looks the node's up on every request.
 * Of several for one node the highest {@code service.ranking} wins, then the oldest.
 *
 * @param <S> the service interface
 */
public class NodeServices<S> {
    /** The service property naming the node, the same key for every kind ({@code PodLogs.NODE_NAME}). */
    static final String NODE_NAME = "karst.node.name";

    private record Entry<S>(S service, String node, int ranking, long id) {
    }

    private final Comparator<Entry<S>> preferred = Comparator.<Entry<S>>comparingInt(Entry::ranking).reversed()
            .thenComparingLong(Entry::id);

    private final List<Entry<S>> entries = new CopyOnWriteArrayList<>();

    /** Adds a service with its properties ({@code karst.node.name}, {@code service.ranking}, {@code service.id}). */
    public void add(S service, Map<String, ?> properties) {
        Object node = properties.get(NODE_NAME);
        if (node == null || node.toString().isEmpty()) {
            return;
        }
        int ranking = properties.get("service.ranking") instanceof Integer i ? i : 0;
        long id = properties.get("service.id") instanceof Long l ? l : Long.MAX_VALUE;
        entries.add(new Entry<>(service, node.toString(), ranking, id));
    }

    public void remove(S service) {
        entries.removeIf(e -> e.service() == service);
    }

    public Optional<S> forNode(String node) {
        return entries.stream().filter(e -> e.node().equals(node)).min(preferred).map(Entry::service);
    }
}
