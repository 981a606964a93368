package io.karst.apiserver.authorization;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.apiserver.selection.LabelSelector;

/**
 * Upstream's clusterrole-aggregation controller: a ClusterRole with an {@code aggregationRule} gets the rules of
 * every ClusterRole its selectors match (in name order, each rule once), rewritten whenever any ClusterRole
 * changes, so {@code admin}, {@code edit} and {@code view} follow the {@code aggregate-to-*} roles.
 */
public final class ClusterRoleAggregation implements ResourceEventHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRoleAggregation.class);

    private final Supplier<List<ObjectNode>> clusterRoles;
    private final ResourceClient client;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean queued = new AtomicBoolean();

    public ClusterRoleAggregation(Supplier<List<ObjectNode>> clusterRoles, ResourceClient client,
            ScheduledExecutorService executor) {
        this.clusterRoles = clusterRoles;
        this.client = client;
        this.executor = executor;
    }

    @Override
    public void onAdd(ObjectNode object) {
        schedule();
    }

    @Override
    public void onUpdate(ObjectNode old, ObjectNode current) {
        schedule();
    }

    @Override
    public void onDelete(ObjectNode lastKnown, boolean finalStateUnknown) {
        schedule();
    }

    /** Coalesces a burst of changes (the bootstrap writes dozens of roles) into one pass. */
    private void schedule() {
        if (queued.compareAndSet(false, true)) {
            executor.schedule(this::reconcileAll, 100, TimeUnit.MILLISECONDS);
        }
    }

    void reconcileAll() {
        queued.set(false);
        List<ObjectNode> all = new ArrayList<>(clusterRoles.get());
        all.sort(Comparator.comparing(r -> r.path("metadata").path("name").asText()));
        for (ObjectNode role : all) {
            if (!role.path("aggregationRule").path("clusterRoleSelectors").isArray()) {
                continue;
            }
            ArrayNode wanted = aggregatedRules(role, all);
            JsonNode current = role.path("rules").isArray() ? role.get("rules")
                    : JsonNodeFactory.instance.arrayNode();
            if (!wanted.equals(current)) {
                String name = role.path("metadata").path("name").asText();
                try {
                    ObjectNode patch = JsonNodeFactory.instance.objectNode();
                    patch.set("rules", wanted);
                    client.resource(RbacKeys.CLUSTER_ROLES).patch(name, PatchTypes.MERGE_PATCH, patch);
                } catch (RuntimeException e) {
                    LOG.warn("cannot aggregate the rules of ClusterRole {}: {}", name, e.toString());
                    schedule();
                }
            }
        }
    }

    /** The union, each rule once, of the rules of the ClusterRoles the role's selectors match. */
    static ArrayNode aggregatedRules(ObjectNode role, List<ObjectNode> all) {
        ArrayNode rules = JsonNodeFactory.instance.arrayNode();
        String self = role.path("metadata").path("name").asText();
        for (JsonNode selector : role.path("aggregationRule").path("clusterRoleSelectors")) {
            LabelSelector matcher;
            try {
                matcher = LabelSelector.fromLabelSelector(selector);
            } catch (RuntimeException e) {
                continue;
            }
            for (ObjectNode other : all) {
                if (other.path("metadata").path("name").asText().equals(self)) {
                    continue;
                }
                if (matcher.matches(labels(other))) {
                    for (JsonNode rule : other.path("rules")) {
                        if (!contains(rules, rule)) {
                            rules.add(rule.deepCopy());
                        }
                    }
                }
            }
        }
        return rules;
    }

    private static boolean contains(ArrayNode rules, JsonNode rule) {
        for (JsonNode r : rules) {
            if (r.equals(rule)) {
                return true;
            }
        }
        return false;
    }

    private static java.util.Map<String, String> labels(JsonNode object) {
        java.util.Map<String, String> labels = new java.util.HashMap<>();
        object.path("metadata").path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }
}
