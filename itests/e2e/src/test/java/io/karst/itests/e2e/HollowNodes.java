package io.karst.itests.e2e;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1NodeSystemInfo;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodIP;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.util.generic.GenericKubernetesApi;

/**
 * Hollow nodes for tests and {@code bench/scale} (issue 8's node simulator, not shipped): each registers a Node with
 * capacity and a Ready condition, renews its Lease in {@code kube-node-lease} every 10 s ({@link HollowLeases}), and
 * plays the kubelet for the pods bound to it without containers: a pod is reported Running and ready with an
 * address; a pod whose restart policy is not Always succeeds after a second (or fails with the exit code in the
 * annotation {@value #EXIT_CODE}); a pod being deleted is removed at once, as a kubelet that stopped its containers
 * does. It talks to the API server with the official Java client, as any client would. {@link #silence} makes a node
 * go quiet as a crashed machine does.
 *
 * <p>Built to simulate a thousand nodes at the cost of a few threads and connections: one pod informer (one list,
 * then one watch of all pods, no field selector) serves every hollow node, dispatching by {@code spec.nodeName};
 * status writes go through a few {@link KeyedWorkers}; Lease renewals are spread over their period on a small pool.
 */
public final class HollowNodes implements AutoCloseable {
    /** A pod annotation: the exit code a run-to-completion pod ends with (default 0). */
    public static final String EXIT_CODE = "hollow.karst.io/exit-code";
    /**
     * Threads writing pod statuses for all the hollow kubelets (a real kubelet each has its own): 4 by default,
     * more with {@code -Dkarst.hollow.statusWriters=N} (bench/scale, where 10,000 pods start at once and 4 writers
     * made the simulator, not the server, the limit of how fast pods became Running).
     */
    private static final int STATUS_WRITERS = Integer.getInteger("karst.hollow.statusWriters", 4);

    private final CoreV1Api core;
    private final ScheduledExecutorService timers;
    private final HollowLeases leases;
    private final SharedInformerFactory informers;
    private final SharedIndexInformer<V1Pod> pods;
    private final KeyedWorkers writers;
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> addresses = new ConcurrentHashMap<>();
    private final Map<String, Integer> indexes = new ConcurrentHashMap<>();
    private final AtomicInteger added = new AtomicInteger();
    private volatile LongConsumer writeTimes = nanos -> { };
    private volatile String lastError = "";

