package io.karst.controller.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.client.HandlerRegistration;
import io.karst.api.client.Informer;
import io.karst.api.client.InformerFactory;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.ControllerStatus;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ReconcileResult;
import io.karst.api.controller.WorkQueue;

/**
 * One controller while it runs on this server: its queue, its workers and the informer handlers it added. Started
 * when leadership is gained (or the controller appears while leading), stopped when either ends; a new start
 * gets a fresh queue and context.
 */
final class HostedController {
    private static final Logger LOG = LoggerFactory.getLogger(HostedController.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Controller controller;
    private final ResourceClient client;
    private final ScheduledExecutorService timers;
    private final String host;
    private final Clock clock;
    private final Executor eventWriter;
    private final Executor workerPool;

    private Running running;
    private volatile String lastError;
    private volatile Instant lastErrorTime;

    /** What one start created; discarded by stop. */
    private final class Running implements ControllerContext {
        final ControllerWorkers workers = new ControllerWorkers(controller.name(), controller.workers(), workerPool,
                timers, key -> reconcile(this, key));
        final RateLimitedQueue queue = workers.queue();
        final List<HandlerRegistration> handlers = new ArrayList<>();
        final List<Informer> informers = new ArrayList<>();
        final EventRecorder events = new ClusterEventRecorder(client, controller.eventSource(), host,
                clock, eventWriter);

        @Override
        public ResourceClient client() {
            return client;
        }

        @Override
        public InformerFactory informers() {
            return client.informers();
        }

        @Override
        public synchronized void handle(Informer informer, ResourceEventHandler handler) {
            handlers.add(informer.addEventHandler(handler));
            informers.add(informer);
        }

        @Override
        public WorkQueue queue() {
            return queue;
        }

        @Override
        public EventRecorder events() {
            return events;
        }
    }

    /** A controller whose Events are written before its {@code event} calls return. */
    HostedController(Controller controller, ResourceClient client, ScheduledExecutorService timers,
            Executor workerPool, String host, Clock clock) {
        this(controller, client, timers, workerPool, host, clock, null);
    }

    /**
     * @param workerPool lends the threads its reconciles run on; it must start a thread whenever none is free
     * @param eventWriter writes its Events off the controller's threads; null to write them in them
     */
    HostedController(Controller controller, ResourceClient client, ScheduledExecutorService timers,
            Executor workerPool, String host, Clock clock, Executor eventWriter) {
        this.eventWriter = eventWriter;
        this.workerPool = workerPool;
        this.controller = controller;
        this.client = client;
        this.timers = timers;
        this.host = host;
        this.clock = clock;
    }

    String name() {
        return controller.name();
    }

    synchronized void start() {
        if (running != null) {
            return;
        }
        Running run = new Running();
        running = run;
        try {
            controller.start(run);
        } catch (RuntimeException e) {
            failed("start", e);
            stop();
            return;
        }
        run.informers.forEach(Informer::start);
        run.workers.start(List.copyOf(run.informers));
        LOG.info("Controller {} started", controller.name());
    }

    synchronized void stop() {
        Running run = running;
        if (run == null) {
            return;
        }
        running = null;
        run.workers.stop();
        run.handlers.forEach(HandlerRegistration::close);
        try {
            controller.stop();
        } catch (RuntimeException e) {
            LOG.warn("Controller {} failed to stop cleanly", controller.name(), e);
        }
        try {
            if (!run.workers.awaitStopped(STOP_TIMEOUT)) {
                LOG.warn("Controller {}: reconciles still running {} s after stop", controller.name(),
                        STOP_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Controller {} stopped", controller.name());
    }

    ControllerStatus status() {
        Running run;
        synchronized (this) {
            run = running;
        }
        return new ControllerStatus(controller.name(), run != null, run == null ? 0 : run.queue.depth(), lastError,
                lastErrorTime);
    }

    private void reconcile(Running run, String key) {
        RateLimitedQueue queue = run.queue;
        try {
            ReconcileResult result = controller.reconcile(key);
            queue.forget(key);
            if (result != null && result.requeueAfter() != null) {
                queue.addAfter(key, result.requeueAfter());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failed(key, e);
            queue.addRateLimited(key);
        } finally {
            queue.done(key);
        }
    }

    private void failed(String key, Exception e) {
        lastError = key + ": " + e.getMessage();
        lastErrorTime = clock.instant();
        LOG.info("Controller {} failed to reconcile {}: {}", controller.name(), key, e.getMessage());
        LOG.debug("Controller {} failure", controller.name(), e);
    }
}
