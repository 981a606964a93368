package io.karst.kubelet.volume;

/** A volume could not be set up; the message says which and why, as the pod's FailedMount event shows it. */
public class VolumeException extends Exception {
    private static final long serialVersionUID = 1L;

    public VolumeException(String message) {
        super(message);
    }
}
