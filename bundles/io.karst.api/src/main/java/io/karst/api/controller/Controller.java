package io.karst.api.controller;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A reconciler, registered as a service; the controller runtime runs it while this server leads. The runtime calls
 * {@link #start} with a fresh context each time leadership is gained, then {@link #reconcile} for each key taken
 * from the context's queue, never for one key on two threads at once. Reconciling is idempotent: it reads the
 * current state (the informers' listers or the client) and acts towards the desired one, whatever happened before.
 */
@ConsumerType
public interface Controller {

    /** Service property with the controller's name, shown by {@code karst:controllers}. */
    String NAME = "karst.controller.name";

    /** Upstream's name of the controller, e.g. {@code namespace}, {@code garbage-collector}. */
    String name();

    /**
     * The component its Events name as their source ({@code source.component}, {@code reportingComponent}):
     * upstream's {@code <name>-controller} by default; the scheduler's is {@code default-scheduler}.
     */
    default String eventSource() {
        return name() + "-controller";
    }

    /** How many keys are reconciled at once (upstream's {@code --concurrent-*-syncs}). */
    default int workers() {
        return 1;
    }

    /**
     * Wires the controller: adds informer event handlers (through {@link ControllerContext#handle}) that put keys
     * into {@link ControllerContext#queue}. The runtime starts the informers and waits for their initial lists
     * before the first {@link #reconcile}.
     */
    void start(ControllerContext context);

    /**
     * Brings the object named by {@code key} ({@code namespace/name}, or {@code name}) to its desired state.
     *
     * @return {@link ReconcileResult#DONE}, or when to look at the key again
     * @throws Exception to have the key retried with per-key exponential backoff
     */
    ReconcileResult reconcile(String key) throws Exception;

    /** Leadership lost or the controller is going away: release what {@link #start} created beyond handlers. */
    default void stop() {
    }
}
