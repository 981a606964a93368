package io.karst.cri.containerd.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.karst.cri.containerd.internal.runtime.v1.AttachResponse;
import io.karst.cri.containerd.internal.runtime.v1.ContainerStatusResponse;
import io.karst.cri.containerd.internal.runtime.v1.CreateContainerResponse;
import io.karst.cri.containerd.internal.runtime.v1.ExecResponse;
import io.karst.cri.containerd.internal.runtime.v1.ListContainersResponse;
import io.karst.cri.containerd.internal.runtime.v1.ListPodSandboxResponse;
import io.karst.cri.containerd.internal.runtime.v1.PodSandboxStatusResponse;
import io.karst.cri.containerd.internal.runtime.v1.PortForwardResponse;
import io.karst.cri.containerd.internal.runtime.v1.RemoveContainerResponse;
import io.karst.cri.containerd.internal.runtime.v1.RemovePodSandboxResponse;
import io.karst.cri.containerd.internal.runtime.v1.RunPodSandboxResponse;
import io.karst.cri.containerd.internal.runtime.v1.StartContainerResponse;
import io.karst.cri.containerd.internal.runtime.v1.StatusResponse;
import io.karst.cri.containerd.internal.runtime.v1.StopContainerResponse;
import io.karst.cri.containerd.internal.runtime.v1.StopPodSandboxResponse;
import io.karst.cri.containerd.internal.runtime.v1.UpdateRuntimeConfigResponse;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.ContainerSummary;
import io.karst.api.node.EnvVar;
import io.karst.api.node.ExecResult;
import io.karst.api.node.LinuxResources;
import io.karst.api.node.RuntimeVersion;
import io.karst.api.node.SandboxState;
import io.karst.cri.containerd.internal.runtime.v1.AttachRequest;
import io.karst.cri.containerd.internal.runtime.v1.Container;
import io.karst.cri.containerd.internal.runtime.v1.ContainerMetadata;
import io.karst.cri.containerd.internal.runtime.v1.ContainerStatusRequest;
import io.karst.cri.containerd.internal.runtime.v1.CreateContainerRequest;
import io.karst.cri.containerd.internal.runtime.v1.DNSConfig;
import io.karst.cri.containerd.internal.runtime.v1.ExecRequest;
import io.karst.cri.containerd.internal.runtime.v1.ExecSyncRequest;
import io.karst.cri.containerd.internal.runtime.v1.ExecSyncResponse;
import io.karst.cri.containerd.internal.runtime.v1.ImageSpec;
import io.karst.cri.containerd.internal.runtime.v1.Int64Value;
import io.karst.cri.containerd.internal.runtime.v1.KeyValue;
import io.karst.cri.containerd.internal.runtime.v1.LinuxContainerConfig;
import io.karst.cri.containerd.internal.runtime.v1.LinuxContainerResources;
import io.karst.cri.containerd.internal.runtime.v1.LinuxContainerSecurityContext;
import io.karst.cri.containerd.internal.runtime.v1.LinuxPodSandboxConfig;
import io.karst.cri.containerd.internal.runtime.v1.LinuxSandboxSecurityContext;
import io.karst.cri.containerd.internal.runtime.v1.ListContainersRequest;
import io.karst.cri.containerd.internal.runtime.v1.ListPodSandboxRequest;
import io.karst.cri.containerd.internal.runtime.v1.NamespaceMode;
import io.karst.cri.containerd.internal.runtime.v1.NamespaceOption;
import io.karst.cri.containerd.internal.runtime.v1.NetworkConfig;
import io.karst.cri.containerd.internal.runtime.v1.PodIP;
import io.karst.cri.containerd.internal.runtime.v1.PodSandboxMetadata;
import io.karst.cri.containerd.internal.runtime.v1.PodSandboxState;
import io.karst.cri.containerd.internal.runtime.v1.PodSandboxStatusRequest;
import io.karst.cri.containerd.internal.runtime.v1.PortForwardRequest;
import io.karst.cri.containerd.internal.runtime.v1.Protocol;
import io.karst.cri.containerd.internal.runtime.v1.RemoveContainerRequest;
import io.karst.cri.containerd.internal.runtime.v1.RemovePodSandboxRequest;
import io.karst.cri.containerd.internal.runtime.v1.RunPodSandboxRequest;
import io.karst.cri.containerd.internal.runtime.v1.RuntimeCondition;
import io.karst.cri.containerd.internal.runtime.v1.RuntimeConfig;
import io.karst.cri.containerd.internal.runtime.v1.StartContainerRequest;
import io.karst.cri.containerd.internal.runtime.v1.StatusRequest;
import io.karst.cri.containerd.internal.runtime.v1.StopContainerRequest;
import io.karst.cri.containerd.internal.runtime.v1.StopPodSandboxRequest;
import io.karst.cri.containerd.internal.runtime.v1.UpdateRuntimeConfigRequest;
import io.karst.cri.containerd.internal.runtime.v1.VersionRequest;
import io.karst.cri.containerd.internal.runtime.v1.VersionResponse;

