package io.karst.controller.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.client.ResourceClient;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerRuntime;
import io.karst.api.controller.ControllerStatus;

/**
 * Hosts every {@link Controller} service: competes for the controller-manager Lease through the in-process
 * client and, while it leads, runs each controller (one that appears later starts at once, one that goes away
 * stops). Losing the Lease or stopping the bundle stops them all; stopping also releases the Lease so another
 * server takes over without waiting for it to expire.
 */
@Component(service = ControllerRuntime.class, immediate = true,
        configurationPid = ControllerRuntimeComponent.PID)
@Designate(ocd = ControllerRuntimeConfig.class)
public final class ControllerRuntimeComponent implements ControllerRuntime {
    static final String PID = "io.karst.controller.runtime";
    private static final Logger LOG = LoggerFactory.getLogger(ControllerRuntimeComponent.class);

    private final ResourceClient client;
    private final String identity;
    private final ScheduledThreadPoolExecutor timers;
    /** Writes the controllers' Events (each recorder's in order), so no controller waits for one. */
    private final ExecutorService eventWriters;
    /**
     * Lends threads to the controllers' reconciles while they have keys (see {@link ControllerWorkers}): a thread
     * is started whenever none is free, and one idle for 30 s ends.
     */
    private final ExecutorService workerPool;
    private final LeaderElection election;
    private final Map<Controller, HostedController> controllers = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();
    private final String host;
    /** Guarded by {@code controllers}: whether the hosted controllers should be running. */
    private boolean leading;

    @Activate
    public ControllerRuntimeComponent(@Reference(target = "(karst.client=local)") ResourceClient client,
            ControllerRuntimeConfig config) {
        this.client = client;
        this.host = hostName();
        this.identity = host + "_" + UUID.randomUUID();
        AtomicInteger threads = new AtomicInteger();
        this.timers = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "karst-controller-runtime-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        AtomicInteger writers = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "karst-controller-events-" + writers.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true); // idle clusters keep no writer threads
        this.eventWriters = pool;
        AtomicInteger workers = new AtomicInteger();
        this.workerPool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "karst-controller-worker-" + workers.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.election = new LeaderElection(client, "kube-system", config.lease_name(), identity,
                Duration.ofSeconds(Math.max(1, config.lease_duration_seconds())),
                Duration.ofSeconds(Math.max(1, config.renew_deadline_seconds())), clock, new LeaderElection.Callbacks() {
                    @Override
                    public void startedLeading() {
                        synchronized (controllers) {
                            leading = true;
                            controllers.values().forEach(HostedController::start);
                        }
                    }

                    @Override
                    public void stoppedLeading() {
                        synchronized (controllers) {
                            leading = false;
                            controllers.values().forEach(HostedController::stop);
                        }
                    }
                });
        long retry = Math.max(1, config.retry_period_seconds());
        timers.scheduleWithFixedDelay(election::tick, 0, retry, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        timers.shutdownNow();
        eventWriters.shutdownNow();
        try {
            timers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (controllers) {
            leading = false;
            controllers.values().forEach(HostedController::stop);
        }
        workerPool.shutdownNow();
        election.release();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addController(Controller controller) {
        HostedController hosted = new HostedController(controller, client, timers, workerPool, host, clock,
                eventWriters);
        synchronized (controllers) {
            controllers.put(controller, hosted);
            LOG.info("Controller {} registered", controller.name());
            if (leading) {
                hosted.start();
            }
        }
    }

    void removeController(Controller controller) {
        HostedController hosted;
        synchronized (controllers) {
            hosted = controllers.remove(controller);
        }
        if (hosted != null) {
            hosted.stop();
        }
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public boolean leading() {
        return election.leading();
    }

    @Override
    public String leader() {
        return election.holder();
    }

    @Override
    public List<ControllerStatus> controllers() {
        List<ControllerStatus> all = new ArrayList<>();
        controllers.values().forEach(c -> all.add(c.status()));
        all.sort(Comparator.comparing(ControllerStatus::name));
        return all;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "karst";
        }
    }
}
