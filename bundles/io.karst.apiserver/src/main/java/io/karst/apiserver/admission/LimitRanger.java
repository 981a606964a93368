package io.karst.apiserver.admission;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.cache.CachedReads;
import io.karst.apiserver.validation.Quantity;

/**
 * Upstream's LimitRanger admission for new pods and claims: the namespace's LimitRanges give containers the
 * {@code default} limits and {@code defaultRequest} requests they leave out (recorded in the pod's
 * {@code kubernetes.io/limit-ranger} annotation), then every {@code min}, {@code max} and
 * {@code maxLimitRequestRatio} of type Container, Pod or PersistentVolumeClaim must hold, or the object is refused
 * with upstream's messages.
 */
final class LimitRanger {
    static final String ANNOTATION = "kubernetes.io/limit-ranger";

    private final CachedReads reads;
    private final ResourceType limitRanges;

    LimitRanger(CachedReads reads, ResourceType limitRanges) {
        this.reads = reads;
        this.limitRanges = limitRanges;
    }

    /** Defaults and checks a new pod; the refusal's message when a limit does not hold. */
    Optional<String> admitPod(ObjectNode pod) {
        List<JsonNode> items = items(pod.path("metadata").path("namespace").asText());
        if (items.isEmpty()) {
            return Optional.empty();
        }
        applyDefaults(pod, items);
        List<String> errors = new ArrayList<>();
        for (JsonNode item : items) {
            String type = item.path("type").asText();
            if (type.equals("Container")) {
                for (String list : List.of("containers", "initContainers")) {
                    for (JsonNode c : pod.path("spec").path(list)) {
                        check(item, "Container", c.path("resources").path("requests"),
                                c.path("resources").path("limits"), errors);
                    }
                }
            } else if (type.equals("Pod")) {
                check(item, "Pod", podTotal(pod, "requests"), podTotal(pod, "limits"), errors);
            }
        }
        return refusal(errors);
    }

    /** Checks a new claim's storage request against the PersistentVolumeClaim limits. */
    Optional<String> admitClaim(ObjectNode claim) {
        List<String> errors = new ArrayList<>();
        JsonNode requests = claim.path("spec").path("resources").path("requests");
        for (JsonNode item : items(claim.path("metadata").path("namespace").asText())) {
            if (!item.path("type").asText().equals("PersistentVolumeClaim")) {
                continue;
            }
            for (Map.Entry<String, JsonNode> e : sorted(item.path("min")).entrySet()) {
                minimum("PersistentVolumeClaim", e.getKey(), e.getValue(), requests, null, errors);
            }
            for (Map.Entry<String, JsonNode> e : sorted(item.path("max")).entrySet()) {
                Quantity max = Quantity.tryParse(e.getValue());
                Quantity request = Quantity.tryParse(requests.get(e.getKey()));
                if (max == null) {
                    continue;
                }
                if (request == null) {
                    errors.add("maximum " + e.getKey() + " usage per PersistentVolumeClaim is " + max
                            + ".  No request is specified");
                } else if (request.compareTo(max) > 0) {
                    errors.add("maximum " + e.getKey() + " usage per PersistentVolumeClaim is " + max
                            + ", but request is " + request);
                }
            }
        }
        return refusal(errors);
    }

    private List<JsonNode> items(String namespace) {
        List<JsonNode> items = new ArrayList<>();
        reads.list(limitRanges, namespace).forEach(limitRange -> limitRange.path("spec").path("limits")
                .forEach(items::add));
        return items;
    }

    /** The Container items' defaults for what each container leaves out, as upstream merges them. */
    private static void applyDefaults(ObjectNode pod, List<JsonNode> items) {
        List<String> set = new ArrayList<>();
        for (String list : List.of("initContainers", "containers")) {
            String prefix = list.equals("containers") ? "container" : "init container";
            for (JsonNode c : pod.path("spec").path(list)) {
                if (!(c instanceof ObjectNode container)) {
                    continue;
                }
                ObjectNode resources = container.get("resources") instanceof ObjectNode r ? r
                        : container.putObject("resources");
                List<String> limits = new ArrayList<>();
                List<String> requests = new ArrayList<>();
                for (JsonNode item : items) {
                    if (item.path("type").asText().equals("Container")) {
                        fill(resources, "limits", item.path("default"), limits);
                        fill(resources, "requests", item.path("defaultRequest"), requests);
                    }
                }
                String name = container.path("name").asText();
                if (!requests.isEmpty()) {
                    requests.sort(null);
                    set.add(String.join(", ", requests) + " request for " + prefix + " " + name);
                }
                if (!limits.isEmpty()) {
                    limits.sort(null);
                    set.add(String.join(", ", limits) + " limit for " + prefix + " " + name);
                }
            }
        }
        if (!set.isEmpty()) {
            ObjectNode meta = (ObjectNode) pod.get("metadata");
            ObjectNode annotations = meta.get("annotations") instanceof ObjectNode a ? a
                    : meta.putObject("annotations");
            annotations.put(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", set));
        }
    }

    private static void fill(ObjectNode resources, String field, JsonNode defaults, List<String> set) {
        if (!defaults.isObject() || defaults.isEmpty()) {
            return;
        }
        ObjectNode target = resources.get(field) instanceof ObjectNode t ? t : resources.putObject(field);
        for (Iterator<Map.Entry<String, JsonNode>> it = defaults.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!target.has(e.getKey())) {
                target.set(e.getKey(), e.getValue().deepCopy());
                set.add(e.getKey());
            }
        }
    }