/**
 * {@link ContainerRuntime} over CRI v1's RuntimeService. Requests are built the way the kubelet builds them:
 * containers get their own PID namespace, share the pod's IPC namespace, and the pod's network namespace unless
 * the pod uses the host's network.
 */
final class CriContainerRuntime implements ContainerRuntime {
    /** What the CRI version request carries: the kubelet's runtime API version. */
    private static final String KUBELET_API_VERSION = "v1";

    private static final String SERVICE = "/runtime.v1.RuntimeService/";

    private final CriChannel channel;
    private final CriCalls calls;

    CriContainerRuntime(CriChannel channel, CriCalls calls) {
        this.channel = channel;
        this.calls = calls;
    }

    private <T> T rpc(String method, MessageLite request, Parser<T> response) {
        return rpc(method, request, response, CriCalls.DEFAULT_DEADLINE);
    }

    private <T> T rpc(String method, MessageLite request, Parser<T> response, Duration deadline) {
        return channel.call(SERVICE + method, request, response, deadline);
    }

    @Override
    public RuntimeVersion version() {
        return version(CriCalls.DEFAULT_DEADLINE);
    }

    RuntimeVersion version(Duration deadline) {
        VersionResponse response = calls.call("version", () -> rpc("Version",
                VersionRequest.newBuilder().setVersion(KUBELET_API_VERSION).build(), VersionResponse.parser(),
                deadline));
        return new RuntimeVersion(response.getRuntimeName(), response.getRuntimeVersion(),
                response.getRuntimeApiVersion());
    }

    @Override
    public io.karst.api.node.RuntimeStatus status() {
        var conditions = calls.call("status", () -> rpc("Status", StatusRequest.getDefaultInstance(), StatusResponse.parser()))
                .getStatus().getConditionsList();
        boolean runtimeReady = false;
        boolean networkReady = false;
        List<String> problems = new ArrayList<>();
        for (RuntimeCondition condition : conditions) {
            if (condition.getType().equals("RuntimeReady")) {
                runtimeReady = condition.getStatus();
            } else if (condition.getType().equals("NetworkReady")) {
                networkReady = condition.getStatus();
            }
            if (!condition.getStatus()) {
                problems.add(condition.getType() + "=false reason:" + condition.getReason() + " message:"
                        + condition.getMessage());
            }
        }
        return new io.karst.api.node.RuntimeStatus(runtimeReady, networkReady, String.join("; ", problems));
    }

    @Override
    public void updatePodCidr(String podCidr) {
        calls.call("update pod CIDR", () -> rpc("UpdateRuntimeConfig", UpdateRuntimeConfigRequest.newBuilder()
                .setRuntimeConfig(RuntimeConfig.newBuilder()
                        .setNetworkConfig(NetworkConfig.newBuilder().setPodCidr(podCidr)))
                .build(), UpdateRuntimeConfigResponse.parser()));
    }

    @Override
    public String runPodSandbox(io.karst.api.node.PodSandboxConfig config) {
        return calls.call("run pod sandbox", () -> rpc("RunPodSandbox", RunPodSandboxRequest.newBuilder()
                .setConfig(sandboxConfig(config)).build(), RunPodSandboxResponse.parser())).getPodSandboxId();
    }

    @Override
    public void stopPodSandbox(String sandboxId) {
        try {
            rpc("StopPodSandbox", StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build(), StopPodSandboxResponse.parser());
        } catch (GrpcStatusException e) {
            if (!CriCalls.notFound(e)) {
                throw calls.failure("stop pod sandbox", e);
            }
        }
    }

    @Override
    public void removePodSandbox(String sandboxId) {
        try {
            rpc("RemovePodSandbox", RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build(), RemovePodSandboxResponse.parser());
        } catch (GrpcStatusException e) {
            if (!CriCalls.notFound(e)) {
                throw calls.failure("remove pod sandbox", e);
            }
        }
    }

