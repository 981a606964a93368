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
 * {@code metrics.k8s.io/v1beta1} {@code pods}, in one namespace or across all: a PodMetrics per stored Pod whose
 * containers all have a usage in the last scrapes, labelled as its Pod, as metrics-server answers (by name: 404 of
 * {@code pods} for a missing Pod, of {@code podmetrics.metrics.k8s.io} "namespace/name" for one without usage).
 */
public final class PodMetricsEndpoint implements SubresourceHandler {
    private final ObjectStore store;
    private final ResourceType pods;
    private final ScrapedMetrics metrics;
    private final Clock clock;

    public PodMetricsEndpoint(ObjectStore store, ResourceType pods, ScrapedMetrics metrics, Clock clock) {
        this.store = store;
        this.pods = pods;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public ApiResponse handle(ResourceRequest request) {
        MetricsVerbs.requireRead(request);
        if (request.name() != null) {
            ObjectNode pod = store.get(pods, request.namespace(), request.name());
            return new ApiResponse.Body(200, metricsOf(pod).orElseThrow(() -> ApiException.notFound("podmetrics",
                    MetricsResources.GROUP, request.namespace() + "/" + request.name())));
        }
        MetricsSelection selection = MetricsSelection.of(request.query(), true);
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        store.forEach(pods, request.namespace(), pod -> {
            if (selection.matches(pod)) {
                metricsOf(pod).ifPresent(items::add);
            }
        });
        return new ApiResponse.Body(200, MetricsVerbs.list(MetricsResources.PODS, items));
    }

    private Optional<ObjectNode> metricsOf(ObjectNode pod) {
        String namespace = pod.path("metadata").path("namespace").asText();
        String name = pod.path("metadata").path("name").asText();
        return metrics.pod(namespace, name).map(usage -> {
            ObjectNode out = MetricsVerbs.object(MetricsResources.PODS, pod, clock);
            out.put("timestamp", usage.timestamp().toString());
            out.put("window", UsageFormat.window(usage.window()));
            ArrayNode containers = out.putArray("containers");
            usage.containers().forEach((container, u) -> {
                ObjectNode c = containers.addObject();
                c.put("name", container);
                c.set("usage", UsageFormat.usage(u));
            });
            return out;
        });
    }
}
