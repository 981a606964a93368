package io.karst.kubelet.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.node.ContainerRuntime;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * One worker per running container and probe kind, as upstream's prober manager: each probe runs every
 * {@code periodSeconds} after {@code initialDelaySeconds}, a result counts once {@code successThreshold} or
 * {@code failureThreshold} consecutive runs agree, liveness and readiness wait for the startup probe, readiness
 * starts as failed, and a liveness or startup failure asks the pod worker to restart the container.
 */
public final class ProbeManager implements AutoCloseable {
    /** What the pod workers hear from the probes. */
    public interface Listener {
        /** A readiness or startup result changed: the pod's status needs writing. */
        void changed(String podUid);

        /** A liveness or startup probe failed for good: the container must be restarted. */
        void failed(JsonNode pod, String container, String containerId, ProbeKind kind, String output);

        /** One probe run failed (upstream's Unhealthy event). */
        void unhealthy(JsonNode pod, String container, ProbeKind kind, String output);
    }

    private final Prober prober;
    /**
     * HTTP and gRPC probes' connections: one thread is plenty, each probe is one short exchange; the thread starts
     * with the first such probe
     */
    private final EventLoopGroup probeLoop;
    private final ScheduledExecutorService executor;
    private final Listener listener;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();

    public ProbeManager(ContainerRuntime runtime, ScheduledExecutorService executor, Listener listener) {
        this.probeLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("kubelet-prober", true),
                NioIoHandler.newFactory());
        this.prober = new Prober(runtime, probeLoop);
        this.executor = executor;
        this.listener = listener;
    }

    /**
     * Starts the probes of a running container, once; a no-op for those already running.
     *
     * @param startedAt when the container started; asked only when a probe worker is made, since it costs a
     *                  runtime call
     */
    public void ensure(JsonNode pod, JsonNode container, String containerId, String podIp,
            Supplier<Instant> startedAt) {
        for (ProbeKind kind : ProbeKind.values()) {
            JsonNode probe = container.path(kind.field);
            if (probe.isMissingNode() || probe.isNull()) {
                continue;
            }
            workers.computeIfAbsent(containerId + "/" + kind, k -> {
                Worker worker = new Worker(pod, container, containerId, podIp, kind, probe);
                long delay = Math.max(0, Duration.between(Instant.now(),
                        startedAt.get().plusSeconds(probe.path("initialDelaySeconds").asLong(0))).toMillis());
                long period = Math.max(1, probe.path("periodSeconds").asLong(10)) * 1000;
                worker.future = executor.scheduleWithFixedDelay(worker::run, delay, period, TimeUnit.MILLISECONDS);
                return worker;
            });
        }
    }

    /** Stops the probes of a container that is gone or restarting. */
    public void forget(String containerId) {
        workers.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(containerId + "/")) {
                e.getValue().stop();
                return true;
            }
            return false;
        });
    }

    public void forgetPod(String podUid) {
        workers.entrySet().removeIf(e -> {
            if (e.getValue().podUid.equals(podUid)) {
                e.getValue().stop();
                return true;
            }
            return false;
        });
    }

    /**
     * Whether the startup probe has passed: true for a container without one; false for one whose probe has not
     * run yet (its worker may not exist yet when the status is written), as upstream's kubelet starts it.
     */
    public boolean started(String containerId, JsonNode container) {
        Worker startup = workers.get(containerId + "/" + ProbeKind.STARTUP);
        return startup == null ? !hasProbe(container, ProbeKind.STARTUP) : startup.passed;
    }

    /** Whether the readiness probe passes once started: true without one, false before it first passed. */
    public boolean ready(String containerId, JsonNode container) {
        if (!started(containerId, container)) {
            return false;
        }
        Worker readiness = workers.get(containerId + "/" + ProbeKind.READINESS);
        return readiness == null ? !hasProbe(container, ProbeKind.READINESS) : readiness.passed;
    }

    private static boolean hasProbe(JsonNode container, ProbeKind kind) {
        JsonNode probe = container.path(kind.field);
        return !probe.isMissingNode() && !probe.isNull();
    }

    public void stopAll() {
        workers.values().forEach(Worker::stop);
        workers.clear();
    }

    /** Stops every probe and the gRPC probes' event loop. */
    @Override
    public void close() {
        stopAll();
        probeLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    private final class Worker {
        final JsonNode pod;
        final JsonNode container;
        final String containerId;
        final String podUid;
        final String podIp;
        final ProbeKind kind;
        final JsonNode probe;
        volatile boolean passed;
        volatile ScheduledFuture<?> future;
        volatile boolean stopped;
        int successes;
        int failures;

        Worker(JsonNode pod, JsonNode container, String containerId, String podIp, ProbeKind kind, JsonNode probe) {
            this.pod = pod;
            this.container = container;
            this.containerId = containerId;
            this.podUid = pod.path("metadata").path("uid").asText();
            this.podIp = podIp;
            this.kind = kind;
            this.probe = probe;
            this.passed = kind == ProbeKind.LIVENESS;
        }

        void run() {
            if (stopped || (kind != ProbeKind.STARTUP && !started(containerId, container))) {
                return;
            }
            if (kind == ProbeKind.STARTUP && passed) {
                return; // a startup probe stops once it passed
            }
            Prober.Result result = prober.run(probe, container, containerId, podIp);
            if (stopped) {
                return;
            }
            if (result.success()) {
                failures = 0;
                successes++;
                if (!passed && successes >= Math.max(1, probe.path("successThreshold").asInt(1))) {
                    passed = true;
                    listener.changed(podUid);
                }
                return;
            }
            successes = 0;
            failures++;
            listener.unhealthy(pod, container.path("name").asText(), kind, result.output());
            if (failures >= Math.max(1, probe.path("failureThreshold").asInt(3))) {
                if (kind == ProbeKind.READINESS) {
                    if (passed) {
                        passed = false;
                        listener.changed(podUid);
                    }
                } else {
                    passed = false;
                    stop();
                    listener.failed(pod, container.path("name").asText(), containerId, kind, result.output());
                }
            }
        }

        void stop() {
            stopped = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
