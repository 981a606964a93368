package io.karst.controllers.persistentvolume;

import org.osgi.service.component.annotations.Component;

import io.karst.api.admission.AdmissionAttributes;
import io.karst.api.admission.AdmissionPlugin;

/**
 * Upstream's StorageObjectInUseProtection admission: new claims get {@code kubernetes.io/pvc-protection}, new
 * volumes {@code kubernetes.io/pv-protection}, so that neither can vanish before the protection controllers have
 * looked at it.
 */
@Component(service = AdmissionPlugin.class, property = AdmissionPlugin.NAME + "=StorageObjectInUseProtection")
public final class StorageObjectInUseProtectionAdmission implements AdmissionPlugin {
    @Override
    public void admit(AdmissionAttributes attributes) {
        if (attributes.operation() != AdmissionAttributes.Operation.CREATE || attributes.subresource() != null
                || !attributes.resource().group().isEmpty()) {
            return;
        }
        String finalizer = switch (attributes.resource().resource()) {
            case "persistentvolumeclaims" -> Finalizers.PVC_PROTECTION;
            case "persistentvolumes" -> Finalizers.PV_PROTECTION;
            default -> null;
        };
        if (finalizer != null && !Finalizers.has(attributes.object(), finalizer)) {
            attributes.object().withObject("/metadata").withArray("finalizers").add(finalizer);
        }
    }
}
