package io.karst.api.node;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The container logs of the pods on one node, as the kubelet serves them to the API server's {@code pods/log}
 * (upstream's {@code /containerLogs}). Registered by each node's kubelet with the service property
 * {@value #NODE_NAME}; a node reached through the tunnel gets a registration of the same interface.
 */
public interface PodLogs {
    /** Service property: the name of the node whose logs the service serves. */
    String NODE_NAME = "karst.node.name";

    /**
     * Writes a container's log to {@code out} as upstream's kubelet does (the lines' text, optionally with their
     * RFC 3339 timestamps), and with {@link LogOptions#follow()} keeps writing new lines until the container's log
     * ends (it exited and a newer attempt started, or the pod went) or writing fails because the reader left.
     *
     * @throws LogsNotFoundException when the pod, the container or (for {@code previous}) an earlier attempt has
     *                               no log on this node; the message says which, as upstream's 400 does
     * @throws IOException when writing to {@code out} fails
     */
    void write(String namespace, String pod, String podUid, String container, LogOptions options, OutputStream out)
            throws IOException;
}
