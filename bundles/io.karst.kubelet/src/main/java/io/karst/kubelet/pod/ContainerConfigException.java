package io.karst.kubelet.pod;

/** A container cannot be configured (a missing ConfigMap key, say): upstream's CreateContainerConfigError. */
final class ContainerConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ContainerConfigException(String message) {
        super(message);
    }
}
