package io.karst.apiserver.metrics;

import java.time.Clock;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.endpoint.ApiResponse;
import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.apiserver.endpoint.SubresourceHandler;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * {@code metrics.k8s.io/v1beta1} {@code nodes}: a NodeMetrics per stored Node with a usage in the last scrapes,
 * labelled as its Node, as metrics-server answers (a Node without a usage is left out of lists and is a 404 of
 * {@code nodemetrics.metrics.k8s.io} when asked by name; a missing Node is {@code node "x" not found}).
 */
public final class NodeMetricsEndpoint implements SubresourceHandler {
    private final ObjectStore store;
    private final ResourceType nodes;
    private final ScrapedMetrics metrics;
    private final Clock clock;

    public NodeMetricsEndpoint(ObjectStore store, ResourceType nodes, ScrapedMetrics metrics, Clock clock) {
        this.store = store;
        this.nodes = nodes;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public ApiResponse handle(ResourceRequest request) {
        MetricsVerbs.requireRead(request);
        if (request.name() != null) {
            // metrics-server's node lister answers for a missing Node, naming it in the singular as listers do
            ObjectNode node = store.find(nodes, null, request.name())
                    .orElseThrow(() -> ApiException.notFound("node", "", request.name()));
            return new ApiResponse.Body(200, metricsOf(node).orElseThrow(
                    () -> ApiException.notFound("nodemetrics", MetricsResources.GROUP, request.name())));
        }
        MetricsSelection selection = MetricsSelection.of(request.query(), false);
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        store.forEach(nodes, null, node -> {
            if (selection.matches(node)) {
                metricsOf(node).ifPresent(items::add);
            }
        });
        return new ApiResponse.Body(200, MetricsVerbs.list(MetricsResources.NODES, items));
    }

    private Optional<ObjectNode> metricsOf(ObjectNode node) {
        String name = node.path("metadata").path("name").asText();
        return metrics.node(name).map(usage -> {
            ObjectNode out = MetricsVerbs.object(MetricsResources.NODES, node, clock);
            out.put("timestamp", usage.timestamp().toString());
            out.put("window", UsageFormat.window(usage.window()));
            out.set("usage", UsageFormat.usage(usage));
            return out;
        });
    }
}
