package io.karst.kubelet.pod;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerStatus;
import io.karst.api.node.ContainerSummary;
import io.karst.kubelet.KubeletConfig;
import io.karst.kubelet.probe.ProbeManager;

/**
 * The pod's status from what runs (upstream's {@code generateAPIPodStatus} and {@code getPhase}): phase, the
 * PodReadyToStartContainers, Initialized, ContainersReady and Ready conditions (others, such as PodScheduled, are
 * kept), IPs, start time, and per container its state, last termination, readiness, restart count and ids.
 * Written as a merge patch of {@code pods/status}, only when it changed.
 */
final class PodStatusWriter {
    static final String EVICTED = "Evicted";
    static final String DISRUPTION_TARGET = "DisruptionTarget";
    private static final int MESSAGE_LIMIT = 4096;
    private static final int FALLBACK_LOG_LINES = 80;
    private static final Logger LOG = LoggerFactory.getLogger(PodStatusWriter.class);

    private final ResourceClient client;
    private final ContainerRuntime runtime;
    private final ProbeManager probes;
    private final KubeletConfig config;
    private final MirrorPods mirrors;

    PodStatusWriter(ResourceClient client, ContainerRuntime runtime, ProbeManager probes, KubeletConfig config,
            MirrorPods mirrors) {
        this.client = client;
        this.runtime = runtime;
        this.probes = probes;
        this.config = config;
        this.mirrors = mirrors;
    }

