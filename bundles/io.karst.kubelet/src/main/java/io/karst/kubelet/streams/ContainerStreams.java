package io.karst.kubelet.streams;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerSummary;
import io.karst.api.node.PodSandbox;
import io.karst.api.node.PodStreams;
import io.karst.api.node.SandboxState;
import io.karst.api.node.StreamNotAvailableException;

/**
 * This node's {@link PodStreams}: finds the pod's running container (or ready sandbox) in the runtime by the labels
 * the kubelet put on it, as upstream's kubelet finds it among its running pods, and asks the runtime for the
 * streaming URL. A container that is not running is upstream's {@code container not found ("c")}.
 */
public final class ContainerStreams implements PodStreams {
    /** The CRI labels the kubelet puts on containers (upstream's names; {@code pod.RuntimeLabels} sets them). */
    private static final String POD_UID_LABEL = "io.kubernetes.pod.uid";
    private static final String CONTAINER_NAME_LABEL = "io.kubernetes.container.name";

    private final ContainerRuntime runtime;
    private final UnaryOperator<String> runtimeUids;

    public ContainerStreams(ContainerRuntime runtime) {
        this(runtime, UnaryOperator.identity());
    }

    /** @param runtimeUids the uid the node runs a pod under, from its API uid (a mirror's is its static pod's) */
    public ContainerStreams(ContainerRuntime runtime, UnaryOperator<String> runtimeUids) {
        this.runtime = runtime;
        this.runtimeUids = runtimeUids;
    }

    @Override
    public URI exec(String namespace, String pod, String podUid, String container, List<String> command,
            boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        return runtime.exec(runningContainer(runtimeUids.apply(podUid), container), command, tty, stdin, stdout,
                stderr);
    }

    @Override
    public URI attach(String namespace, String pod, String podUid, String container, boolean tty, boolean stdin,
            boolean stdout, boolean stderr) {
        return runtime.attach(runningContainer(runtimeUids.apply(podUid), container), tty, stdin, stdout, stderr);
    }

    @Override
    public URI portForward(String namespace, String pod, String podUid, List<Integer> ports) {
        String uid = runtimeUids.apply(podUid);
        String sandbox = runtime.listPodSandboxes().stream()
                .filter(s -> s.state() == SandboxState.READY && uid.equals(s.uid()))
                .max(Comparator.comparingInt(PodSandbox::attempt))
                .map(PodSandbox::id)
                .orElseThrow(() -> new StreamNotAvailableException("pod \"" + pod + "\" in namespace \""
                        + namespace + "\" has no running sandbox on this node"));
        return runtime.portForward(sandbox, ports);
    }

    /** The id of the newest running attempt of the container; upstream's kubelet looks among running ones only. */
    private String runningContainer(String podUid, String container) {
        return runtime.listContainers().stream()
                .filter(c -> c.state() == ContainerState.RUNNING && podUid.equals(c.labels().get(POD_UID_LABEL))
                        && container.equals(c.labels().get(CONTAINER_NAME_LABEL)))
                .max(Comparator.comparingInt(ContainerSummary::attempt))
                .map(ContainerSummary::id)
                .orElseThrow(() -> new StreamNotAvailableException("container not found (\"" + container + "\")"));
    }
}