    private static void check(JsonNode item, String limitType, JsonNode requests, JsonNode limits,
            List<String> errors) {
        for (Map.Entry<String, JsonNode> e : sorted(item.path("min")).entrySet()) {
            minimum(limitType, e.getKey(), e.getValue(), requests, limits, errors);
        }
        for (Map.Entry<String, JsonNode> e : sorted(item.path("max")).entrySet()) {
            Quantity max = Quantity.tryParse(e.getValue());
            if (max == null) {
                continue;
            }
            Quantity limit = Quantity.tryParse(limits.get(e.getKey()));
            Quantity request = Quantity.tryParse(requests.get(e.getKey()));
            String prefix = "maximum " + e.getKey() + " usage per " + limitType + " is " + max;
            if (limit == null) {
                errors.add(prefix + ".  No limit is specified");
            } else if (limit.compareTo(max) > 0) {
                errors.add(prefix + ", but limit is " + limit);
            } else if (request != null && request.compareTo(max) > 0) {
                errors.add(prefix + ", but request is " + request);
            }
        }
        for (Map.Entry<String, JsonNode> e : sorted(item.path("maxLimitRequestRatio")).entrySet()) {
            Quantity ratio = Quantity.tryParse(e.getValue());
            if (ratio == null) {
                continue;
            }
            Quantity limit = Quantity.tryParse(limits.get(e.getKey()));
            Quantity request = Quantity.tryParse(requests.get(e.getKey()));
            String prefix = e.getKey() + " max limit to request ratio per " + limitType + " is " + ratio;
            if (request == null || request.signum() == 0) {
                errors.add(prefix + ", but no request is specified or request is 0");
            } else if (limit == null || limit.signum() == 0) {
                errors.add(prefix + ", but no limit is specified or limit is 0");
            } else {
                BigDecimal observed = new BigDecimal(limit.milliValue())
                        .divide(new BigDecimal(request.milliValue()), 6, RoundingMode.HALF_EVEN);
                if (observed.compareTo(new BigDecimal(ratio.milliValue()).movePointLeft(3)) > 0) {
                    errors.add(prefix + ", but provided ratio is " + observed.setScale(6, RoundingMode.HALF_EVEN)
                            .toPlainString());
                }
            }
        }
    }

    private static void minimum(String limitType, String resource, JsonNode enforced, JsonNode requests,
            JsonNode limits, List<String> errors) {
        Quantity min = Quantity.tryParse(enforced);
        if (min == null) {
            return;
        }
        Quantity request = Quantity.tryParse(requests.get(resource));
        Quantity limit = limits == null ? null : Quantity.tryParse(limits.get(resource));
        String prefix = "minimum " + resource + " usage per " + limitType + " is " + min;
        if (request == null) {
            errors.add(prefix + ".  No request is specified");
        } else if (request.compareTo(min) < 0) {
            errors.add(prefix + ", but request is " + request);
        } else if (limit != null && limit.compareTo(min) < 0) {
            errors.add(prefix + ", but limit is " + limit);
        }
    }

    /** A pod's total: the containers' sum, or the largest init container when that is more (upstream's rule). */
    private static JsonNode podTotal(ObjectNode pod, String field) {
        Map<String, Quantity> total = new TreeMap<>();
        for (JsonNode c : pod.path("spec").path("containers")) {
            for (Map.Entry<String, JsonNode> e : sorted(c.path("resources").path(field)).entrySet()) {
                Quantity q = Quantity.tryParse(e.getValue());
                if (q != null) {
                    total.merge(e.getKey(), q, Quantity::plus);
                }
            }
        }
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            for (Map.Entry<String, JsonNode> e : sorted(c.path("resources").path(field)).entrySet()) {
                Quantity q = Quantity.tryParse(e.getValue());
                if (q != null) {
                    total.merge(e.getKey(), q, (a, b) -> a.compareTo(b) >= 0 ? a : b);
                }
            }
        }
        ObjectNode out = pod.objectNode();
        total.forEach((k, q) -> out.put(k, q.toString()));
        return out;
    }

    private static Map<String, JsonNode> sorted(JsonNode resources) {
        Map<String, JsonNode> sorted = new TreeMap<>();
        resources.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    private static Optional<String> refusal(List<String> errors) {
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    }
}
