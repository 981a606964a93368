package io.karst.controllers.replicaset;

import java.time.Clock;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;

/**
 * Upstream's replication manager: the ReplicaSet controller's logic for core/v1 ReplicationControllers, whose
 * selector is a plain label map (the API server defaults it to the template's labels).
 */
@Component(service = Controller.class, property = Controller.NAME + "=replicationcontroller")
public final class ReplicationManager extends ReplicaControl {
    static final ResourceKey REPLICATIONCONTROLLERS = new ResourceKey("", "v1", "replicationcontrollers");

    public ReplicationManager() {
        this(Clock.systemUTC());
    }

    ReplicationManager(Clock clock) {
        super(new Owner("replicationcontroller", REPLICATIONCONTROLLERS, "ReplicationController",
                ReplicationManager::asLabelSelector), clock);
    }

    /** {@code {app: x}} → {@code {matchLabels: {app: x}}}; a missing map stays missing and selects nothing. */
    private static JsonNode asLabelSelector(JsonNode labels) {
        if (!labels.isObject()) {
            return labels;
        }
        ObjectNode selector = JsonNodeFactory.instance.objectNode();
        selector.set("matchLabels", labels);
        return selector;
    }
}
