package io.karst.controllers.persistentvolume;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.admission.AdmissionAttributes;
import io.karst.api.admission.AdmissionPlugin;
import io.karst.api.client.ResourceClient;

/**
 * Upstream's DefaultStorageClass admission: a new claim that names no class (neither {@code storageClassName}, not
 * even "", nor the beta annotation) gets the default StorageClass, the newest one when several are marked.
 */
@Component(service = AdmissionPlugin.class, property = AdmissionPlugin.NAME + "=DefaultStorageClass")
public final class DefaultStorageClassAdmission implements AdmissionPlugin {
    private final ResourceClient client;

    @Activate
    public DefaultStorageClassAdmission(@Reference(target = "(karst.client=local)") ResourceClient client) {
        this.client = client;
    }

    @Override
    public void admit(AdmissionAttributes attributes) {
        if (attributes.operation() != AdmissionAttributes.Operation.CREATE || attributes.subresource() != null
                || !attributes.resource().group().isEmpty()
                || !attributes.resource().resource().equals("persistentvolumeclaims")) {
            return;
        }
        ObjectNode claim = attributes.object();
        JsonNode named = claim.path("spec").get("storageClassName");
        if ((named != null && !named.isNull()) || claim.path("metadata").path("annotations")
                .has("volume.beta.kubernetes.io/storage-class")) {
            return;
        }
        StorageClasses.defaultClass(client.resource(StorageClasses.KEY).list().items()).ifPresent(
                c -> claim.withObject("/spec").put("storageClassName", c.path("metadata").path("name").asText()));
    }
}
