package io.karst.controllers.podautoscaler;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ListOptions;
import io.karst.api.client.ObjectList;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.controllers.resourcequota.Quantities;

/**
 * Reads the pods' usage from {@code metrics.k8s.io/v1beta1} as upstream's resource metrics client: the sum over a
 * pod's containers (or one named container) in milli-units; a pod with a container that lacks the resource is left
 * out.
 */
final class ResourceMetricsClient {
    static final ResourceKey POD_METRICS = new ResourceKey("metrics.k8s.io", "v1beta1", "pods");

    private final ResourceClient client;

    ResourceMetricsClient(ResourceClient client) {
        this.client = client;
    }

    /** @param container a container name for ContainerResource metrics, null for the whole pod */
    Map<String, PodMetric> podMetrics(String namespace, String selector, String resource, String container)
            throws MetricFailure {
        ObjectList list;
        try {
            list = client.resource(POD_METRICS).inNamespace(namespace)
                    .list(new ListOptions(selector, "", "", "", 0, "", false, 0, null));
        } catch (ResourceException e) {
            throw new MetricFailure("", "unable to get metrics for resource " + resource
                    + ": unable to fetch metrics from resource metrics API: " + e.getMessage());
        }
        if (list.items().isEmpty()) {
            throw new MetricFailure("", "unable to get metrics for resource " + resource
                    + ": no metrics returned from resource metrics API");
        }
        Map<String, PodMetric> metrics = new HashMap<>();
        for (ObjectNode item : list.items()) {
            long total = 0;
            boolean missing = false;
            boolean found = container == null;
            for (JsonNode c : item.path("containers")) {
                if (container != null && !c.path("name").asText().equals(container)) {
                    continue;
                }
                found = true;
                BigDecimal value = Quantities.parse(c.path("usage").get(resource));
                if (value == null) {
                    missing = true;
                    break;
                }
                total += value.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
            }
            if (!missing && found) {
                metrics.put(item.path("metadata").path("name").asText(), new PodMetric(total,
                        Instant.parse(item.path("timestamp").asText()), window(item.path("window").asText(""))));
            }
        }
        if (container != null && metrics.isEmpty()) {
            throw new MetricFailure("", "unable to get metrics for resource " + resource + ": container "
                    + container + " not present in metrics for any pod");
        }
        return metrics;
    }

    /** A Go duration as metrics-server writes windows ({@code 15s}, {@code 1m0s}, {@code 14.5s}). */
    static Duration window(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:([\\d.]+)s)?")
                .matcher(text);
        if (text.isEmpty() || !m.matches()) {
            return Duration.ZERO;
        }
        Duration d = Duration.ZERO;
        if (m.group(1) != null) {
            d = d.plusHours(Long.parseLong(m.group(1)));
        }
        if (m.group(2) != null) {
            d = d.plusMinutes(Long.parseLong(m.group(2)));
        }
        if (m.group(3) != null) {
            d = d.plusMillis(new BigDecimal(m.group(3)).movePointRight(3).longValue());
        }
        return d;
    }
}
