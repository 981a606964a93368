package io.karst.controllers.replicaset;

import java.time.Clock;

import org.osgi.service.component.annotations.Component;

import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;

/** The ReplicaSet controller (apps/v1 ReplicaSets). */
@Component(service = Controller.class, property = Controller.NAME + "=replicaset")
public final class ReplicaSetController extends ReplicaControl {
    static final ResourceKey REPLICASETS = new ResourceKey("apps", "v1", "replicasets");

    public ReplicaSetController() {
        this(Clock.systemUTC());
    }

    ReplicaSetController(Clock clock) {
        super(new Owner("replicaset", REPLICASETS, "ReplicaSet", selector -> selector), clock);
    }
}
