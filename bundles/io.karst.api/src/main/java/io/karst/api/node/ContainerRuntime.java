package io.karst.api.node;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Pod sandboxes and containers on this node (CRI v1 RuntimeService). Calls block until the runtime answers and
 * throw {@link ContainerRuntimeException} when it refuses or cannot be reached.
 */
public interface ContainerRuntime {

    RuntimeVersion version();

    /** Whether the runtime, and separately the pod network, are ready (CRI's RuntimeReady and NetworkReady). */
    RuntimeStatus status();

    /** Tells the runtime the address range this node's pods take their IPs from (CRI UpdateRuntimeConfig). */
    void updatePodCidr(String podCidr);

    /** Creates and starts a sandbox (its network namespace and pause container); returns its id. */
    String runPodSandbox(PodSandboxConfig config);

    /** Stops every container of the sandbox and tears its network down; idempotent. */
    void stopPodSandbox(String sandboxId);

    /** Removes a sandbox and any container left in it; idempotent. */
    void removePodSandbox(String sandboxId);

    Optional<PodSandboxStatus> podSandboxStatus(String sandboxId);

    List<PodSandbox> listPodSandboxes();

    /** Creates a container in a sandbox from an image already present; returns its id. */
    String createContainer(String sandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig);

    void startContainer(String containerId);

    /** Sends the stop signal, then kills the container once {@code timeout} has passed; idempotent. */
    void stopContainer(String containerId, Duration timeout);

    void removeContainer(String containerId);

    Optional<ContainerStatus> containerStatus(String containerId);

    List<ContainerSummary> listContainers();

    /** Runs a command in a running container and waits for it (probes, preStop hooks). */
    ExecResult execSync(String containerId, List<String> command, Duration timeout);
}
