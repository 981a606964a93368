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

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1NodeSystemInfo;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodIP;
import io.kubernetes.client.openapi.models.V1PodStatus;

/**
 * Hollow nodes for tests (issue 8's node simulator, not shipped): each registers a Node with capacity and a Ready
 * condition, renews its Lease in {@code kube-node-lease} every 10 s, and plays the kubelet for the pods bound to it
 * without containers: a pod is reported Running and ready with an address from the node's pod range; a pod whose
 * restart policy is not Always succeeds after a second (or fails with the exit code in the annotation
 * {@value #EXIT_CODE}); a pod being deleted is removed at once, as a kubelet that stopped its containers does. It
 * talks to the API server with the official Java client, as any client would, and looks at the pods every 300 ms.
 * {@link #silence} makes a node go quiet as a crashed machine does.
 */
final class HollowNodes implements AutoCloseable {
    /** A pod annotation: the exit code a run-to-completion pod ends with (default 0). */
    static final String EXIT_CODE = "hollow.karst.io/exit-code";

    private final CoreV1Api core;
    private final CoordinationV1Api coordination;
    private final ScheduledExecutorService threads;
    private final Set<String> nodes = ConcurrentHashMap.newKeySet();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> addresses = new ConcurrentHashMap<>();
    private final Map<String, Integer> indexes = new ConcurrentHashMap<>();
    private volatile String lastError = "";

    HollowNodes(ApiClient client) {
        this.core = new CoreV1Api(client);
        this.coordination = new CoordinationV1Api(client);
        this.threads = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "hollow-nodes");
            t.setDaemon(true);
            return t;
        });
        threads.scheduleWithFixedDelay(this::renewLeases, 10, 10, TimeUnit.SECONDS);
        threads.scheduleWithFixedDelay(this::syncPods, 300, 300, TimeUnit.MILLISECONDS);
    }

    /** Registers a node (4 CPUs, 8 GiB, 110 pods) and its Lease, Ready at once. */
    void add(String name) throws ApiException {
        core.createNode(new V1Node().metadata(new V1ObjectMeta().name(name).labels(Map.of(
                "kubernetes.io/hostname", name, "kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64",
                "hollow.karst.io/node", "true")))).execute();
        // the controllers write the new Node too (its pod range): read and write again on a conflict
        for (int attempt = 0;; attempt++) {
            try {
                V1Node node = core.readNode(name).execute();
                core.replaceNodeStatus(name, node.status(readyStatus(name))).execute();
                break;
            } catch (ApiException e) {
                if (e.getCode() != 409 || attempt >= 10) {
                    throw e;
                }
            }
        }
        coordination.createNamespacedLease("kube-node-lease", new V1Lease().metadata(new V1ObjectMeta().name(name)
                .namespace("kube-node-lease")).spec(new V1LeaseSpec().holderIdentity(name)
                .leaseDurationSeconds(40).renewTime(OffsetDateTime.now(ZoneOffset.UTC)))).execute();
        indexes.put(name, indexes.size() + 1);
        nodes.add(name);
    }

    private V1NodeStatus readyStatus(String name) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        Map<String, Quantity> capacity = Map.of("cpu", Quantity.fromString("4"), "memory",
                Quantity.fromString("8Gi"), "pods", Quantity.fromString("110"), "ephemeral-storage",
                Quantity.fromString("100Gi"));
        return new V1NodeStatus().capacity(capacity).allocatable(capacity)
                .addresses(List.of(new V1NodeAddress().type("InternalIP").address("10.99.0." + (indexes.size() + 1)),
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
    void silence(String name) {
        silent.add(name);
    }

    private static V1NodeCondition condition(String type, String status, String reason, String message,
            OffsetDateTime now) {
        return new V1NodeCondition().type(type).status(status).reason(reason).message(message)
                .lastHeartbeatTime(now).lastTransitionTime(now);
    }

    private void renewLeases() {
        for (String name : nodes) {
            if (silent.contains(name)) {
                continue;
            }
            try {
                V1Lease lease = coordination.readNamespacedLease(name, "kube-node-lease").execute();
                lease.getSpec().renewTime(OffsetDateTime.now(ZoneOffset.UTC));
                coordination.replaceNamespacedLease(name, "kube-node-lease", lease).execute();
            } catch (ApiException e) {
                lastError = "lease " + name + ": " + e.getCode() + " " + e.getResponseBody();
            }
        }
    }

    private void syncPods() {
        List<V1Pod> pods;
        try {
            pods = core.listPodForAllNamespaces().execute().getItems();
        } catch (ApiException e) {
            lastError = "list pods: " + e.getCode() + " " + e.getResponseBody();
            return;
        }
        for (V1Pod pod : pods) {
            String node = pod.getSpec().getNodeName();
            if (node == null || !nodes.contains(node) || silent.contains(node)) {
                continue;
            }
            try {
                sync(pod, node);
            } catch (ApiException e) {
                if (e.getCode() != 404 && e.getCode() != 409) {
                    lastError = "pod " + pod.getMetadata().getName() + ": " + e.getCode() + " "
                            + e.getResponseBody();
                }
            } catch (RuntimeException e) {
                // a scheduled task that throws is never run again
                lastError = "pod " + pod.getMetadata().getName() + ": " + e;
            }
        }
    }

    private void sync(V1Pod pod, String node) throws ApiException {
        V1ObjectMeta meta = pod.getMetadata();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (meta.getDeletionTimestamp() != null) {
            core.deleteNamespacedPod(meta.getName(), meta.getNamespace()).gracePeriodSeconds(0).execute();
            startedAt.remove(meta.getUid());
            return;
        }
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        boolean runsToCompletion = !"Always".equals(pod.getSpec().getRestartPolicy());
        if (!"Running".equals(phase)) {
            startedAt.put(meta.getUid(), System.nanoTime());
            String ip = podIp(node);
            V1PodStatus status = new V1PodStatus().phase("Running").hostIP("10.99.0.1").podIP(ip)
                    .podIPs(List.of(new V1PodIP().ip(ip))).startTime(now)
                    .conditions(List.of(podCondition("PodReadyToStartContainers", now),
                            podCondition("Initialized", now), podCondition("Ready", now),
                            podCondition("ContainersReady", now), podCondition("PodScheduled", now)))
                    .containerStatuses(containers(pod, true, null, now));
            core.replaceNamespacedPodStatus(meta.getName(), meta.getNamespace(), pod.status(status)).execute();
            return;
        }
        Long started = startedAt.get(meta.getUid());
        if (runsToCompletion && started != null
                && System.nanoTime() - started > Duration.ofSeconds(1).toNanos()) {
            int exit = Integer.parseInt(meta.getAnnotations() == null ? "0"
                    : meta.getAnnotations().getOrDefault(EXIT_CODE, "0"));
            V1PodStatus status = pod.getStatus().phase(exit == 0 ? "Succeeded" : "Failed")
                    .containerStatuses(containers(pod, false, exit, now));
            status.getConditions().forEach(c -> {
                if (c.getType().equals("Ready") || c.getType().equals("ContainersReady")) {
                    c.status("False").reason("PodCompleted").lastTransitionTime(now);
                }
            });
            core.replaceNamespacedPodStatus(meta.getName(), meta.getNamespace(), pod.status(status)).execute();
            startedAt.remove(meta.getUid());
        }
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
        int index = indexes.getOrDefault(node, 0) & 0xff;
        return "10.244." + index + "." + (n % 250 + 2);
    }

    /** The last failure talking to the API server, for assertion messages. */
    String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
