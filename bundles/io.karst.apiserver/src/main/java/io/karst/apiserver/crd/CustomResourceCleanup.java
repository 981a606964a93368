package io.karst.apiserver.crd;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.endpoint.ObjectMetadata;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * What upstream's CRD finalizer does once a CustomResourceDefinition is being deleted: every object of the
 * resource is deleted (one with finalizers is marked for deletion and waited for), then the
 * {@code customresourcecleanup.apiextensions.k8s.io} finalizer is removed, and the CRD goes when it was the last.
 */
final class CustomResourceCleanup {
    static final String FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
    private static final Logger LOG = LoggerFactory.getLogger(CustomResourceCleanup.class);

    private final ObjectStore store;
    private final ResourceType crds;

    CustomResourceCleanup(ObjectStore store, ResourceType crds) {
        this.store = store;
        this.crds = crds;
    }

    static boolean hasFinalizer(ObjectNode crd) {
        ArrayNode finalizers = ObjectMetadata.finalizers(crd);
        if (finalizers == null) {
            return false;
        }
        for (var f : finalizers) {
            if (f.asText().equals(FINALIZER)) {
                return true;
            }
        }
        return false;
    }

    static void addFinalizer(ObjectNode crd) {
        ObjectNode meta = ObjectMetadata.of(crd);
        ArrayNode finalizers = meta.get("finalizers") instanceof ArrayNode a ? a : meta.putArray("finalizers");
        finalizers.add(FINALIZER);
    }

    /**
     * Deletes the CRD's objects; when none is left, lets the CRD go.
     *
     * @return whether the cleanup is finished (false: objects wait for their finalizers, or a write conflicted)
     */
    boolean finish(ObjectNode crd) {
        List<ResourceType> types = CustomResourceTypes.of(crd);
        if (!types.isEmpty()) {
            ResourceType type = types.get(0);
            int waiting = 0;
            for (ObjectNode object : store.list(type, null, 0, 0, null).items()) {
                try {
                    if (ObjectMetadata.hasFinalizers(object)) {
                        waiting++;
                        if (!ObjectMetadata.deleting(object)) {
                            ObjectNode marked = object.deepCopy();
                            ObjectMetadata.of(marked).put("deletionTimestamp",
                                    ObjectMetadata.timestamp(java.time.Instant.now()));
                            ObjectMetadata.of(marked).put("deletionGracePeriodSeconds", 0);
                            store.update(type, ObjectMetadata.namespace(object), ObjectMetadata.name(object), marked,
                                    ObjectMetadata.resourceVersion(object));
                        }
                    } else {
                        store.delete(type, ObjectMetadata.namespace(object), ObjectMetadata.name(object),
                                ObjectMetadata.resourceVersion(object));
                    }
                } catch (ApiException e) {
                    waiting++; // changed or gone meanwhile: the next pass sees it again
                }
            }
            if (waiting > 0) {
                return false;
            }
        }
        ObjectNode done = crd.deepCopy();
        ArrayNode finalizers = ObjectMetadata.finalizers(done);
        for (int i = finalizers.size() - 1; i >= 0; i--) {
            if (finalizers.get(i).asText().equals(FINALIZER)) {
                finalizers.remove(i);
            }
        }
        try {
            if (finalizers.isEmpty()) {
                store.delete(crds, null, ObjectMetadata.name(crd), ObjectMetadata.resourceVersion(crd));
            } else {
                store.update(crds, null, ObjectMetadata.name(crd), done, ObjectMetadata.resourceVersion(crd));
            }
            return true;
        } catch (ApiException e) {
            LOG.debug("{} not finished yet: {}", ObjectMetadata.name(crd), e.getMessage());
            return false;
        }
    }
}
