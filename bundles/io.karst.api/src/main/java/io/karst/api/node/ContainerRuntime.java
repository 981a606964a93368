package io.karst.api.node;

import java.net.URI;
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

    /**
     * Prepares a streaming exec of {@code command} in a running container (CRI Exec) and returns the runtime's
     * streaming URL. The URL is single-use and short-lived (the runtime's token): the caller connects to it at once
     * with an upgrade request of upstream's remotecommand protocols ({@code SPDY/3.1} with
     * {@code X-Stream-Protocol-Version}, or a {@code v4.channel.k8s.io} WebSocket). At least one of
     * {@code stdin}, {@code stdout}, {@code stderr} must be requested; {@code tty} merges stderr into stdout.
     */
    URI exec(String containerId, List<String> command, boolean tty, boolean stdin, boolean stdout, boolean stderr);

    /**
     * Prepares a streaming attach to a running container's main process (CRI Attach) and returns the runtime's
     * single-use streaming URL; the protocols are those of {@link #exec}.
     */
    URI attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr);

    /**
     * Prepares port forwarding into a sandbox's network namespace (CRI PortForward) and returns the runtime's
     * single-use streaming URL, reached with a {@code SPDY/3.1} upgrade of protocol {@code portforward.k8s.io}
     * (the ports are then named per stream; {@code ports} may be empty).
     */
    URI portForward(String sandboxId, List<Integer> ports);
}
