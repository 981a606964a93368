package io.karst.controller.runtime;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.karst.api.client.ResourceClient;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerStatus;

/**
 * One controller run by the runtime's own hosting code (queue, workers, informer handlers, events), without
 * leader election: for tests of controllers in other bundles (shipped in this bundle's test-jar).
 */
public final class RunningController implements AutoCloseable {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "running-controller-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final ExecutorService workerPool = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "running-controller-worker");
        thread.setDaemon(true);
        return thread;
    });
    private final HostedController hosted;

    public RunningController(Controller controller, ResourceClient client) {
        hosted = new HostedController(controller, client, timers, workerPool, "test-host", Clock.systemUTC());
        hosted.start();
    }

    public ControllerStatus status() {
        return hosted.status();
    }

    @Override
    public void close() {
        hosted.stop();
        timers.shutdownNow();
        workerPool.shutdownNow();
    }
}