    void write(ObjectNode pod, PodState state, PodRuntime present, String podIp, boolean sandboxReady) {
        ObjectNode status = build(pod, state, present, podIp, sandboxReady);
        String text = status.toString();
        if (text.equals(state.lastWrittenStatus)) {
            return;
        }
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.set("status", status);
        if (StaticPods.isStatic(pod)) {
            writeToMirror(pod, state, status, text, patch);
            return;
        }
        try {
            client.resource(PodSync.PODS).inNamespace(pod.path("metadata").path("namespace").asText())
                    .patchStatus(pod.path("metadata").path("name").asText(), PatchTypes.MERGE_PATCH, patch);
            state.lastWrittenStatus = text;
        } catch (ResourceException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    /**
     * A static pod keeps its status itself (the next pass builds on it, also with no API at all) and shows it on its
     * mirror when there is one; the patch names the mirror's uid, so it never lands on a pod of the same name that
     * replaced the mirror.
     */
    private void writeToMirror(ObjectNode pod, PodState state, ObjectNode status, String text, ObjectNode patch) {
        pod.set("status", status);
        String mirrorUid = mirrors.mirrorUid(pod.path("metadata").path("uid").asText()).orElse(null);
        if (mirrorUid == null) {
            return;
        }
        patch.putObject("metadata").put("uid", mirrorUid);
        try {
            client.resource(PodSync.PODS).inNamespace(pod.path("metadata").path("namespace").asText())
                    .patchStatus(pod.path("metadata").path("name").asText(), PatchTypes.MERGE_PATCH, patch);
            state.lastWrittenStatus = text;
        } catch (RuntimeException e) {
            LOG.debug("Status of static pod {} not written to its mirror: {}", PodSync.podRef(pod), e.getMessage());
        }
    }

    ObjectNode build(JsonNode pod, PodState state, PodRuntime present, String podIp, boolean sandboxReady) {
        JsonNode old = pod.path("status");
        JsonNode spec = pod.path("spec");
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        Map<String, List<ContainerSummary>> byName = present.byName();
        boolean terminating = pod.path("metadata").hasNonNull("deletionTimestamp");

        ArrayNode initStatuses = JsonNodeFactory.instance.arrayNode();
        List<String> uninitialized = new ArrayList<>();
        boolean initFailed = false;
        for (JsonNode c : spec.path("initContainers")) {
            ObjectNode cs = containerStatus(pod, c, byName.getOrDefault(c.path("name").asText(), List.of()), state,
                    "PodInitializing", true);
            initStatuses.add(cs);
            boolean sidecar = c.path("restartPolicy").asText("").equals("Always");
            JsonNode terminated = cs.path("state").path("terminated");
            boolean done = sidecar ? cs.path("started").asBoolean(false)
                    : !terminated.isMissingNode() && terminated.path("exitCode").asInt() == 0;
            if (!done) {
                uninitialized.add(c.path("name").asText());
                if (!sidecar && !terminated.isMissingNode() && spec.path("restartPolicy").asText("Always")
                        .equals("Never")) {
                    initFailed = true;
                }
            }
        }
        boolean initialized = uninitialized.isEmpty();
        ArrayNode statuses = JsonNodeFactory.instance.arrayNode();
        List<String> unready = new ArrayList<>();
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        for (JsonNode c : spec.path("containers")) {
            ObjectNode cs = containerStatus(pod, c, byName.getOrDefault(c.path("name").asText(), List.of()), state,
                    initialized ? "ContainerCreating" : "PodInitializing", false);
            statuses.add(cs);
            if (!cs.path("ready").asBoolean()) {
                unready.add(c.path("name").asText());
            }
            JsonNode st = cs.path("state");
            if (st.has("running")) {
                running++;
            } else if (st.has("terminated")) {
                stopped++;
                if (st.path("terminated").path("exitCode").asInt() == 0) {
                    succeeded++;
                }
            } else if (cs.path("lastState").has("terminated")) {
                stopped++;
            } else {
                waiting++;
            }
        }
        String evicted = state.evicted;
        String phase = evicted != null ? "Failed" : phase(spec.path("restartPolicy").asText("Always"), initialized,
                initFailed, running, waiting, stopped, succeeded, spec.path("containers").size());

        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ArrayNode conditions = status.putArray("conditions");
        for (JsonNode c : old.path("conditions")) {
            String type = c.path("type").asText();
            if (!List.of("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready").contains(type)
                    && !(evicted != null && type.equals(DISRUPTION_TARGET))) {
                conditions.add(c);
            }
        }
        if (evicted != null) {
            // upstream 1.26+: the kubelet marks the pods it evicts as disrupted
            condition(conditions, old, now, DISRUPTION_TARGET, true, "TerminationByKubelet", evicted);
        }
        boolean finished = phase.equals("Succeeded") || phase.equals("Failed");
        condition(conditions, old, now, "PodReadyToStartContainers", sandboxReady && !terminating, null, null);
        condition(conditions, old, now, "Initialized", initialized, initialized ? null : "ContainersNotInitialized",
                initialized ? null : "containers with incomplete status: " + list(uninitialized));
        boolean ready = unready.isEmpty() && !finished && !terminating && gatesPass(pod);
        String reason = finished ? "PodCompleted" : "ContainersNotReady";
        String message = finished ? null : "containers with unready status: " + list(unready);
        condition(conditions, old, now, "ContainersReady", unready.isEmpty() && !finished,
                unready.isEmpty() && !finished ? null : reason, unready.isEmpty() && !finished ? null : message);
        condition(conditions, old, now, "Ready", ready, ready ? null : reason,
                ready ? null : unready.isEmpty() && !finished ? "the status of pod readiness gates is not true"
                        : message);

        status.put("phase", phase);
        if (evicted != null) {
            status.put("reason", EVICTED).put("message", evicted);
        }
        String hostIp = config.nodeIps().get(0);
        status.put("hostIP", hostIp);
        ArrayNode hostIps = status.putArray("hostIPs");
        config.nodeIps().forEach(ip -> hostIps.addObject().put("ip", ip));
        String ip = podIp == null || podIp.isEmpty() ? old.path("podIP").asText("") : podIp;
        if (!ip.isEmpty()) {
            status.put("podIP", ip);
            status.putArray("podIPs").addObject().put("ip", ip);
        }
        status.put("startTime", old.path("startTime").asText(now));
        if (!spec.path("initContainers").isEmpty()) {
            status.set("initContainerStatuses", initStatuses);
        }
        status.set("containerStatuses", statuses);
        if (old.has("qosClass")) {
            status.set("qosClass", old.path("qosClass"));
        }
        return status;
    }

    /** Upstream's getPhase, for the containers' states. */
    static String phase(String restartPolicy, boolean initialized, boolean initFailed, int running, int waiting,
            int stopped, int succeeded, int total) {
        if (initFailed) {
            return "Failed";
        }
        if (!initialized) {
            return "Pending";
        }
        if (waiting > 0) {
            return "Pending"; // a container has not started yet (one restarting counts as stopped)
        }
        if (running > 0) {
            return "Running";
        }
        if (stopped == total && total > 0) {
            return switch (restartPolicy) {
                case "Always" -> "Running";
                case "OnFailure" -> succeeded == total ? "Succeeded" : "Running";
                default -> succeeded == total ? "Succeeded" : "Failed";
            };
        }
        return "Pending";
    }

    private ObjectNode containerStatus(JsonNode pod, JsonNode c, List<ContainerSummary> history, PodState state,
            String defaultWaiting, boolean init) {
        String name = c.path("name").asText();
        ObjectNode cs = JsonNodeFactory.instance.objectNode();
        cs.put("name", name);
        ObjectNode st = cs.putObject("state");
        ContainerSummary latest = history.isEmpty() ? null : history.get(0);
        Optional<ContainerStatus> latestStatus = latest == null ? Optional.empty()
                : runtime.containerStatus(latest.id());
        PodState.Waiting why = state.waiting.get(name);
        ContainerStatus previous = null;
        if (latestStatus.isPresent() && latestStatus.get().state() == ContainerState.RUNNING) {
            st.putObject("running").put("startedAt", time(latestStatus.get().startedAt()));
            if (history.size() > 1) {
                previous = runtime.containerStatus(history.get(1).id()).orElse(null);
            }
        } else if (latestStatus.isPresent() && latestStatus.get().state() == ContainerState.EXITED
                && (why == null || !why.reason().equals("CrashLoopBackOff"))) {
            st.set("terminated", terminated(c, latestStatus.get()));
            if (history.size() > 1) {
                previous = runtime.containerStatus(history.get(1).id()).orElse(null);
            }
        } else {
            ObjectNode w = st.putObject("waiting");
            if (why == null && state.waiting.containsKey("")) {
                why = state.waiting.get("");
            }
            w.put("reason", why != null ? why.reason() : defaultWaiting);
            if (why != null && why.message() != null && !why.message().isEmpty()) {
                w.put("message", why.message());
            }
            if (latestStatus.isPresent() && latestStatus.get().state() == ContainerState.EXITED) {
                previous = latestStatus.get();
            }
        }
        if (previous != null && previous.state() == ContainerState.EXITED) {
            cs.putObject("lastState").set("terminated", terminated(c, previous));
        } else {
            cs.putObject("lastState");
        }
        boolean running = st.has("running");
        cs.put("ready", running && probes.ready(latest.id(), c) && !init);
        if (init && running) {
            // a sidecar counts as ready by its readiness probe; an init container is never ready while it runs
            cs.put("ready", c.path("restartPolicy").asText("").equals("Always") && probes.ready(latest.id(), c));
        }
        cs.put("restartCount", latest == null ? 0 : latest.attempt());
        cs.put("image", c.path("image").asText());
        cs.put("imageID", latestStatus.map(ContainerStatus::imageRef).orElse(""));
        if (latest != null) {
            cs.put("containerID", "containerd://" + latest.id());
        }
        cs.put("started", running && probes.started(latest.id(), c));
        return cs;
    }

    private ObjectNode terminated(JsonNode c, ContainerStatus s) {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("exitCode", s.exitCode());
        String reason = s.reason() == null || s.reason().isEmpty() ? (s.exitCode() == 0 ? "Completed" : "Error")
                : s.reason();
        t.put("reason", reason);
        String message = terminationMessage(c, s);
        if (!message.isEmpty()) {
            t.put("message", message);
        }
        t.put("startedAt", time(s.startedAt()));
        t.put("finishedAt", time(s.finishedAt()));
        t.put("containerID", "containerd://" + s.id());
        return t;
    }

    /** The file at terminationMessagePath, or the log's tail for FallbackToLogsOnError after a failure. */
    private static String terminationMessage(JsonNode c, ContainerStatus s) {
        String file = s.annotations().getOrDefault(RuntimeLabels.TERMINATION_MESSAGE_FILE, "");
        String message = "";
        if (!file.isEmpty()) {
            try {
                byte[] bytes = Files.readAllBytes(Path.of(file));
                message = new String(bytes, 0, Math.min(bytes.length, MESSAGE_LIMIT), StandardCharsets.UTF_8);
            } catch (IOException e) {
                message = "";
            }
        }
        if (message.isEmpty() && s.exitCode() != 0
                && c.path("terminationMessagePolicy").asText("File").equals("FallbackToLogsOnError")) {
            message = logTail(s.logPath());
        }
        return message;
    }

    /** The last lines of a CRI log file, without the timestamp/stream/tag prefix. */
    static String logTail(String logPath) {
        if (logPath == null || logPath.isEmpty()) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(logPath, "r")) {
            long from = Math.max(0, file.length() - 2 * MESSAGE_LIMIT);
            file.seek(from);
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
            StringBuilder out = new StringBuilder();
            for (int i = Math.max(0, lines.length - FALLBACK_LOG_LINES); i < lines.length; i++) {
                String[] parts = lines[i].split(" ", 4);
                if (parts.length == 4) {
                    out.append(parts[3]).append(parts[2].equals("P") ? "" : "\n");
                }
            }
            String text = out.toString();
            return text.length() > MESSAGE_LIMIT ? text.substring(text.length() - MESSAGE_LIMIT) : text;
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean gatesPass(JsonNode pod) {
        for (JsonNode gate : pod.path("spec").path("readinessGates")) {
            boolean found = false;
            for (JsonNode c : pod.path("status").path("conditions")) {
                if (c.path("type").asText().equals(gate.path("conditionType").asText())
                        && c.path("status").asText().equals("True")) {
                    found = true;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static void condition(ArrayNode conditions, JsonNode old, String now, String type, boolean value,
            String reason, String message) {
        String status = value ? "True" : "False";
        String transition = now;
        for (JsonNode c : old.path("conditions")) {
            if (c.path("type").asText().equals(type) && c.path("status").asText().equals(status)
                    && c.hasNonNull("lastTransitionTime")) {
                transition = c.path("lastTransitionTime").asText();
            }
        }
        ObjectNode condition = conditions.addObject();
        condition.put("type", type).put("status", status).putNull("lastProbeTime")
                .put("lastTransitionTime", transition);
        if (reason != null) {
            condition.put("reason", reason);
        }
        if (message != null) {
            condition.put("message", message);
        }
    }

    private static String list(List<String> names) {
        return "[" + String.join(" ", names) + "]";
    }

    private static String time(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
