package io.karst.api.admission;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One admission step of the write path (kube-apiserver's mutating and validating admission plugins). Called for
 * every create and update the API server is about to store, on the request's thread: it must be quick and must
 * not call back into the API for the object being written.
 */
@ConsumerType
public interface AdmissionPlugin {
    /** Service property: the plugin's name, as upstream names its plugins (e.g. {@code ResourceQuota}). */
    String NAME = "karst.admission.name";

    /**
     * Looks at a write; may change {@link AdmissionAttributes#object()}.
     *
     * @throws AdmissionDeniedException to refuse it (nothing is stored)
     */
    void admit(AdmissionAttributes attributes);
}
