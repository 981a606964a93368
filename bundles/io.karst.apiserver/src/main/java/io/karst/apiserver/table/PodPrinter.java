package io.karst.apiserver.table;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pods: NAME READY STATUS RESTARTS AGE, wide IP NODE NOMINATED NODE READINESS GATES. STATUS walks the init
 * containers first (the first unfinished one explains the pod, as {@code Init:2/3}, {@code Init:CrashLoopBackOff},
 * {@code Init:ExitCode:1}), then the app containers from last to first so that the first one's reason wins;
 * restartable init containers (sidecars) count as containers once started; a deleted pod shows
 * {@code Terminating}. RESTARTS adds {@code (5m ago)} from the newest last termination.
 */
final class PodPrinter implements TablePrinter {
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.described("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
            Column.described("Status", "string", "The aggregate status of the containers in this pod."),
            Column.described("Restarts", "string", "The number of times the containers in this pod have been "
                    + "restarted and when the last container in this pod has restarted."),
            Column.age(),
            Column.string("IP", "PodStatus.podIP").wide(),
            Column.string("Node", "PodSpec.nodeName").wide(),
            Column.string("Nominated Node", "PodStatus.nominatedNodeName").wide(),
            Column.string("Readiness Gates", "PodSpec.readinessGates").wide());

    /** What kubelet writes to status.reason when the node is lost. */
    private static final String NODE_UNREACHABLE_REASON = "NodeLost";

    @Override
    public List<Column> columnDefinitions() {
        return COLUMNS;
    }

