package io.karst.controller.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);

    private final Controller controller;
    private final ResourceClient client;
    private final ScheduledExecutorService timers;
    private final String host;
    private final Clock clock;
    private final Executor eventWriter;

    private Running running;
    private volatile String lastError;
    private volatile Instant lastErrorTime;

    /** What one start created; discarded by stop. */
    private final class Running implements ControllerContext {
        final RateLimitedQueue queue = new RateLimitedQueue(timers);
        final List<HandlerRegistration> handlers = new ArrayList<>();
        final List<Informer> informers = new ArrayList<>();
        final List<Thread> workers = new ArrayList<>();
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
    HostedController(Controller controller, ResourceClient client, ScheduledExecutorService timers, String host,
            Clock clock) {
        this(controller, client, timers, host, clock, null);
    }

    /** @param eventWriter writes its Events off the controller's threads; null to write them in them */
    HostedController(Controller controller, ResourceClient client, ScheduledExecutorService timers, String host,
            Clock clock, Executor eventWriter) {
        this.eventWriter = eventWriter;
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
        for (int i = 0; i < Math.max(1, controller.workers()); i++) {
            Thread worker = new Thread(() -> work(run), "karst-controller-" + controller.name() + "-" + i);
            worker.setDaemon(true);
            run.workers.add(worker);
            worker.start();
        }
        LOG.info("Controller {} started", controller.name());
    }

    synchronized void stop() {
        Running run = running;
        if (run == null) {
            return;
        }
        running = null;
        run.queue.shutDown();
        run.handlers.forEach(HandlerRegistration::close);
        for (Thread worker : run.workers) {
            worker.interrupt();
        }
        try {
            controller.stop();
        } catch (RuntimeException e) {
            LOG.warn("Controller {} failed to stop cleanly", controller.name(), e);
        }
        for (Thread worker : run.workers) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
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

    private void work(Running run) {
        try {
            // the controller's first reconcile must see complete caches, as client-go's WaitForCacheSync ensures
            for (Informer informer : List.copyOf(run.informers)) {
                if (!informer.waitForSync(SYNC_TIMEOUT)) {
                    LOG.warn("Controller {}: informer {} not synced after {} s, starting anyway", controller.name(),
                            informer.key(), SYNC_TIMEOUT.toSeconds());
                }
            }
            String key;
            while ((key = run.queue.take()) != null) {
                reconcile(run.queue, key);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reconcile(RateLimitedQueue queue, String key) {
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
