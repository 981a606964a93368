package io.karst.kubelet.pod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.node.ContainerConfig;
import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerStatus;
import io.karst.api.node.ContainerSummary;
import io.karst.api.node.DnsConfig;
import io.karst.api.node.EnvVar;
import io.karst.api.node.ImageService;
import io.karst.api.node.LinuxResources;
import io.karst.api.node.Mount;
import io.karst.api.node.PodSandbox;
import io.karst.api.node.PodSandboxConfig;
import io.karst.api.node.PodSandboxStatus;
import io.karst.api.node.PortMapping;
import io.karst.api.node.SandboxState;
import io.karst.kubelet.KubeletConfig;
import io.karst.kubelet.probe.ProbeManager;
import io.karst.kubelet.volume.PodVolumes;
import io.karst.kubelet.volume.VolumeException;

/**
 * Brings one pod to its spec, as upstream's kubelet {@code SyncPod}: a sandbox (recreated, with every container,
 * when it dies), the init containers one at a time, then the containers, each restarted by the pod's restart
 * policy with back-off; a pod being deleted has its containers stopped within its grace period (preStop hooks
 * first) and is then removed from the API; a finished pod has what still runs stopped. Each pass ends by writing
 * the pod's status when it changed.
 */
final class PodSync {
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final Duration RESYNC = Duration.ofSeconds(10);
    static final Duration VOLUME_REFRESH = Duration.ofSeconds(30);
    /** upstream's immediateEvictionGracePeriodSeconds: what a hard eviction gives a pod's containers */
    static final Duration EVICTION_GRACE = Duration.ofSeconds(1);
    static final Duration SANDBOX_BACKOFF_INITIAL = Duration.ofSeconds(2);
    static final Duration SANDBOX_BACKOFF_MAX = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(PodSync.class);

    private final KubeletConfig config;
    private final ResourceClient client;
    private final ContainerRuntime runtime;
    private final ImageService images;
    private final PodVolumes volumes;
    private final Environment environment;
    private final ProbeManager probes;
    private final PodEvents events;
    private final Supplier<JsonNode> allocatable;
    private final Map<String, PodState> states = new ConcurrentHashMap<>();
    private final PodStatusWriter statusWriter;

    PodSync(KubeletConfig config, ResourceClient client, ContainerRuntime runtime, ImageService images,
            ProbeManager probes, PodEvents events, Supplier<JsonNode> allocatable, MirrorPods mirrors) {
        this.config = config;
        this.client = client;
        this.runtime = runtime;
        this.images = images;
        this.volumes = new PodVolumes(config, client);
        this.environment = new Environment(client);
        this.probes = probes;
        this.events = events;
        this.allocatable = allocatable;
        this.statusWriter = new PodStatusWriter(client, runtime, probes, config, mirrors);
    }

    /** One pass over a pod the API still has; returns when to look again (empty: only on a change). */
    Optional<Duration> sync(ObjectNode pod) {
        String uid = pod.path("metadata").path("uid").asText();
        PodState state = states.computeIfAbsent(uid, u -> new PodState());
        PodRuntime present = PodRuntime.of(uid, runtime.listPodSandboxes(), runtime.listContainers());
        if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
            terminate(pod, state, present);
            return Optional.empty();
        }
        if (state.evicted != null) {
            // upstream's killPodFunc for an eviction: containers killed at once, then the status says why
            stopAll(pod, present, EVICTION_GRACE);
            PodRuntime after = PodRuntime.of(uid, runtime.listPodSandboxes(), runtime.listContainers());
            writeStatus(pod, state, after, pod.path("status").path("podIP").asText(""), false);
            return Optional.empty();
        }
        String phase = pod.path("status").path("phase").asText("");
        if (phase.equals("Succeeded") || phase.equals("Failed")) {
            stopAll(pod, present, gracePeriod(pod));
            return Optional.empty();
        }

