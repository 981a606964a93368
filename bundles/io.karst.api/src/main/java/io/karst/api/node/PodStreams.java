package io.karst.api.node;

import java.net.URI;
import java.util.List;

/**
 * The streaming endpoints of the pods on one node, as the kubelet serves them to the API server's
 * {@code pods/exec}, {@code pods/attach} and {@code pods/portforward} (upstream's {@code /exec}, {@code /attach}
 * and {@code /portForward}). Each call resolves the pod's container or sandbox on this node and returns the
 * container runtime's single-use streaming URL ({@link ContainerRuntime#exec}), which the caller connects to at
 * once with an upgrade request; the bytes of the session then flow between the client and the runtime.
 *
 * <p>Registered by each node's kubelet with the service property {@value #NODE_NAME}; a node reached through
 * the tunnel gets a registration of the same interface.
 */
public interface PodStreams {
    /** Service property: the name of the node whose pods the service serves. */
    String NODE_NAME = "karst.node.name";

    /**
     * The runtime URL of an exec of {@code command} in the named container of the pod with uid {@code podUid}.
     *
     * @throws StreamNotAvailableException when the container is not running on this node (upstream's
     *                                     {@code container not found ("c")})
     * @throws ContainerRuntimeException   when the runtime refuses
     */
    URI exec(String namespace, String pod, String podUid, String container, List<String> command, boolean tty,
            boolean stdin, boolean stdout, boolean stderr);

    /**
     * The runtime URL of an attach to the named container's main process.
     *
     * @throws StreamNotAvailableException when the container is not running on this node
     * @throws ContainerRuntimeException   when the runtime refuses
     */
    URI attach(String namespace, String pod, String podUid, String container, boolean tty, boolean stdin,
            boolean stdout, boolean stderr);

    /**
     * The runtime URL of port forwarding into the pod's sandbox (its network namespace).
     *
     * @throws StreamNotAvailableException when the pod has no ready sandbox on this node
     * @throws ContainerRuntimeException   when the runtime refuses
     */
    URI portForward(String namespace, String pod, String podUid, List<Integer> ports);
}
