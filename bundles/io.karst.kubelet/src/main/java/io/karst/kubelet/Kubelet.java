package io.karst.kubelet;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.karst.api.client.ResourceClient;
import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ImageService;
import io.karst.kubelet.eviction.CgroupPodUsage;
import io.karst.kubelet.eviction.DiskReclaim;
import io.karst.kubelet.eviction.EvictionManager;
import io.karst.kubelet.eviction.MachineSignals;
import io.karst.kubelet.eviction.PodUsage;
import io.karst.kubelet.eviction.SignalObserver;
import io.karst.kubelet.node.NodeAgent;
import io.karst.kubelet.pod.PodEvents;
import io.karst.kubelet.pod.PodWorkers;
import io.karst.kubelet.stats.StatsSummary;

/**
 * One node's kubelet: runs its static pods at once, registers the Node (retrying until the API takes it), then
 * heartbeats every 10 s and runs the pods bound to it; the eviction manager looks at the node's signals every 10 s
 * (upstream's housekeeping period), when it also takes the CPU readings the stats' rates come from. {@link #close} stops its threads; containers keep running, so a restarted kubelet
 * adopts them (they carry their pod's uid).
 */
public final class Kubelet implements AutoCloseable {
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    static final Duration HOUSEKEEPING = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);

    private final NodeAgent node;
    private final PodWorkers pods;
    private final EvictionManager eviction;
    private final StatsSummary stats;
    private final ScheduledExecutorService heartbeats;
    private final ScheduledExecutorService housekeeping;
    private volatile JsonNode allocatable = JsonNodeFactory.instance.objectNode();

    public Kubelet(KubeletConfig config, ResourceClient client, ContainerRuntime runtime, ImageService images) {
        this(config, client, runtime, images, new MachineSignals(config.dataDir(), images),
                new CgroupPodUsage(runtime, config), DiskReclaim.NONE);
    }

    /**
     * With the eviction manager's signals and pod usage read by these (tests give numbers), and what it frees on the
     * node under disk pressure before it evicts (the image garbage collector's unused images).
     */
    public Kubelet(KubeletConfig config, ResourceClient client, ContainerRuntime runtime, ImageService images,
            SignalObserver signals, PodUsage usage, DiskReclaim diskReclaim) {
        this.pods = new PodWorkers(config, client, runtime, images, () -> allocatable);
        this.eviction = new EvictionManager(config.evictionHard(), config.evictionPressureTransitionPeriod(),
                signals, usage, diskReclaim, pods, new PodEvents(client, config.nodeName()), Clock.systemUTC());
        this.node = new NodeAgent(config, client, runtime, images, eviction);
        this.stats = new StatsSummary(config, runtime, images, pods::pods);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kubelet-heartbeat");
            t.setDaemon(true);
            return t;
        });
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kubelet-eviction");
            t.setDaemon(true);
            return t;
        });
    }

    public Kubelet start() {
        // static pods are what runs while the API is unreachable, so they do not wait for the registration
        pods.startLocal();
        // the first pass before the first heartbeat, so the Node registers with its pressure conditions
        housekeeping.scheduleWithFixedDelay(this::evictIfUnderPressure, 0, HOUSEKEEPING.toMillis(),
                TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::sampleStats, 0, HOUSEKEEPING.toMillis(), TimeUnit.MILLISECONDS);
        heartbeats.execute(this::registerThenRun);
        return this;
    }

    private void evictIfUnderPressure() {
        try {
            eviction.synchronize();
        } catch (RuntimeException e) {
            LOG.warn("Eviction pass failed: {}", e.toString());
        }
    }

    private void sampleStats() {
        try {
            stats.sample();
        } catch (RuntimeException e) {
            LOG.debug("Stats sampling failed: {}", e.toString());
        }
    }

    private void registerThenRun() {
        try {
            pods.nodeRegistered(node.register());
        } catch (RuntimeException e) {
            LOG.warn("Node registration failed, retrying in 2 s: {}", e.getMessage());
            heartbeats.schedule(this::registerThenRun, 2, TimeUnit.SECONDS);
            return;
        }
        beat();
        pods.start();
        heartbeats.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void beat() {
        try {
            node.heartbeat();
            allocatable = node.allocatable();
        } catch (RuntimeException e) {
            LOG.warn("Node heartbeat failed: {}", e.getMessage());
        }
    }

    public PodWorkers pods() {
        return pods;
    }

    public NodeAgent node() {
        return node;
    }

    /** The node's and its pods' usage, for {@code /stats/summary} and {@code /metrics/resource}. */
    public StatsSummary stats() {
        return stats;
    }

    public EvictionManager eviction() {
        return eviction;
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        heartbeats.shutdownNow();
        pods.close();
        try {
            housekeeping.awaitTermination(5, TimeUnit.SECONDS);
            heartbeats.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