        Optional<PodSandbox> sandbox = present.readySandbox();
        Map<String, List<ContainerSummary>> containers = present.byName();
        if (sandbox.isEmpty() && !allExitedForGood(pod, containers)) {
            Duration wait = Duration.between(Instant.now(), state.sandboxRetryAt);
            if (!wait.isNegative() && !wait.isZero()) {
                // each failure changes the pod's status, whose event brings the pod back here at once: without
                // this wait a sandbox the runtime cannot make (no pod network yet) is retried every few ms
                return Optional.of(wait);
            }
            sandbox = createSandbox(pod, state, present);
            if (sandbox.isEmpty()) {
                Duration previous = state.sandboxBackoff;
                state.sandboxBackoff = previous.isZero() ? SANDBOX_BACKOFF_INITIAL
                        : previous.multipliedBy(2).compareTo(SANDBOX_BACKOFF_MAX) > 0 ? SANDBOX_BACKOFF_MAX
                        : previous.multipliedBy(2);
                state.sandboxRetryAt = Instant.now().plus(state.sandboxBackoff);
                writeStatus(pod, state, PodRuntime.of(uid, List.of(), present.containers()), null, false);
                return Optional.of(state.sandboxBackoff);
            }
            state.sandboxBackoff = Duration.ZERO;
            present = PodRuntime.of(uid, runtime.listPodSandboxes(), runtime.listContainers());
            containers = present.byName();
        } else if (sandbox.isPresent() && Duration.between(state.volumesRefreshed, Instant.now())
                .compareTo(VOLUME_REFRESH) >= 0) {
            try {
                state.volumePaths = volumes.setUp(pod, allocatable.get());
                state.volumesRefreshed = Instant.now();
            } catch (VolumeException e) {
                events.warning(pod, null, "FailedMount", e.getMessage());
            }
        }
        Duration next = RESYNC;
        String podIp = "";
        if (sandbox.isPresent()) {
            Optional<PodSandboxStatus> status = runtime.podSandboxStatus(sandbox.get().id());
            podIp = status.map(s -> s.ips().isEmpty() ? "" : s.ips().get(0)).orElse("");
            if (pod.path("spec").path("hostNetwork").asBoolean(false)) {
                podIp = config.nodeIps().get(0);
            }
            if (state.volumePaths == null) {
                // a sandbox from before a kubelet restart: its volumes are set up again before containers start
                try {
                    state.volumePaths = volumes.setUp(pod, allocatable.get());
                    state.volumesRefreshed = Instant.now();
                } catch (VolumeException e) {
                    events.warning(pod, null, "FailedMount", e.getMessage());
                    writeStatus(pod, state, present, podIp, true);
                    return Optional.of(Duration.ofSeconds(2));
                }
            }
            Map<String, Path> volumePaths = state.volumePaths;
            boolean initDone = true;
            for (JsonNode c : pod.path("spec").path("initContainers")) {
                String name = c.path("name").asText();
                List<ContainerSummary> history = containers.getOrDefault(name, List.of());
                boolean sidecar = c.path("restartPolicy").asText("").equals("Always");
                Optional<Duration> wait = ensure(pod, state, sandbox.get(), c, history, true, sidecar, podIp,
                        volumePaths);
                next = shorter(next, wait);
                ContainerSummary latest = history.isEmpty() ? null : history.get(0);
                boolean done = sidecar ? latest != null && latest.state() == ContainerState.RUNNING
                        && probes.started(latest.id(), c)
                        : latest != null && latest.state() == ContainerState.EXITED && exitCode(latest) == 0;
                if (!done) {
                    initDone = false;
                    break;
                }
            }
            if (initDone) {
                for (JsonNode c : pod.path("spec").path("containers")) {
                    List<ContainerSummary> history = containers.getOrDefault(c.path("name").asText(), List.of());
                    next = shorter(next, ensure(pod, state, sandbox.get(), c, history, false, false, podIp,
                            volumePaths));
                }
            }
            present = PodRuntime.of(uid, runtime.listPodSandboxes(), runtime.listContainers());
        }
        writeStatus(pod, state, present, podIp, sandbox.isPresent());
        return Optional.of(next);
    }

    /** A pod the API no longer has: everything of it is stopped and removed from the runtime and the disk. */
    void cleanUp(String uid) {
        PodRuntime present = PodRuntime.of(uid, runtime.listPodSandboxes(), runtime.listContainers());
        probes.forgetPod(uid);
        for (ContainerSummary c : present.containers()) {
            if (c.state() == ContainerState.RUNNING) {
                runtime.stopContainer(c.id(), Duration.ofSeconds(2));
            }
            runtime.removeContainer(c.id());
        }
        for (PodSandbox s : present.sandboxes()) {
            runtime.stopPodSandbox(s.id());
            runtime.removePodSandbox(s.id());
        }
        volumes.tearDown(uid);
        states.remove(uid);
    }

    private Optional<PodSandbox> createSandbox(ObjectNode pod, PodState state, PodRuntime present) {
        if (present.anyRunning()) {
            // the sandbox died under running containers: upstream kills them and starts the pod over
            events.normal(pod, null, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
            stopAll(pod, present, Duration.ofSeconds(gracePeriod(pod).toSeconds()));
        }
        for (PodSandbox old : present.sandboxes()) {
            if (old.state() == SandboxState.READY) {
                runtime.stopPodSandbox(old.id());
            }
        }
        try {
            state.volumePaths = volumes.setUp(pod, allocatable.get());
            state.volumesRefreshed = Instant.now();
        } catch (VolumeException e) {
            events.warning(pod, null, "FailedMount", e.getMessage());
            state.waiting.put("", new PodState.Waiting("ContainerCreating", e.getMessage()));
            return Optional.empty();
        }
        PodSandboxConfig sandboxConfig = sandboxConfig(pod, present.nextSandboxAttempt());
        try {
            Files.createDirectories(Path.of(sandboxConfig.logDirectory()));
            String id = runtime.runPodSandbox(sandboxConfig);
            state.waiting.remove("");
            return runtime.listPodSandboxes().stream().filter(s -> s.id().equals(id)).findFirst();
        } catch (ContainerRuntimeException | IOException e) {
            events.warning(pod, null, "FailedCreatePodSandBox", "Failed to create pod sandbox: " + e.getMessage());
            state.waiting.put("", new PodState.Waiting("ContainerCreating", e.getMessage()));
            LOG.warn("Pod {}/{}: sandbox not created: {}", pod.path("metadata").path("namespace").asText(),
                    pod.path("metadata").path("name").asText(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Starts a container that has never run, restarts one that exited when the restart policy says so (after its
     * back-off), and starts the probes of a running one; returns when the next back-off ends, if one is pending.
     */
    private Optional<Duration> ensure(ObjectNode pod, PodState state, PodSandbox sandbox, JsonNode c,
            List<ContainerSummary> history, boolean init, boolean sidecar, String podIp, Map<String, Path> volumePaths) {
        String name = c.path("name").asText();
        ContainerSummary latest = history.isEmpty() ? null : history.get(0);
        if (latest != null && latest.sandboxId().equals(sandbox.id()) && latest.state() == ContainerState.RUNNING) {
            probes.ensure(pod, c, latest.id(), podIp, () -> startedAt(latest));
            return Optional.empty();
        }
        if (latest != null && latest.sandboxId().equals(sandbox.id()) && latest.state() == ContainerState.CREATED) {
            start(pod, state, name, latest.id());
            return Optional.empty();
        }
        int attempt = 0;
        if (latest != null && latest.sandboxId().equals(sandbox.id())) {
            ContainerStatus exited = runtime.containerStatus(latest.id()).orElse(null);
            int code = exited == null ? 0 : exited.exitCode();
            String policy = sidecar ? "Always" : pod.path("spec").path("restartPolicy").asText("Always");
            // an init container runs to success once; a failed one is retried unless the pod never restarts
            boolean restart = init && !sidecar ? code != 0 && !policy.equals("Never")
                    : policy.equals("Always") || (policy.equals("OnFailure") && code != 0);
            if (!restart) {
                return Optional.empty();
            }
            Instant until = state.backoff(name).exited(exited == null ? null : exited.startedAt(),
                    exited == null ? Instant.now() : exited.finishedAt());
            Duration left = Duration.between(Instant.now(), until);
            if (left.compareTo(Duration.ZERO) > 0) {
                String message = "back-off " + state.backoff(name).waiting().toSeconds()
                        + "s restarting failed container=" + name + " pod=" + podRef(pod);
                if (!new PodState.Waiting("CrashLoopBackOff", message).equals(state.waiting.get(name))) {
                    events.warning(pod, name, "BackOff", "Back-off restarting failed container " + name
                            + " in pod " + podRef(pod));
                }
                state.waiting.put(name, new PodState.Waiting("CrashLoopBackOff", message));
                return Optional.of(left);
            }
            attempt = latest.attempt() + 1;
            probes.forget(latest.id());
        } else if (latest != null) {
            attempt = latest.attempt() + 1; // containers of an earlier sandbox: the count goes on
        }
        if (!ensureImage(pod, state, c)) {
            return Optional.of(Duration.ofSeconds(10));
        }
        String id;
        try {
            id = runtime.createContainer(sandbox.id(), containerConfig(pod, c, attempt, volumePaths, podIp),
                    sandboxConfig(pod, sandbox.attempt()));
        } catch (ContainerConfigException e) {
            state.waiting.put(name, new PodState.Waiting("CreateContainerConfigError", e.getMessage()));
            events.warning(pod, name, "Failed", "Error: " + e.getMessage());
            return Optional.of(Duration.ofSeconds(10));
        } catch (ContainerRuntimeException | IOException e) {
            state.waiting.put(name, new PodState.Waiting("CreateContainerError", e.getMessage()));
            events.warning(pod, name, "Failed", "Error: " + e.getMessage());
            return Optional.of(Duration.ofSeconds(10));
        }
        events.normal(pod, name, "Created", "Created container: " + name);
        start(pod, state, name, id);
        // remove all but the last exited attempt, which `kubectl logs --previous` reads
        for (int i = 1; i < history.size(); i++) {
            removeQuietly(history.get(i).id());
        }
        return Optional.empty();
    }

    private void start(ObjectNode pod, PodState state, String name, String id) {
        try {
            runtime.startContainer(id);
            state.waiting.remove(name);
            events.normal(pod, name, "Started", "Started container " + name);
        } catch (ContainerRuntimeException e) {
            state.waiting.put(name, new PodState.Waiting("RunContainerError", e.getMessage()));
            events.warning(pod, name, "Failed", "Error: " + e.getMessage());
        }
    }

    /** Pulls the image when the pull policy asks for it; false (with the reason kept) when it cannot be had. */
    private boolean ensureImage(ObjectNode pod, PodState state, JsonNode c) {
        String name = c.path("name").asText();
        String image = c.path("image").asText();
        String policy = c.path("imagePullPolicy").asText("IfNotPresent");
        boolean present = images.imageStatus(image).isPresent();
        if (policy.equals("Never") || (present && !policy.equals("Always"))) {
            if (!present) {
                String message = "Container image \"" + image + "\" is not present with pull policy of Never";
                state.waiting.put(name, new PodState.Waiting("ErrImageNeverPull", message));
                events.warning(pod, name, "ErrImageNeverPull", message);
                return false;
            }
            if (!state.waiting.containsKey(name) || !"Pulled".equals(state.waiting.get(name).reason())) {
                events.normal(pod, name, "Pulled", "Container image \"" + image + "\" already present on machine");
            }
            return true;
        }
        Backoff pulls = state.backoff("pull:" + name);
        PodState.Waiting before = state.waiting.get(name);
        if (before != null && before.reason().equals("ErrImagePull") || before != null
                && before.reason().equals("ImagePullBackOff")) {
            Instant until = pulls.exited(null, Instant.now().minusMillis(1));
            if (Instant.now().isBefore(until)) {
                state.waiting.put(name, new PodState.Waiting("ImagePullBackOff", "Back-off pulling image \"" + image
                        + "\""));
                return false;
            }
        }
        events.normal(pod, name, "Pulling", "Pulling image \"" + image + "\"");
        try {
            long started = System.nanoTime();
            images.pullImage(image);
            events.normal(pod, name, "Pulled", "Successfully pulled image \"" + image + "\" in "
                    + (System.nanoTime() - started) / 1_000_000 + "ms");
            return true;
        } catch (ContainerRuntimeException e) {
            state.waiting.put(name, new PodState.Waiting("ErrImagePull", e.getMessage()));
            events.warning(pod, name, "Failed", "Failed to pull image \"" + image + "\": " + e.getMessage());
            return false;
        }
    }

    private void removeQuietly(String containerId) {
        try {
            probes.forget(containerId);
            runtime.removeContainer(containerId);
        } catch (ContainerRuntimeException e) {
            LOG.debug("Container {} not removed: {}", containerId, e.getMessage());
        }
    }

    /** Stops a deleted pod within its grace period, then removes it from the API (uid precondition). */
    private void terminate(ObjectNode pod, PodState state, PodRuntime present) {
        JsonNode meta = pod.path("metadata");
        long grace = meta.path("deletionGracePeriodSeconds").asLong(gracePeriod(pod).toSeconds());
        if (!state.killed) {
            stopAll(pod, present, Duration.ofSeconds(grace));
            state.killed = true;
            PodRuntime after = PodRuntime.of(meta.path("uid").asText(), runtime.listPodSandboxes(),
                    runtime.listContainers());
            writeStatus(pod, state, after, pod.path("status").path("podIP").asText(""), false);
        }
        try {
            client.resource(PODS).inNamespace(meta.path("namespace").asText()).delete(meta.path("name").asText(),
                    DeleteOptions.NONE.withGracePeriodSeconds(0L).withPreconditionUid(meta.path("uid").asText()));
        } catch (ResourceException e) {
            if (!e.isNotFound() && !e.isConflict()) {
                throw e;
            }
        }
    }

    /**
     * A static pod whose manifest went (or changed): stopped as a deleted API pod is, within its grace period and
     * preStop hooks first, then removed from the runtime and the disk; there is no API object to remove.
     */
    void terminateStatic(ObjectNode pod) {
        String uid = pod.path("metadata").path("uid").asText();
        PodRuntime present = PodRuntime.of(uid, runtime.listPodSandboxes(), runtime.listContainers());
        stopAll(pod, present, gracePeriod(pod));
        cleanUp(uid);
    }

    /** The API lost the pod's status (a recreated mirror pod): the next pass writes it whether it changed or not. */
    void statusLost(String uid) {
        PodState state = states.get(uid);
        if (state != null) {
            state.lastWrittenStatus = "";
        }
    }

    /** Stops every running container (preStop hooks first, in parallel) and the pod's sandboxes. */
    private void stopAll(ObjectNode pod, PodRuntime present, Duration grace) {
        Instant deadline = Instant.now().plus(grace);
        List<Thread> stoppers = new ArrayList<>();
        for (ContainerSummary c : present.containers()) {
            if (c.state() != ContainerState.RUNNING && c.state() != ContainerState.CREATED) {
                continue;
            }
            probes.forget(c.id());
            Thread t = new Thread(() -> {
                events.normal(pod, c.name(), "Killing", "Stopping container " + c.name());
                Hooks.preStop(runtime, spec(pod, c.name()), c.id(), Duration.between(Instant.now(), deadline));
                Duration left = Duration.between(Instant.now(), deadline);
                try {
                    runtime.stopContainer(c.id(), left.isNegative() ? Duration.ZERO : left);
                } catch (ContainerRuntimeException e) {
                    LOG.warn("Container {} of pod {} not stopped: {}", c.name(), podRef(pod), e.getMessage());
                }
            }, "kubelet-stop-" + c.name());
            t.setDaemon(true);
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (PodSandbox s : present.sandboxes()) {
            if (s.state() == SandboxState.READY) {
                runtime.stopPodSandbox(s.id());
            }
        }
    }

    private static JsonNode spec(JsonNode pod, String container) {
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode c : pod.path("spec").path(list)) {
                if (c.path("name").asText().equals(container)) {
                    return c;
                }
            }
        }
        return MissingNode.getInstance();
    }

    /** Whether the pod ran to its end: every container exited and none is to be restarted (restartPolicy). */
    private boolean allExitedForGood(JsonNode pod, Map<String, List<ContainerSummary>> containers) {
        String policy = pod.path("spec").path("restartPolicy").asText("Always");
        if (policy.equals("Always")) {
            return false;
        }
        for (JsonNode c : pod.path("spec").path("containers")) {
            List<ContainerSummary> history = containers.getOrDefault(c.path("name").asText(), List.of());
            if (history.isEmpty() || history.get(0).state() != ContainerState.EXITED) {
                return false;
            }
            if (policy.equals("OnFailure") && exitCode(history.get(0)) != 0) {
                return false;
            }
        }
        return true;
    }

    private int exitCode(ContainerSummary c) {
        return runtime.containerStatus(c.id()).map(ContainerStatus::exitCode).orElse(-1);
    }

    private Instant startedAt(ContainerSummary c) {
        return runtime.containerStatus(c.id()).map(ContainerStatus::startedAt).filter(t -> t != null)
                .orElse(Instant.now());
    }

    private static Duration shorter(Duration a, Optional<Duration> b) {
        return b.isPresent() && b.get().compareTo(a) < 0 ? b.get() : a;
    }

    static Duration gracePeriod(JsonNode pod) {
        return Duration.ofSeconds(pod.path("spec").path("terminationGracePeriodSeconds").asLong(30));
    }

    static String podRef(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        return meta.path("name").asText() + "_" + meta.path("namespace").asText() + "(" + meta.path("uid").asText()
                + ")";
    }

    PodSandboxConfig sandboxConfig(JsonNode pod, int attempt) {
        JsonNode meta = pod.path("metadata");
        JsonNode spec = pod.path("spec");
        Map<String, String> labels = new HashMap<>();
        meta.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        labels.put(RuntimeLabels.POD_NAME, meta.path("name").asText());
        labels.put(RuntimeLabels.POD_NAMESPACE, meta.path("namespace").asText());
        labels.put(RuntimeLabels.POD_UID, meta.path("uid").asText());
        Map<String, String> annotations = new HashMap<>();
        meta.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        List<PortMapping> ports = new ArrayList<>();
        for (JsonNode c : spec.path("containers")) {
            for (JsonNode p : c.path("ports")) {
                if (p.path("hostPort").asInt(0) > 0) {
                    ports.add(new PortMapping(p.path("protocol").asText("TCP"), p.path("containerPort").asInt(),
                            p.path("hostPort").asInt(), p.path("hostIP").asText("")));
                }
            }
        }
        String hostname = spec.path("hostname").asText(meta.path("name").asText());
        if (hostname.length() > 63) {
            hostname = hostname.substring(0, 63);
        }
        boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
        return new PodSandboxConfig(meta.path("name").asText(), meta.path("namespace").asText(),
                meta.path("uid").asText(), attempt, hostNetwork ? "" : hostname,
                config.podLogDir(meta.path("namespace").asText(), meta.path("name").asText(), meta.path("uid").asText())
                        .toString(), labels, annotations, ports, dns(pod), hostNetwork, null);
    }

    /** resolv.conf per {@code dnsPolicy}: ClusterFirst (the default) points at the cluster DNS Service. */
    private DnsConfig dns(JsonNode pod) {
        JsonNode spec = pod.path("spec");
        String policy = spec.path("dnsPolicy").asText("ClusterFirst");
        boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
        List<String> servers = new ArrayList<>();
        List<String> searches = new ArrayList<>();
        List<String> options = new ArrayList<>();
        if (policy.equals("ClusterFirstWithHostNet") || (policy.equals("ClusterFirst") && !hostNetwork)) {
            if (config.clusterDns().isEmpty()) {
                return null;
            }
            String ns = pod.path("metadata").path("namespace").asText();
            String domain = config.clusterDomain();
            servers.addAll(config.clusterDns());
            searches.addAll(List.of(ns + ".svc." + domain, "svc." + domain, domain));
            options.add("ndots:5");
        } else if (!policy.equals("None")) {
            return null; // Default (and ClusterFirst on the host network): the node's resolv.conf
        }
        JsonNode custom = spec.path("dnsConfig");
        custom.path("nameservers").forEach(n -> servers.add(n.asText()));
        custom.path("searches").forEach(s -> searches.add(s.asText()));
        for (JsonNode o : custom.path("options")) {
            String option = o.path("name").asText() + (o.hasNonNull("value") ? ":" + o.path("value").asText() : "");
            options.removeIf(existing -> existing.startsWith(o.path("name").asText() + ":")
                    || existing.equals(o.path("name").asText()));
            options.add(option);
        }
        return new DnsConfig(servers, searches, options);
    }

    private ContainerConfig containerConfig(JsonNode pod, JsonNode c, int attempt, Map<String, Path> volumePaths,
            String podIp) throws ContainerConfigException, IOException {
        String name = c.path("name").asText();
        String uid = pod.path("metadata").path("uid").asText();
        List<EnvVar> env = environment.of(podWithIp(pod, podIp), c, allocatable.get());
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode m : c.path("volumeMounts")) {
            Path host = volumePaths.get(m.path("name").asText());
            if (host == null) {
                throw new ContainerConfigException("volume \"" + m.path("name").asText() + "\" is not set up");
            }
            String subPath = m.path("subPath").asText("");
            if (!subPath.isEmpty()) {
                Path sub = host.resolve(subPath).normalize();
                if (!sub.startsWith(host)) {
                    throw new ContainerConfigException("subPath " + subPath + " leaves volume "
                            + m.path("name").asText());
                }
                if (!Files.exists(sub)) {
                    Files.createDirectories(sub);
                }
                host = sub;
            }
            mounts.add(new Mount(m.path("mountPath").asText(), host.toString(), m.path("readOnly").asBoolean(false)));
        }
        Path podDir = config.podDir(uid);
        if (!pod.path("spec").path("hostNetwork").asBoolean(false) && mounts.stream()
                .noneMatch(m -> m.containerPath().equals("/etc/hosts"))) {
            mounts.add(new Mount("/etc/hosts", HostsFile.write(podDir, pod, podIp, config.clusterDomain()).toString(), false));
        }
        String messagePath = c.path("terminationMessagePath").asText("/dev/termination-log");
        Path messageFile = podDir.resolve("containers").resolve(name).resolve(Integer.toString(attempt));
        Files.createDirectories(messageFile.getParent());
        Files.write(messageFile, new byte[0]);
        Files.setPosixFilePermissions(messageFile, PosixFilePermissions.fromString("rw-rw-rw-"));
        if (!messagePath.isEmpty()) {
            mounts.add(new Mount(messagePath, messageFile.toString(), false));
        }
        Map<String, String> labels = Map.of(RuntimeLabels.POD_NAME, pod.path("metadata").path("name").asText(),
                RuntimeLabels.POD_NAMESPACE, pod.path("metadata").path("namespace").asText(),
                RuntimeLabels.POD_UID, uid, RuntimeLabels.CONTAINER_NAME, name);
        Map<String, String> annotations = Map.of(RuntimeLabels.RESTART_COUNT, Integer.toString(attempt),
                RuntimeLabels.TERMINATION_MESSAGE_PATH, messagePath,
                RuntimeLabels.TERMINATION_MESSAGE_FILE, messageFile.toString(),
                RuntimeLabels.TERMINATION_GRACE, Long.toString(gracePeriod(pod).toSeconds()));
        List<String> command = new ArrayList<>();
        List<String> args = new ArrayList<>();
        Map<String, String> defined = new HashMap<>();
        env.forEach(e -> defined.put(e.name(), e.value()));
        c.path("command").forEach(a -> command.add(Environment.expand(a.asText(), defined)));
        c.path("args").forEach(a -> args.add(Environment.expand(a.asText(), defined)));
        JsonNode security = c.path("securityContext");
        JsonNode podSecurity = pod.path("spec").path("securityContext");
        Long runAsUser = optionalLong(security, podSecurity, "runAsUser");
        Long runAsGroup = optionalLong(security, podSecurity, "runAsGroup");
        return new ContainerConfig(name, attempt, c.path("image").asText(), command, args,
                c.path("workingDir").asText(""), env, mounts, labels, annotations, name + "/" + attempt + ".log",
                c.path("stdin").asBoolean(false), c.path("stdinOnce").asBoolean(false), c.path("tty").asBoolean(false),
                runAsUser, runAsGroup, security.path("privileged").asBoolean(false),
                security.path("readOnlyRootFilesystem").asBoolean(false), resources(c));
    }

    /** The container's setting, else the pod's, else none. */
    private static Long optionalLong(JsonNode container, JsonNode pod, String field) {
        if (container.hasNonNull(field)) {
            return container.path(field).asLong();
        }
        return pod.hasNonNull(field) ? Long.valueOf(pod.path(field).asLong()) : null;
    }

    private static JsonNode podWithIp(JsonNode pod, String podIp) {
        if (podIp == null || podIp.isEmpty() || pod.path("status").path("podIP").asText("").equals(podIp)) {
            return pod;
        }
        ObjectNode copy = ((ObjectNode) pod).deepCopy();
        copy.with("status").put("podIP", podIp);
        copy.with("status").putArray("podIPs").addObject().put("ip", podIp);
        return copy;
    }

    /** Upstream's cgroup mapping: shares from the CPU request, CFS quota from the CPU limit, the memory limit. */
    static LinuxResources resources(JsonNode c) {
        JsonNode limits = c.path("resources").path("limits");
        JsonNode requests = c.path("resources").path("requests");
        long period = 100_000;
        long quota = limits.has("cpu") ? Math.max(1000, Quantities.milliCpu(limits.path("cpu").asText()) * period
                / 1000) : 0;
        String cpuRequest = requests.path("cpu").asText(limits.path("cpu").asText(""));
        long shares = cpuRequest.isEmpty() ? 2 : Math.max(2, Quantities.milliCpu(cpuRequest) * 1024 / 1000);
        long memory = limits.has("memory") ? Quantities.value(limits.path("memory").asText()) : 0;
        return new LinuxResources(quota > 0 ? period : 0, quota, shares, memory);
    }

    private void writeStatus(ObjectNode pod, PodState state, PodRuntime present, String podIp, boolean sandboxReady) {
        statusWriter.write(pod, state, present, podIp, sandboxReady);
    }

    /** Marks a pod evicted; its next pass kills it and writes phase Failed, reason Evicted and the message. */
    void evict(String uid, String message) {
        states.computeIfAbsent(uid, u -> new PodState()).evicted = message;
    }

    void forget(String uid) {
        states.remove(uid);
    }
}
