package io.karst.kubelet.pod;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * <p>
 * Pods come from two sources: the API (pods bound to this node) and the static pod manifests of
 * {@code <data-dir>/agent/pod-manifests} ({@link StaticPods}), read every 5 s. Static pods run from the start,
 * before the Node is registered and with the API away; their mirror pods ({@link MirrorPods}) only show them.
 */
public final class PodWorkers implements AutoCloseable {
    static final Duration RELIST = Duration.ofSeconds(1);
    static final int WORKERS = 16;
    /**
     * how long an idle worker or prober thread lives: a node at rest keeps about one worker (its running pods'
     * passes come every {@link PodSync#RESYNC}), not the 16 of its last burst
     */
    static final Duration THREAD_KEEP_ALIVE = Duration.ofSeconds(30);
    /** upstream's file source re-lists every 20 s besides inotify; a plain poll this often is as quick */
    static final Duration MANIFEST_POLL = Duration.ofSeconds(5);
    /** Karst's reason: upstream only logs a manifest it cannot read */
    static final String FAILED_MANIFEST = "FailedStaticPodManifest";
    private static final Logger LOG = LoggerFactory.getLogger(PodWorkers.class);

    private final KubeletConfig config;
    private final ResourceClient client;
    private final ContainerRuntime runtime;
    private final PodWorkerThreads workers;
    private final ScheduledThreadPoolExecutor probeThreads;
    private final ProbeManager probes;
    private final PodSync sync;
    private final PodEvents events;
    /** uid → the pod as last seen in the API (bound to this node) */
    private final Map<String, ObjectNode> pods = new ConcurrentHashMap<>();
    /** uid → a static pod; one whose manifest went stays until it is stopped */
    private final Map<String, ObjectNode> statics = new ConcurrentHashMap<>();
    /** uids of static pods whose manifest went (or changed), to be stopped */
    private final Set<String> staticsGone = ConcurrentHashMap.newKeySet();
    private final MirrorPods mirrors;
    private final StaticPods staticPods;
    /** uid → a pass is running (true: and another is wanted after it) */
    private final Map<String, Boolean> running = new ConcurrentHashMap<>();
    private final Map<String, String> lastSeenInRuntime = new ConcurrentHashMap<>();
    private volatile Informer informer;
    private volatile HandlerRegistration registration;
    private volatile boolean closed;

    public PodWorkers(KubeletConfig config, ResourceClient client, ContainerRuntime runtime, ImageService images,
            Supplier<JsonNode> allocatable) {
        this(config, client, runtime, images, allocatable, THREAD_KEEP_ALIVE);
    }

    /** {@code keepAlive}: how long an idle worker or prober thread lives (shorter in tests). */
    PodWorkers(KubeletConfig config, ResourceClient client, ContainerRuntime runtime, ImageService images,
            Supplier<JsonNode> allocatable, Duration keepAlive) {
        this.config = config;
        this.client = client;
        this.runtime = runtime;
        // upstream runs a goroutine per pod; the passes mostly wait on the runtime, so a pool wider than the CPUs
        // keeps a burst of new pods from queueing behind each other's sandbox creation; its threads end when idle
        this.workers = new PodWorkerThreads("kubelet-pod-worker", "kubelet-pod-timer", WORKERS, keepAlive);
        this.probeThreads = new ScheduledThreadPoolExecutor(2, PodWorkerThreads.named("kubelet-prober"));
        // with no probe due the prober threads end too; cancelled probes leave the queue at once, so a pod's
        // deletion does not keep a thread waiting for its next period
        probeThreads.setKeepAliveTime(keepAlive.toNanos(), TimeUnit.NANOSECONDS);
        probeThreads.allowCoreThreadTimeOut(true);
        probeThreads.setRemoveOnCancelPolicy(true);
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
        this.mirrors = new MirrorPods(client, config.nodeName());
        this.sync = new PodSync(config, client, runtime, images, probes, events, allocatable, mirrors);
        ManifestDirectory manifests = new ManifestDirectory(config.podManifestDir(), (file, why) -> events
                .nodeWarning(FAILED_MANIFEST, "Static pod manifest " + file.getFileName() + " skipped: " + why));
        this.staticPods = new StaticPods(manifests, config.nodeName(), this::staticPodsRead);
    }

