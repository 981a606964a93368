package io.karst.controllers.resourcequota;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.client.ResourceKey;

/**
 * Upstream's quota scopes: an unscoped quota covers every object; a scoped one covers only pods that match all of
 * its scopes (Terminating, NotTerminating, BestEffort, NotBestEffort, and PriorityClass through
 * {@code scopeSelector}).
 */
final class QuotaScopes {
    private QuotaScopes() {
    }

    static boolean match(JsonNode quota, ResourceKey resource, JsonNode object) {
        List<JsonNode> requirements = new ArrayList<>();
        quota.path("spec").path("scopes").forEach(s -> requirements.add(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                        .put("scopeName", s.asText()).put("operator", "Exists")));
        quota.path("spec").path("scopeSelector").path("matchExpressions").forEach(requirements::add);
        if (requirements.isEmpty()) {
            return true;
        }
        if (!resource.group().isEmpty() || !resource.resource().equals("pods")) {
            return false;
        }
        for (JsonNode requirement : requirements) {
            if (!matches(requirement, object)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(JsonNode requirement, JsonNode pod) {
        String scope = requirement.path("scopeName").asText();
        String operator = requirement.path("operator").asText("Exists");
        return switch (scope) {
            case "Terminating" -> pod.path("spec").hasNonNull("activeDeadlineSeconds");
            case "NotTerminating" -> !pod.path("spec").hasNonNull("activeDeadlineSeconds");
            case "BestEffort" -> bestEffort(pod);
            case "NotBestEffort" -> !bestEffort(pod);
            case "PriorityClass" -> {
                String priorityClass = pod.path("spec").path("priorityClassName").asText("");
                List<String> values = new ArrayList<>();
                requirement.path("values").forEach(v -> values.add(v.asText()));
                yield switch (operator) {
                    case "In" -> values.contains(priorityClass);
                    case "NotIn" -> !values.contains(priorityClass);
                    case "Exists" -> !priorityClass.isEmpty();
                    case "DoesNotExist" -> priorityClass.isEmpty();
                    default -> false;
                };
            }
            default -> false;
        };
    }

    /** No container requests or limits anything (upstream's BestEffort QoS class). */
    private static boolean bestEffort(JsonNode pod) {
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode c : pod.path("spec").path(list)) {
                if (!c.path("resources").path("requests").isEmpty() || !c.path("resources").path("limits").isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }
}
