package io.karst.kubelet.pod;

/**
 * The labels and annotations upstream's kubelet puts on sandboxes and containers, so a sandbox or container found in
 * the runtime is tied back to its pod (also after a kubelet restart) and tools such as crictl show the same names.
 */
final class RuntimeLabels {
    static final String POD_NAME = "io.kubernetes.pod.name";
    static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    static final String POD_UID = "io.kubernetes.pod.uid";
    static final String CONTAINER_NAME = "io.kubernetes.container.name";
    static final String RESTART_COUNT = "io.kubernetes.container.restartCount";
    static final String TERMINATION_MESSAGE_PATH = "io.kubernetes.container.terminationMessagePath";
    static final String TERMINATION_GRACE = "io.kubernetes.pod.terminationGracePeriod";
    /** Karst's own: the host file behind the container's termination message. */
    static final String TERMINATION_MESSAGE_FILE = "io.karst.container.terminationMessageFile";

    private RuntimeLabels() {
    }
}