    @Override
    public ArrayNode conditions(ObjectNode pod) {
        String phase = Fields.text(pod, "status", "phase");
        if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
            return null;
        }
        ArrayNode conditions = JsonNodeFactory.instance.arrayNode();
        ObjectNode c = conditions.addObject();
        c.put("type", "Completed");
        c.put("status", "True");
        c.put("reason", phase);
        c.put("message", phase.equals("Succeeded") ? "The pod has completed successfully." : "The pod failed.");
        return conditions;
    }

    @Override
    public List<Object> cells(ObjectNode pod, Instant now) {
        JsonNode spec = pod.path("spec");
        JsonNode status = pod.path("status");
        int restarts = 0;
        int restartableInitRestarts = 0;
        int totalContainers = Fields.size(spec, "containers");
        int readyContainers = 0;
        Instant lastRestart = null;
        Instant lastRestartableInitRestart = null;

        String phase = Fields.text(status, "phase");
        String reason = phase;
        if (!Fields.text(status, "reason").isEmpty()) {
            reason = Fields.text(status, "reason");
        }
        for (JsonNode condition : Fields.list(status, "conditions")) {
            if ("PodScheduled".equals(condition.path("type").asText())
                    && "SchedulingGated".equals(condition.path("reason").asText())) {
                reason = "SchedulingGated";
            }
        }

        Map<String, JsonNode> initContainers = new HashMap<>();
        List<JsonNode> initSpecs = Fields.list(spec, "initContainers");
        for (JsonNode c : initSpecs) {
            initContainers.put(c.path("name").asText(), c);
            if (restartable(c)) {
                totalContainers++;
            }
        }

        boolean initializing = false;
        List<JsonNode> initStatuses = Fields.list(status, "initContainerStatuses");
        for (int i = 0; i < initStatuses.size(); i++) {
            JsonNode container = initStatuses.get(i);
            int count = (int) Fields.integer(container, "restartCount");
            restarts += count;
            Instant terminatedAt = Fields.time(container, "lastState", "terminated", "finishedAt");
            lastRestart = later(lastRestart, terminatedAt);
            boolean sidecar = restartable(initContainers.get(container.path("name").asText()));
            if (sidecar) {
                restartableInitRestarts += count;
                lastRestartableInitRestart = later(lastRestartableInitRestart, terminatedAt);
            }
            JsonNode terminated = container.path("state").path("terminated");
            JsonNode waiting = container.path("state").path("waiting");
            if (terminated.isObject() && Fields.integer(terminated, "exitCode") == 0) {
                continue;
            }
            if (sidecar && container.path("started").asBoolean(false)) {
                if (container.path("ready").asBoolean(false)) {
                    readyContainers++;
                }
                continue;
            }
            if (terminated.isObject()) {
                String terminatedReason = Fields.text(terminated, "reason");
                if (terminatedReason.isEmpty()) {
                    long signal = Fields.integer(terminated, "signal");
                    reason = signal != 0 ? "Init:Signal:" + signal
                            : "Init:ExitCode:" + Fields.integer(terminated, "exitCode");
                } else {
                    reason = "Init:" + terminatedReason;
                }
            } else if (waiting.isObject() && !Fields.text(waiting, "reason").isEmpty()
                    && !Fields.text(waiting, "reason").equals("PodInitializing")) {
                reason = "Init:" + Fields.text(waiting, "reason");
            } else {
                reason = "Init:" + i + "/" + initSpecs.size();
            }
            initializing = true;
            break;
        }

        if (!initializing || initializedConditionTrue(status)) {
            restarts = restartableInitRestarts;
            lastRestart = lastRestartableInitRestart;
            boolean hasRunning = false;
            List<JsonNode> statuses = Fields.list(status, "containerStatuses");
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode container = statuses.get(i);
                restarts += (int) Fields.integer(container, "restartCount");
                lastRestart = later(lastRestart, Fields.time(container, "lastState", "terminated", "finishedAt"));
                JsonNode terminated = container.path("state").path("terminated");
                JsonNode waiting = container.path("state").path("waiting");
                if (waiting.isObject() && !Fields.text(waiting, "reason").isEmpty()) {
                    reason = Fields.text(waiting, "reason");
                } else if (terminated.isObject() && !Fields.text(terminated, "reason").isEmpty()) {
                    reason = Fields.text(terminated, "reason");
                } else if (terminated.isObject()) {
                    long signal = Fields.integer(terminated, "signal");
                    reason = signal != 0 ? "Signal:" + signal : "ExitCode:" + Fields.integer(terminated, "exitCode");
                } else if (container.path("ready").asBoolean(false) && container.path("state").path("running").isObject()) {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            // a pod whose last container completed while another still runs is not "Completed"
            if (reason.equals("Completed") && hasRunning) {
                reason = podReady(status) ? "Running" : "NotReady";
            }
        }

        boolean deleting = Fields.present(pod, "metadata", "deletionTimestamp");
        if (deleting && NODE_UNREACHABLE_REASON.equals(Fields.text(status, "reason"))) {
            reason = "Unknown";
        } else if (deleting && !phase.equals("Succeeded") && !phase.equals("Failed")) {
            reason = "Terminating";
        }

        String restartsText = Integer.toString(restarts);
        if (restarts != 0 && lastRestart != null) {
            restartsText = restarts + " (" + Fields.since(lastRestart, now) + " ago)";
        }

        String podIp = Fields.text(status.path("podIPs").path(0), "ip");
        String nodeName = Fields.text(spec, "nodeName");
        String nominated = Fields.text(status, "nominatedNodeName");
        return List.of(Fields.name(pod), readyContainers + "/" + totalContainers, reason, restartsText,
                Fields.age(pod, now),
                podIp.isEmpty() ? Formats.NONE : podIp,
                nodeName.isEmpty() ? Formats.NONE : nodeName,
                nominated.isEmpty() ? Formats.NONE : nominated,
                readinessGates(spec, status));
    }

    private static String readinessGates(JsonNode spec, JsonNode status) {
        List<JsonNode> gates = Fields.list(spec, "readinessGates");
        if (gates.isEmpty()) {
            return Formats.NONE;
        }
        int trueConditions = 0;
        for (JsonNode gate : gates) {
            String type = gate.path("conditionType").asText();
            for (JsonNode condition : Fields.list(status, "conditions")) {
                if (type.equals(condition.path("type").asText())) {
                    if ("True".equals(condition.path("status").asText())) {
                        trueConditions++;
                    }
                    break;
                }
            }
        }
        return trueConditions + "/" + gates.size();
    }

    /** A sidecar: an init container with restartPolicy Always. */
    private static boolean restartable(JsonNode initContainer) {
        return initContainer != null && "Always".equals(initContainer.path("restartPolicy").asText(null));
    }

    private static boolean initializedConditionTrue(JsonNode status) {
        for (JsonNode condition : Fields.list(status, "conditions")) {
            if ("Initialized".equals(condition.path("type").asText())) {
                return "True".equals(condition.path("status").asText());
            }
        }
        return false;
    }

    private static boolean podReady(JsonNode status) {
        for (JsonNode condition : Fields.list(status, "conditions")) {
            if ("Ready".equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    private static Instant later(Instant current, Instant candidate) {
        if (candidate == null) {
            return current;
        }
        return current == null || current.isBefore(candidate) ? candidate : current;
    }
}