    private static String kindLabel(ProbeKind kind) {
        String name = kind.name().toLowerCase();
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /**
     * Starts what needs no API: the static pods (read once before the relist starts, so a restarted kubelet adopts
     * their containers instead of removing them) and the relist.
     */
    public void startLocal() {
        staticPods.poll();
        // both on the workers' timer thread, not on a worker: a task every second would keep a worker alive
        workers.every(MANIFEST_POLL, this::pollManifests);
        workers.every(RELIST, this::relist);
    }

    /** The Node exists (with this uid): static pods get their mirrors. */
    public void nodeRegistered(String nodeUid) {
        mirrors.nodeRegistered(nodeUid);
        statics.keySet().forEach(this::enqueue);
    }

    private void pollManifests() {
        try {
            staticPods.poll();
        } catch (RuntimeException e) {
            LOG.warn("Static pod manifests not read: {}", e.toString());
        }
    }

    /** A new uid starts a pod; a uid no longer read stops its pod gracefully, as an API pod's deletion does. */
    private void staticPodsRead(Map<String, ObjectNode> read) {
        // the gone first: an edited pod's new version must find its old one marked, to wait for it
        for (String uid : statics.keySet()) {
            if (!read.containsKey(uid) && staticsGone.add(uid)) {
                enqueue(uid);
            }
        }
        for (Map.Entry<String, ObjectNode> e : read.entrySet()) {
            if (statics.putIfAbsent(e.getKey(), e.getValue()) == null) {
                LOG.info("Static pod {} from {}", PodSync.podRef(e.getValue()), config.podManifestDir());
                enqueue(e.getKey());
            }
        }
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
                if (StaticPods.isMirror(pod)) {
                    mirrorChanged(pod, true);
                    return;
                }
                String uid = pod.path("metadata").path("uid").asText();
                if (pods.remove(uid) != null) {
                    enqueue(uid);
                }
            }
        });
        informer.start();
    }

    private void seen(ObjectNode pod) {
        if (StaticPods.isMirror(pod)) {
            // a mirror only shows a static pod; running it too would start the pod twice
            mirrorChanged(pod, false);
            return;
        }
        // the field selector already chose these; kept for a client that would not apply it
        if (!config.nodeName().equals(pod.path("spec").path("nodeName").asText())) {
            return;
        }
        String uid = pod.path("metadata").path("uid").asText();
        pods.put(uid, pod);
        enqueue(uid);
    }

    /** A mirror changed or went: its static pod's pass recreates it; one of no static pod is deleted. */
    private void mirrorChanged(ObjectNode mirror, boolean deleted) {
        String staticUid = mirror.path("metadata").path("annotations").path(StaticPods.MIRROR).asText();
        ObjectNode staticPod = statics.get(staticUid);
        if (staticPod != null) {
            enqueue(staticUid);
        } else if (!deleted && !closed) {
            workers.execute(() -> mirrors.deleteOrphan(mirror));
        }
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
            ObjectNode staticPod = statics.get(uid);
            if (staticPod != null) {
                again = syncStatic(uid, staticPod);
            } else if (pod == null) {
                if (synced()) {
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
            workers.schedule(() -> enqueue(uid), again.get());
        }
    }

    private Optional<Duration> syncStatic(String uid, ObjectNode pod) {
        if (staticsGone.contains(uid)) {
            sync.terminateStatic(pod);
            statics.remove(uid);
            staticsGone.remove(uid);
            mirrors.delete(pod);
            LOG.info("Static pod {} stopped: its manifest went or changed", PodSync.podRef(pod));
            statics.forEach((other, p) -> {
                if (fullName(p).equals(fullName(pod))) {
                    enqueue(other);
                }
            });
            return Optional.empty();
        }
        // upstream starts an edited static pod only once its previous version has stopped: both would hold the
        // same host ports (and the same mirror)
        for (String other : staticsGone) {
            ObjectNode previous = statics.get(other);
            if (previous != null && fullName(previous).equals(fullName(pod))) {
                return Optional.empty();
            }
        }
        if (mirrors.ensure(pod)) {
            sync.statusLost(uid);
        }
        return sync.sync(pod);
    }

    /**
     * The uid this node runs a pod under: a mirror pod's API uid is its static pod's (as upstream's kubelet
     * translates it), so logs and exec of a mirror reach the static pod's containers.
     */
    public String runtimeUid(String apiUid) {
        return mirrors.staticUidOf(apiUid);
    }

    private static String fullName(JsonNode pod) {
        return pod.path("metadata").path("namespace").asText() + "/" + pod.path("metadata").path("name").asText();
    }

    private boolean synced() {
        Informer i = informer;
        return i != null && i.hasSynced();
    }

    /** The PLEG: pods whose sandboxes or containers changed state get a pass; unknown ones are cleaned up. */
    private void relist() {
        if (closed) {
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
                boolean known = pods.containsKey(uid) || statics.containsKey(uid);
                // pods of neither source are cleaned up only once the API's are known
                if (!print.equals(lastSeenInRuntime.put(uid, print)) || !known && synced()) {
                    enqueue(uid);
                }
            }
            lastSeenInRuntime.keySet().retainAll(uids);
        } catch (RuntimeException e) {
            LOG.debug("Relist failed: {}", e.getMessage());
        }
    }

    /**
     * Evicts a pod the API bound to this node (node-pressure eviction): its pass kills its containers at once and
     * writes phase Failed, reason Evicted and {@code message} with a DisruptionTarget condition, as upstream's
     * eviction manager has its pod worker do. False for a pod the kubelet does not run from the API (static pods
     * are critical and never evicted).
     */
    public boolean evict(String uid, String message) {
        if (!pods.containsKey(uid) || closed) {
            return false;
        }
        sync.evict(uid, message);
        enqueue(uid);
        return true;
    }

    /** Pods bound to this node that the kubelet is running, by uid: the API's and the static ones. */
    public Map<String, ObjectNode> pods() {
        Map<String, ObjectNode> all = new HashMap<>(pods);
        all.putAll(statics);
        return Map.copyOf(all);
    }

    @Override
    public void close() {
        closed = true;
        HandlerRegistration r = registration;
        if (r != null) {
            r.close();
        }
        probes.close();
        probeThreads.shutdownNow();
        workers.close();
        try {
            probeThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
