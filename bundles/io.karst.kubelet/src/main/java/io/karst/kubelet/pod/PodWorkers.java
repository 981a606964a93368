package io.karst.kubelet.pod;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.HandlerRegistration;
import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerSummary;
import io.karst.api.node.ImageService;
import io.karst.api.node.PodSandbox;
import io.karst.kubelet.KubeletConfig;
import io.karst.kubelet.probe.ProbeKind;
import io.karst.kubelet.probe.ProbeManager;

/**
 * Runs {@link PodSync} for every pod bound to this node, one pass per pod at a time on a small pool: when the pod
 * changes in the API, when its containers change in the runtime (a relist every second, upstream's PLEG), when a
 * probe result changes, and when the last pass asked to be called again. Sandboxes and containers of pods the API
 * no longer has are stopped and removed, also those found after a kubelet restart.
 */
public final class PodWorkers implements AutoCloseable {
    static final Duration RELIST = Duration.ofSeconds(1);
    static final int WORKERS = 16;
    private static final Logger LOG = LoggerFactory.getLogger(PodWorkers.class);

    private final KubeletConfig config;
    private final ResourceClient client;
    private final ContainerRuntime runtime;
    private final ScheduledExecutorService workers;
    private final ScheduledExecutorService probeThreads;
    private final ProbeManager probes;
    private final PodSync sync;
    private final PodEvents events;
    /** uid → the pod as last seen in the API (bound to this node) */
    private final Map<String, ObjectNode> pods = new ConcurrentHashMap<>();
    /** uid → a pass is running (true: and another is wanted after it) */
    private final Map<String, Boolean> running = new ConcurrentHashMap<>();
    private final Map<String, String> lastSeenInRuntime = new ConcurrentHashMap<>();
    private volatile Informer informer;
    private volatile HandlerRegistration registration;
    private volatile boolean closed;

    public PodWorkers(KubeletConfig config, ResourceClient client, ContainerRuntime runtime, ImageService images,
            Supplier<JsonNode> allocatable) {
        this.config = config;
        this.client = client;
        this.runtime = runtime;
        // upstream runs a goroutine per pod; the passes mostly wait on the runtime, so a pool wider than the CPUs
        // keeps a burst of new pods from queueing behind each other's sandbox creation
        this.workers = Executors.newScheduledThreadPool(WORKERS, named("kubelet-pod-worker"));
        this.probeThreads = Executors.newScheduledThreadPool(2, named("kubelet-prober"));
        this.events = new PodEvents(client, config.nodeName());
        this.probes = new ProbeManager(runtime, probeThreads, new ProbeManager.Listener() {
            @Override
            public void changed(String podUid) {
                enqueue(podUid);
            }

            @Override
            public void failed(JsonNode pod, String container, String containerId, ProbeKind kind, String output) {
                events.normal(pod, container, "Killing", "Container " + container + " failed "
                        + kind.name().toLowerCase() + " probe, will be restarted");
                workers.execute(() -> {
                    try {
                        runtime.stopContainer(containerId, PodSync.gracePeriod(pod));
                    } catch (RuntimeException e) {
                        LOG.warn("Container {} not stopped after its failed probe: {}", container, e.getMessage());
                    }
                    enqueue(pod.path("metadata").path("uid").asText());
                });
            }

            @Override
            public void unhealthy(JsonNode pod, String container, ProbeKind kind, String output) {
                events.warning(pod, container, "Unhealthy", kindLabel(kind) + " probe failed: " + output);
            }
        });
        this.sync = new PodSync(config, client, runtime, images, probes, events, allocatable);
    }