    /**
     * Starts the pod informer on the client. Its read timeout is lifted: a watch is quiet for as long as no pod
     * changes, and the server, not the client, ends it.
     */
    public HollowNodes(ApiClient client) {
        client.setReadTimeout(0);
        this.core = new CoreV1Api(client);
        this.timers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "hollow-nodes");
            t.setDaemon(true);
            return t;
        });
        this.leases = new HollowLeases(new CoordinationV1Api(client), timers, silent::contains,
                error -> lastError = error);
        this.writers = new KeyedWorkers(STATUS_WRITERS, "hollow-kubelet", this::sync);
        this.informers = new SharedInformerFactory(client);
        this.pods = informers.sharedIndexInformerFor(
                new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", client), V1Pod.class, 0);
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1Pod pod) {
                dispatch(pod);
            }

            @Override
            public void onUpdate(V1Pod old, V1Pod pod) {
                dispatch(pod);
            }

            @Override
            public void onDelete(V1Pod pod, boolean finalStateUnknown) {
                startedAt.remove(pod.getMetadata().getUid());
            }
        });
        informers.startAllRegisteredInformers();
    }

    /** Registers a node (4 CPUs, 8 GiB, 110 pods) and its Lease, Ready at once. Safe to call from several threads. */
    public void add(String name) throws ApiException {
        int index = added.incrementAndGet();
        core.createNode(new V1Node().metadata(new V1ObjectMeta().name(name).labels(Map.of(
                "kubernetes.io/hostname", name, "kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64",
                "hollow.karst.io/node", "true")))).execute();
        // known before it is Ready, so that no pod bound to it is missed
        indexes.put(name, index);
        // the controllers write the new Node too (its pod range): read and write again on a conflict
        for (int attempt = 0;; attempt++) {
            try {
                V1Node node = core.readNode(name).execute();
                core.replaceNodeStatus(name, node.status(readyStatus(name, index))).execute();
                break;
            } catch (ApiException e) {
                if (e.getCode() != 409 || attempt >= 10) {
                    throw e;
                }
            }
        }
        leases.start(name);
    }

    /** Also tells this handler about every pod change the shared informer sees (for benches that count pods). */
    public void addPodHandler(ResourceEventHandler<V1Pod> handler) {
        pods.addEventHandler(handler);
    }

    /** Tells this consumer how long each status write or delete of a pod took, in nanoseconds. */
    public void recordWriteTimes(LongConsumer consumer) {
        this.writeTimes = consumer;
    }

    private void dispatch(V1Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node != null && indexes.containsKey(node) && !silent.contains(node)) {
            writers.offer(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
        }
    }

    private static V1NodeStatus readyStatus(String name, int index) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        Map<String, Quantity> capacity = Map.of("cpu", Quantity.fromString("4"), "memory",
                Quantity.fromString("8Gi"), "pods", Quantity.fromString("110"), "ephemeral-storage",
                Quantity.fromString("100Gi"));
        return new V1NodeStatus().capacity(capacity).allocatable(capacity)
                .addresses(List.of(new V1NodeAddress().type("InternalIP").address(hostIp(index)),
                        new V1NodeAddress().type("Hostname").address(name)))
                .conditions(List.of(condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now),
                        condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "", now),
                        condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "", now),
                        condition("PIDPressure", "False", "KubeletHasSufficientPID", "", now)))
                .nodeInfo(new V1NodeSystemInfo().architecture("amd64").operatingSystem("linux")
                        .kubeletVersion("v1.33.0-hollow").kubeProxyVersion("").containerRuntimeVersion("hollow://1")
                        .osImage("hollow").kernelVersion("0").machineID(name).systemUUID(name).bootID(name));
    }

    /** The node stops renewing its Lease and reporting its pods, as a machine that lost power. */
    public void silence(String name) {
        silent.add(name);
    }

    private static V1NodeCondition condition(String type, String status, String reason, String message,
            OffsetDateTime now) {
        return new V1NodeCondition().type(type).status(status).reason(reason).message(message)
                .lastHeartbeatTime(now).lastTransitionTime(now);
    }

    /** The kubelet's part for one pod, on its latest state; failures other than a conflict are tried again. */
    private void sync(String key) {
        V1Pod pod = pods.getIndexer().getByKey(key);
        // the name may be taken by a newer pod since it was offered (a StatefulSet's), not bound yet
        String node = pod == null ? null : pod.getSpec().getNodeName();
        if (node == null || !indexes.containsKey(node) || silent.contains(node)) {
            return;
        }
        try {
            sync(pod, node);
        } catch (ApiException e) {
            // a conflict means a newer version is on its way through the watch, which offers the pod again
            if (e.getCode() != 404 && e.getCode() != 409) {
                lastError = "pod " + key + ": " + e.getCode() + " " + e.getResponseBody();
                timers.schedule(() -> writers.offer(key), 1, TimeUnit.SECONDS);
            }
        } catch (RuntimeException e) {
            lastError = "pod " + key + ": " + e;
            timers.schedule(() -> writers.offer(key), 1, TimeUnit.SECONDS);
        }
    }

    private void sync(V1Pod pod, String node) throws ApiException {
        V1ObjectMeta meta = pod.getMetadata();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (meta.getDeletionTimestamp() != null) {
            long start = System.nanoTime();
            core.deleteNamespacedPod(meta.getName(), meta.getNamespace()).gracePeriodSeconds(0).execute();
            writeTimes.accept(System.nanoTime() - start);
            startedAt.remove(meta.getUid());
            return;
        }
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        boolean runsToCompletion = !"Always".equals(pod.getSpec().getRestartPolicy());
        String key = meta.getNamespace() + "/" + meta.getName();
        if (!"Running".equals(phase)) {
            String ip = podIp(node);
            V1PodStatus status = new V1PodStatus().phase("Running").hostIP(hostIp(indexes.getOrDefault(node, 0)))
                    .podIP(ip).podIPs(List.of(new V1PodIP().ip(ip))).startTime(now)
                    .conditions(List.of(podCondition("PodReadyToStartContainers", now),
                            podCondition("Initialized", now), podCondition("Ready", now),
                            podCondition("ContainersReady", now), podCondition("PodScheduled", now)))
                    .containerStatuses(containers(pod, true, null, now));
            writeStatus(pod, status);
            startedAt.put(meta.getUid(), System.nanoTime());
            if (runsToCompletion) {
                timers.schedule(() -> writers.offer(key), 1100, TimeUnit.MILLISECONDS);
            }
            return;
        }
        Long started = startedAt.get(meta.getUid());
        if (!runsToCompletion || started == null) {
            return;
        }
        long left = Duration.ofSeconds(1).toNanos() - (System.nanoTime() - started);
        if (left > 0) {
            timers.schedule(() -> writers.offer(key), left + 1_000_000, TimeUnit.NANOSECONDS);
            return;
        }
        int exit = Integer.parseInt(meta.getAnnotations() == null ? "0"
                : meta.getAnnotations().getOrDefault(EXIT_CODE, "0"));
        List<V1PodCondition> conditions = new ArrayList<>();
        for (V1PodCondition c : pod.getStatus().getConditions()) {
            boolean readiness = c.getType().equals("Ready") || c.getType().equals("ContainersReady");
            conditions.add(readiness ? new V1PodCondition().type(c.getType()).status("False").reason("PodCompleted")
                    .lastTransitionTime(now) : c);
        }
        V1PodStatus old = pod.getStatus();
        writeStatus(pod, new V1PodStatus().phase(exit == 0 ? "Succeeded" : "Failed").hostIP(old.getHostIP())
                .podIP(old.getPodIP()).podIPs(old.getPodIPs()).startTime(old.getStartTime()).conditions(conditions)
                .containerStatuses(containers(pod, false, exit, now)));
        startedAt.remove(meta.getUid());
    }

    /** Replaces the pod's status; the pod is the informer's, shared with every handler, so it is not changed. */
    private void writeStatus(V1Pod pod, V1PodStatus status) throws ApiException {
        V1ObjectMeta meta = pod.getMetadata();
        V1Pod written = new V1Pod().apiVersion("v1").kind("Pod").metadata(meta).spec(pod.getSpec()).status(status);
        long start = System.nanoTime();
        core.replaceNamespacedPodStatus(meta.getName(), meta.getNamespace(), written).execute();
        writeTimes.accept(System.nanoTime() - start);
    }

    private static V1PodCondition podCondition(String type, OffsetDateTime now) {
        return new V1PodCondition().type(type).status("True").lastTransitionTime(now);
    }

    private static List<V1ContainerStatus> containers(V1Pod pod, boolean running, Integer exit,
            OffsetDateTime now) {
        List<V1ContainerStatus> out = new ArrayList<>();
        for (V1Container c : pod.getSpec().getContainers()) {
            V1ContainerState state = running
                    ? new V1ContainerState().running(new V1ContainerStateRunning().startedAt(now))
                    : new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(exit)
                            .reason(exit == 0 ? "Completed" : "Error").finishedAt(now).startedAt(now));
            out.add(new V1ContainerStatus().name(c.getName()).image(c.getImage()).imageID("hollow://" + c.getImage())
                    .containerID("hollow://" + pod.getMetadata().getUid() + "/" + c.getName()).ready(running)
                    .started(running).restartCount(0).state(state));
        }
        return out;
    }

    private String podIp(String node) {
        int n = addresses.computeIfAbsent(node, k -> new AtomicInteger(1)).incrementAndGet();
        int index = indexes.getOrDefault(node, 0);
        // a /24 per node below 10.64.0.0/10, as the node IPAM controller's ranges would be
        return "10." + (64 + index / 256 % 64) + "." + index % 256 + "." + (n % 250 + 2);
    }

    private static String hostIp(int index) {
        return "10.99." + index / 250 + "." + (index % 250 + 1);
    }

    /** The last failure talking to the API server, for assertion messages. */
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        informers.stopAllRegisteredInformers(true);
        writers.close();
        timers.shutdownNow();
    }
}
