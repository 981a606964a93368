package io.karst.controllers.persistentvolume;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;

/** What the binder and the admission steps read from StorageClasses. */
final class StorageClasses {
    static final ResourceKey KEY = new ResourceKey("storage.k8s.io", "v1", "storageclasses");
    static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";
    static final String DEFAULT = "storageclass.kubernetes.io/is-default-class";
    static final String BETA_DEFAULT = "storageclass.beta.kubernetes.io/is-default-class";

    private StorageClasses() {
    }

    static boolean waitForFirstConsumer(JsonNode storageClass) {
        return storageClass != null && storageClass.path("volumeBindingMode").asText("").equals("WaitForFirstConsumer");
    }

    static boolean isDefault(JsonNode storageClass) {
        JsonNode annotations = storageClass.path("metadata").path("annotations");
        return annotations.path(DEFAULT).asText("").equals("true")
                || annotations.path(BETA_DEFAULT).asText("").equals("true");
    }

    /**
     * Upstream's GetDefaultClass: of the classes marked default, the newest (then by name), so that adding a new
     * default class takes over without removing the old mark first.
     */
    static Optional<ObjectNode> defaultClass(List<ObjectNode> classes) {
        return classes.stream().filter(StorageClasses::isDefault)
                .max(Comparator.<ObjectNode, String>comparing(c -> c.path("metadata").path("creationTimestamp")
                        .asText("")).thenComparing(c -> c.path("metadata").path("name").asText(),
                                Comparator.reverseOrder()));
    }
}