    @Override
    public Optional<io.karst.api.node.PodSandboxStatus> podSandboxStatus(String sandboxId) {
        io.karst.cri.containerd.internal.runtime.v1.PodSandboxStatus status;
        try {
            status = rpc("PodSandboxStatus", PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandboxId).build(), PodSandboxStatusResponse.parser())
                    .getStatus();
        } catch (GrpcStatusException e) {
            if (CriCalls.notFound(e)) {
                return Optional.empty();
            }
            throw calls.failure("pod sandbox status", e);
        }
        List<String> ips = new ArrayList<>();
        if (!status.getNetwork().getIp().isEmpty()) {
            ips.add(status.getNetwork().getIp());
        }
        for (PodIP ip : status.getNetwork().getAdditionalIpsList()) {
            ips.add(ip.getIp());
        }
        PodSandboxMetadata metadata = status.getMetadata();
        return Optional.of(new io.karst.api.node.PodSandboxStatus(status.getId(), metadata.getName(),
                metadata.getNamespace(), metadata.getUid(), metadata.getAttempt(), sandboxState(status.getState()),
                CriCalls.instant(status.getCreatedAt()), ips, status.getLabelsMap(), status.getAnnotationsMap()));
    }

    @Override
    public List<io.karst.api.node.PodSandbox> listPodSandboxes() {
        return calls.call("list pod sandboxes", () -> rpc("ListPodSandbox", ListPodSandboxRequest.getDefaultInstance(), ListPodSandboxResponse.parser()))
                .getItemsList().stream()
                .map(item -> new io.karst.api.node.PodSandbox(item.getId(), item.getMetadata().getName(),
                        item.getMetadata().getNamespace(), item.getMetadata().getUid(),
                        item.getMetadata().getAttempt(), sandboxState(item.getState()),
                        CriCalls.instant(item.getCreatedAt()), item.getLabelsMap(), item.getAnnotationsMap()))
                .toList();
    }

    @Override
    public String createContainer(String sandboxId, io.karst.api.node.ContainerConfig config,
            io.karst.api.node.PodSandboxConfig sandboxConfig) {
        return calls.call("create container", () -> rpc("CreateContainer", CreateContainerRequest.newBuilder()
                .setPodSandboxId(sandboxId)
                .setConfig(containerConfig(config, sandboxConfig))
                .setSandboxConfig(sandboxConfig(sandboxConfig))
                .build(), CreateContainerResponse.parser())).getContainerId();
    }

    @Override
    public void startContainer(String containerId) {
        calls.call("start container", () -> rpc("StartContainer", 
                StartContainerRequest.newBuilder().setContainerId(containerId).build(), StartContainerResponse.parser()));
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        long seconds = ceilSeconds(timeout);
        try {
            // the runtime waits out the grace period before it kills, so the call may take that long
            rpc("StopContainer", StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(seconds)
                    .build(), StopContainerResponse.parser(), CriCalls.DEFAULT_DEADLINE.plusSeconds(seconds));
        } catch (GrpcStatusException e) {
            if (!CriCalls.notFound(e)) {
                throw calls.failure("stop container", e);
            }
        }
    }

    @Override
    public void removeContainer(String containerId) {
        try {
            rpc("RemoveContainer", RemoveContainerRequest.newBuilder().setContainerId(containerId).build(), RemoveContainerResponse.parser());
        } catch (GrpcStatusException e) {
            if (!CriCalls.notFound(e)) {
                throw calls.failure("remove container", e);
            }
        }
    }

    @Override
    public Optional<io.karst.api.node.ContainerStatus> containerStatus(String containerId) {
        io.karst.cri.containerd.internal.runtime.v1.ContainerStatus status;
        try {
            status = rpc("ContainerStatus", ContainerStatusRequest.newBuilder().setContainerId(containerId).build(), ContainerStatusResponse.parser())
                    .getStatus();
        } catch (GrpcStatusException e) {
            if (CriCalls.notFound(e)) {
                return Optional.empty();
            }
            throw calls.failure("container status", e);
        }
        ContainerMetadata metadata = status.getMetadata();
        return Optional.of(new io.karst.api.node.ContainerStatus(status.getId(), metadata.getName(),
                metadata.getAttempt(), containerState(status.getState()), CriCalls.instant(status.getCreatedAt()),
                CriCalls.instant(status.getStartedAt()), CriCalls.instant(status.getFinishedAt()),
                status.getExitCode(), status.getImage().getImage(), status.getImageRef(), status.getReason(),
                status.getMessage(), status.getLogPath(), status.getLabelsMap(), status.getAnnotationsMap()));
    }

    @Override
    public List<ContainerSummary> listContainers() {
        return calls.call("list containers", () -> rpc("ListContainers", ListContainersRequest.getDefaultInstance(), ListContainersResponse.parser()))
                .getContainersList().stream()
                .map(CriContainerRuntime::summary)
                .toList();
    }

    @Override
    public ExecResult execSync(String containerId, List<String> command, Duration timeout) {
        long seconds = ceilSeconds(timeout);
        ExecSyncResponse response = calls.call("exec", () -> rpc("ExecSync", ExecSyncRequest.newBuilder()
                .setContainerId(containerId).addAllCmd(command).setTimeout(seconds).build(), ExecSyncResponse.parser(),
                seconds == 0 ? CriCalls.DEFAULT_DEADLINE : Duration.ofSeconds(seconds + 10)));
        return new ExecResult(response.getExitCode(), response.getStdout().toByteArray(),
                response.getStderr().toByteArray());
    }

    @Override
    public URI exec(String containerId, List<String> command, boolean tty, boolean stdin, boolean stdout,
            boolean stderr) {
        return streamingUrl(calls.call("exec", () -> rpc("Exec", ExecRequest.newBuilder().setContainerId(containerId)
                .addAllCmd(command).setTty(tty).setStdin(stdin).setStdout(stdout).setStderr(stderr).build(), ExecResponse.parser()))
                .getUrl());
    }

    @Override
    public URI attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        return streamingUrl(calls.call("attach", () -> rpc("Attach", AttachRequest.newBuilder()
                .setContainerId(containerId).setTty(tty).setStdin(stdin).setStdout(stdout).setStderr(stderr)
                .build(), AttachResponse.parser())).getUrl());
    }

    @Override
    public URI portForward(String sandboxId, List<Integer> ports) {
        return streamingUrl(calls.call("port forward", () -> rpc("PortForward", PortForwardRequest.newBuilder()
                .setPodSandboxId(sandboxId).addAllPort(ports).build(), PortForwardResponse.parser())).getUrl());
    }

    /** The runtime's streaming server answers with an absolute URL (containerd: {@code http://127.0.0.1:port/...}). */
    private static URI streamingUrl(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || uri.getPort() < 0 && uri.getScheme() == null) {
                throw new ContainerRuntimeException("the runtime returned a streaming URL without a host: " + url);
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new ContainerRuntimeException("the runtime returned an invalid streaming URL: " + url, e);
        }
    }

    private static ContainerSummary summary(Container item) {
        return new ContainerSummary(item.getId(), item.getPodSandboxId(), item.getMetadata().getName(),
                item.getMetadata().getAttempt(), item.getImage().getImage(), item.getImageRef(),
                containerState(item.getState()), CriCalls.instant(item.getCreatedAt()), item.getLabelsMap(),
                item.getAnnotationsMap());
    }

    static io.karst.cri.containerd.internal.runtime.v1.PodSandboxConfig sandboxConfig(
            io.karst.api.node.PodSandboxConfig config) {
        var builder = io.karst.cri.containerd.internal.runtime.v1.PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(config.name())
                        .setNamespace(config.namespace()).setUid(config.uid()).setAttempt(config.attempt()))
                .setHostname(nullToEmpty(config.hostname()))
                .setLogDirectory(nullToEmpty(config.logDirectory()))
                .putAllLabels(config.labels())
                .putAllAnnotations(config.annotations());
        for (io.karst.api.node.PortMapping port : config.portMappings()) {
            builder.addPortMappings(io.karst.cri.containerd.internal.runtime.v1.PortMapping.newBuilder()
                    .setProtocol(protocol(port.protocol()))
                    .setContainerPort(port.containerPort())
                    .setHostPort(port.hostPort())
                    .setHostIp(nullToEmpty(port.hostIp())));
        }
        if (config.dns() != null) {
            builder.setDnsConfig(DNSConfig.newBuilder().addAllServers(config.dns().servers())
                    .addAllSearches(config.dns().searches()).addAllOptions(config.dns().options()));
        }
        LinuxPodSandboxConfig.Builder linux = LinuxPodSandboxConfig.newBuilder()
                .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(namespaces(config.hostNetwork())));
        if (config.cgroupParent() != null) {
            linux.setCgroupParent(config.cgroupParent());
        }
        return builder.setLinux(linux).build();
    }

    static io.karst.cri.containerd.internal.runtime.v1.ContainerConfig containerConfig(
            io.karst.api.node.ContainerConfig config, io.karst.api.node.PodSandboxConfig sandbox) {
        var builder = io.karst.cri.containerd.internal.runtime.v1.ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(config.name()).setAttempt(config.attempt()))
                .setImage(ImageSpec.newBuilder().setImage(config.image()))
                .addAllCommand(config.command())
                .addAllArgs(config.args())
                .setWorkingDir(nullToEmpty(config.workingDir()))
                .putAllLabels(config.labels())
                .putAllAnnotations(config.annotations())
                .setLogPath(nullToEmpty(config.logPath()))
                .setStdin(config.stdin())
                .setStdinOnce(config.stdinOnce())
                .setTty(config.tty());
        for (EnvVar env : config.env()) {
            builder.addEnvs(KeyValue.newBuilder().setKey(env.name()).setValue(env.value()));
        }
        for (io.karst.api.node.Mount mount : config.mounts()) {
            builder.addMounts(io.karst.cri.containerd.internal.runtime.v1.Mount.newBuilder()
                    .setContainerPath(mount.containerPath()).setHostPath(mount.hostPath())
                    .setReadonly(mount.readOnly()));
        }
        LinuxContainerSecurityContext.Builder security = LinuxContainerSecurityContext.newBuilder()
                .setPrivileged(config.privileged())
                .setReadonlyRootfs(config.readOnlyRootFilesystem())
                .setNamespaceOptions(namespaces(sandbox.hostNetwork()));
        if (config.runAsUser() != null) {
            security.setRunAsUser(Int64Value.newBuilder().setValue(config.runAsUser()));
        }
        if (config.runAsGroup() != null) {
            security.setRunAsGroup(Int64Value.newBuilder().setValue(config.runAsGroup()));
        }
        LinuxContainerConfig.Builder linux = LinuxContainerConfig.newBuilder().setSecurityContext(security);
        LinuxResources resources = config.resources();
        if (resources != null) {
            linux.setResources(LinuxContainerResources.newBuilder()
                    .setCpuPeriod(resources.cpuPeriod())
                    .setCpuQuota(resources.cpuQuota())
                    .setCpuShares(resources.cpuShares())
                    .setMemoryLimitInBytes(resources.memoryLimitBytes()));
        }
        return builder.setLinux(linux).build();
    }

    /** As the kubelet sets them: a PID namespace per container, the pod's IPC, the pod's or the host's network. */
    private static NamespaceOption namespaces(boolean hostNetwork) {
        return NamespaceOption.newBuilder()
                .setNetwork(hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD)
                .setPid(NamespaceMode.CONTAINER)
                .setIpc(NamespaceMode.POD)
                .build();
    }

    private static Protocol protocol(String protocol) {
        return switch (protocol == null ? "TCP" : protocol) {
            case "TCP" -> Protocol.TCP;
            case "UDP" -> Protocol.UDP;
            case "SCTP" -> Protocol.SCTP;
            default -> throw new ContainerRuntimeException("unknown port protocol " + protocol
                    + " (TCP, UDP or SCTP)");
        };
    }

    private static SandboxState sandboxState(PodSandboxState state) {
        return state == PodSandboxState.SANDBOX_READY ? SandboxState.READY : SandboxState.NOT_READY;
    }

    private static io.karst.api.node.ContainerState containerState(
            io.karst.cri.containerd.internal.runtime.v1.ContainerState state) {
        return switch (state) {
            case CONTAINER_CREATED -> io.karst.api.node.ContainerState.CREATED;
            case CONTAINER_RUNNING -> io.karst.api.node.ContainerState.RUNNING;
            case CONTAINER_EXITED -> io.karst.api.node.ContainerState.EXITED;
            default -> io.karst.api.node.ContainerState.UNKNOWN;
        };
    }

    /** CRI timeouts are whole seconds; a partial second rounds up, so a short timeout never becomes none (0). */
    private static long ceilSeconds(Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            return 0;
        }
        long seconds = timeout.getSeconds();
        return timeout.getNano() > 0 ? seconds + 1 : seconds;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
