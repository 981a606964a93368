package io.karst.kubelet.pod;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerRuntimeException;

/**
 * preStop hooks, run before a container is stopped and within its grace period: {@code exec} in the container and
 * {@code sleep} (upstream's PodLifecycleSleepAction). HTTP hooks are not run yet and are logged as skipped.
 */
final class Hooks {
    private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

    private Hooks() {
    }

    static void preStop(ContainerRuntime runtime, JsonNode container, String containerId, Duration budget) {
        JsonNode hook = container.path("lifecycle").path("preStop");
        if (hook.isMissingNode() || budget.isNegative() || budget.isZero()) {
            return;
        }
        if (hook.has("exec")) {
            List<String> command = new ArrayList<>();
            hook.path("exec").path("command").forEach(c -> command.add(c.asText()));
            try {
                runtime.execSync(containerId, command, budget);
            } catch (ContainerRuntimeException e) {
                LOG.info("preStop hook of container {} failed: {}", container.path("name").asText(), e.getMessage());
            }
        } else if (hook.has("sleep")) {
            long millis = Math.min(budget.toMillis(), hook.path("sleep").path("seconds").asLong() * 1000);
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            LOG.warn("preStop hook of container {} skipped: only exec and sleep hooks are run",
                    container.path("name").asText());
        }
    }
}
