package io.karst.api.controller;

import org.osgi.annotation.versioning.ProviderType;

import io.karst.api.client.Informer;
import io.karst.api.client.InformerFactory;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;

/** What a controller works with while it runs; valid until leadership is lost or the controller stops. */
@ProviderType
public interface ControllerContext {

    /** The in-process API client the controller acts through. */
    ResourceClient client();

    /** The process's shared informers (one watch per resource for all controllers). */
    InformerFactory informers();

    /** Adds {@code handler} to {@code informer}; the runtime removes it when the controller stops. */
    void handle(Informer informer, ResourceEventHandler handler);

    /** This controller's work queue. */
    WorkQueue queue();

    /** Records Kubernetes Events as this controller. */
    EventRecorder events();
}
