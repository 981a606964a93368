package io.karst.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Job's {@code spec.podFailurePolicy}: the first rule that matches a failed pod (by the exit code of a terminated
 * container, or by a pod condition) says whether the failure fails the Job, is ignored, or counts towards
 * {@code backoffLimit}. A failure no rule matches counts.
 */
final class PodFailurePolicy {
    /** What a matching rule decides; {@code message} explains the match as upstream words it. */
    record Match(String action, String message) {
    }

    static final String FAIL_JOB = "FailJob";
    static final String IGNORE = "Ignore";
    static final String COUNT = "Count";
    /** With backoffLimitPerIndex: the pod's index fails, the others go on. */
    static final String FAIL_INDEX = "FailIndex";

    private PodFailurePolicy() {
    }

    /** The matching rule's decision for a failed {@code pod}, or null when no rule matches (or no policy). */
    static Match match(JsonNode policy, ObjectNode pod) {
        int index = 0;
        for (JsonNode rule : policy.path("rules")) {
            String action = rule.path("action").asText();
            String message = rule.has("onExitCodes") ? exitCodes(rule.path("onExitCodes"), pod, action, index)
                    : conditions(rule.path("onPodConditions"), pod, action, index);
            if (message != null) {
                return new Match(action, message);
            }
            index++;
        }
        return null;
    }

    private static String exitCodes(JsonNode requirement, ObjectNode pod, String action, int index) {
        String container = requirement.path("containerName").asText("");
        boolean in = requirement.path("operator").asText().equals("In");
        for (String statuses : new String[] {"initContainerStatuses", "containerStatuses"}) {
            for (JsonNode status : pod.path("status").path(statuses)) {
                JsonNode terminated = status.path("state").path("terminated");
                if (!terminated.isObject() || (!container.isEmpty()
                        && !container.equals(status.path("name").asText()))) {
                    continue;
                }
                int code = terminated.path("exitCode").asInt(0);
                if (code == 0) {
                    continue; // a container that succeeded never matches
                }
                boolean listed = false;
                for (JsonNode v : requirement.path("values")) {
                    listed |= v.asInt() == code;
                }
                if (listed == in) {
                    return "Container " + status.path("name").asText() + " for pod " + podName(pod)
                            + " failed with exit code " + code + " matching " + action + " rule at index " + index;
                }
            }
        }
        return null;
    }

    private static String conditions(JsonNode patterns, ObjectNode pod, String action, int index) {
        for (JsonNode pattern : patterns) {
            String wantStatus = pattern.path("status").asText("True");
            for (JsonNode c : pod.path("status").path("conditions")) {
                if (c.path("type").asText().equals(pattern.path("type").asText())
                        && c.path("status").asText().equals(wantStatus)) {
                    return "Pod " + podName(pod) + " has condition " + c.path("type").asText() + " matching "
                            + action + " rule at index " + index;
                }
            }
        }
        return null;
    }

    private static String podName(ObjectNode pod) {
        return pod.path("metadata").path("namespace").asText() + "/" + pod.path("metadata").path("name").asText();
    }
}