    private static String kindLabel(ProbeKind kind) {
        String name = kind.name().toLowerCase();
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    public void start() {
        // only this node's pods: the server filters (as upstream's kubelet asks), so an agent's cache and watch
        // traffic do not grow with the cluster
        informer = client.informers().informer(PodSync.PODS, null, "", "spec.nodeName=" + config.nodeName());
        registration = informer.addEventHandler(new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode pod) {
                seen(pod);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode pod) {
                seen(pod);
            }

            @Override
            public void onDelete(ObjectNode pod, boolean finalStateUnknown) {
                String uid = pod.path("metadata").path("uid").asText();
                if (pods.remove(uid) != null) {
                    enqueue(uid);
                }
            }
        });
        informer.start();
        workers.scheduleWithFixedDelay(this::relist, RELIST.toMillis(), RELIST.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void seen(ObjectNode pod) {
        // the field selector already chose these; kept for a client that would not apply it
        if (!config.nodeName().equals(pod.path("spec").path("nodeName").asText())) {
            return;
        }
        String uid = pod.path("metadata").path("uid").asText();
        pods.put(uid, pod);
        enqueue(uid);
    }

    /** Asks for a pass over the pod; a pass already running is followed by one more. */
    void enqueue(String uid) {
        if (closed) {
            return;
        }
        boolean[] idle = {false};
        running.compute(uid, (k, pending) -> {
            idle[0] = pending == null;
            return pending == null ? Boolean.FALSE : Boolean.TRUE;
        });
        if (idle[0]) {
            workers.execute(() -> work(uid));
        }
    }

    private void work(String uid) {
        Optional<Duration> again = Optional.empty();
        try {
            ObjectNode pod = pods.get(uid);
            if (pod == null) {
                if (informer.hasSynced()) {
                    sync.cleanUp(uid);
                }
            } else {
                again = sync.sync(pod);
            }
        } catch (RuntimeException e) {
            LOG.warn("Pod {} sync failed: {}", uid, e.toString());
            LOG.debug("Pod {} sync failure", uid, e);
            again = Optional.of(Duration.ofSeconds(2));
        }
        boolean more = Boolean.TRUE.equals(running.remove(uid));
        if (closed) {
            return;
        }
        if (more) {
            enqueue(uid);
        } else if (again.isPresent()) {
            workers.schedule(() -> enqueue(uid), again.get().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The PLEG: pods whose sandboxes or containers changed state get a pass; unknown ones are cleaned up. */
    private void relist() {
        if (closed || !informer.hasSynced()) {
            return;
        }
        try {
            List<PodSandbox> sandboxes = runtime.listPodSandboxes();
            List<ContainerSummary> containers = runtime.listContainers();
            Map<String, StringBuilder> fingerprints = new HashMap<>();
            for (PodSandbox s : sandboxes) {
                String uid = s.labels().getOrDefault(RuntimeLabels.POD_UID, s.uid());
                fingerprints.computeIfAbsent(uid, u -> new StringBuilder()).append(s.id()).append(s.state());
            }
            for (ContainerSummary c : containers) {
                String uid = c.labels().get(RuntimeLabels.POD_UID);
                if (uid != null) {
                    fingerprints.computeIfAbsent(uid, u -> new StringBuilder()).append(c.id()).append(c.state());
                }
            }
            Set<String> uids = new HashSet<>(fingerprints.keySet());
            for (String uid : uids) {
                String print = fingerprints.get(uid).toString();
                if (!print.equals(lastSeenInRuntime.put(uid, print)) || !pods.containsKey(uid)) {
                    enqueue(uid);
                }
            }
            lastSeenInRuntime.keySet().retainAll(uids);
        } catch (RuntimeException e) {
            LOG.debug("Relist failed: {}", e.getMessage());
        }
    }

    /** Pods bound to this node that the kubelet is running, by uid. */
    public Map<String, ObjectNode> pods() {
        return Map.copyOf(pods);
    }

    @Override
    public void close() {
        closed = true;
        HandlerRegistration r = registration;
        if (r != null) {
            r.close();
        }
        probes.stopAll();
        workers.shutdownNow();
        probeThreads.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
            probeThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
