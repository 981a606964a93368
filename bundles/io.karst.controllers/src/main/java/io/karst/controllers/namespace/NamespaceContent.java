package io.karst.controllers.namespace;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ApiResource;
import io.karst.api.client.DeleteOptions;
import io.karst.api.client.DeletionPropagation;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ObjectList;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceOperations;

/**
 * Deletes everything in one namespace, resource by resource (the preferred version of each namespaced resource that
 * can be listed and deleted), and reports what is left: objects per resource, objects per finalizer, failures, and
 * how long terminating pods may still take — upstream's {@code deleteAllContent}.
 */
final class NamespaceContent {
    /** What one pass left behind. */
    record Remaining(Map<String, Integer> objects, Map<String, Integer> finalizers, List<String> failures,
            Duration podGrace) {
        boolean none() {
            return objects.isEmpty() && failures.isEmpty();
        }
    }

    private final ResourceClient client;

    NamespaceContent(ResourceClient client) {
        this.client = client;
    }

    Remaining delete(String namespace, Instant now) {
        Map<String, Integer> objects = new HashMap<>();
        Map<String, Integer> finalizers = new HashMap<>();
        List<String> failures = new ArrayList<>();
        Duration podGrace = Duration.ZERO;
        for (ApiResource resource : client.resources()) {
            if (!resource.namespaced() || !resource.preferred() || !resource.supports("list")
                    || !(resource.supports("delete") || resource.supports("deletecollection"))) {
                continue;
            }
            String name = resource.resource() + "." + resource.group();
            ResourceOperations operations = client.resource(resource.key()).inNamespace(namespace);
            try {
                deleteAll(resource, operations);
                List<ObjectNode> left = listAll(operations);
                if (!left.isEmpty()) {
                    objects.put(name, left.size());
                    for (ObjectNode object : left) {
                        for (JsonNode finalizer : object.path("metadata").path("finalizers")) {
                            finalizers.merge(finalizer.asText(), 1, Integer::sum);
                        }
                        if (resource.group().isEmpty() && resource.resource().equals("pods")) {
                            podGrace = max(podGrace, remainingGrace(object, now));
                        }
                    }
                }
            } catch (ResourceException e) {
                failures.add(name + ": " + e.getMessage());
            }
        }
        return new Remaining(objects, finalizers, failures, podGrace);
    }

    private static void deleteAll(ApiResource resource, ResourceOperations operations) {
        DeleteOptions background = DeleteOptions.NONE.withPropagationPolicy(DeletionPropagation.BACKGROUND);
        if (resource.supports("deletecollection")) {
            operations.deleteCollection(ListOptions.NONE, background);
            return;
        }
        for (ObjectNode object : listAll(operations)) {
            if (object.path("metadata").has("deletionTimestamp")) {
                continue;
            }
            try {
                operations.delete(object.path("metadata").path("name").asText(), background);
            } catch (ResourceException e) {
                if (!e.isNotFound()) {
                    throw e;
                }
            }
        }
    }

    private static List<ObjectNode> listAll(ResourceOperations operations) {
        List<ObjectNode> all = new ArrayList<>();
        ListOptions options = ListOptions.NONE.withLimit(500);
        while (true) {
            ObjectList page = operations.list(options);
            all.addAll(page.items());
            if (!page.hasMore()) {
                return all;
            }
            options = options.withContinue(page.continueToken());
        }
    }

    /** How long a terminating pod may still take: its deletionTimestamp is when its grace period ends. */
    private static Duration remainingGrace(ObjectNode pod, Instant now) {
        String deadline = pod.path("metadata").path("deletionTimestamp").asText("");
        if (deadline.isEmpty()) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, Instant.parse(deadline));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
