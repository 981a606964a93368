package io.karst.kubelet;

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
import io.karst.kubelet.node.NodeAgent;
import io.karst.kubelet.pod.PodWorkers;

/**
 * One node's kubelet: runs its static pods at once, registers the Node (retrying until the API takes it), then
 * heartbeats every 10 s and runs the pods bound to it. {@link #close} stops its threads; containers keep running, so a restarted kubelet adopts
 * them (they carry their pod's uid).
 */
public final class Kubelet implements AutoCloseable {
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);

    private final NodeAgent node;
    private final PodWorkers pods;
    private final ScheduledExecutorService heartbeats;
    private volatile JsonNode allocatable = JsonNodeFactory.instance.objectNode();

    public Kubelet(KubeletConfig config, ResourceClient client, ContainerRuntime runtime, ImageService images) {
        this.node = new NodeAgent(config, client, runtime, images);
        this.pods = new PodWorkers(config, client, runtime, images, () -> allocatable);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kubelet-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    public Kubelet start() {
        // static pods are what runs while the API is unreachable, so they do not wait for the registration
        pods.startLocal();
        heartbeats.execute(this::registerThenRun);
        return this;
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

    @Override
    public void close() {
        heartbeats.shutdownNow();
        pods.close();
        try {
            heartbeats.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
