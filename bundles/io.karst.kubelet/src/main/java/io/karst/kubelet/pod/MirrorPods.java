package io.karst.kubelet.pod;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceOperations;

/**
 * The API's view of static pods: a mirror Pod per running static pod (same name, namespace and spec, annotated
 * {@code kubernetes.io/config.mirror} with the static pod's uid and owned by the Node, as upstream), recreated when
 * someone deletes it, deleted when the manifest goes. The mirror's uid is the API's own, so it is remembered here
 * for the status writes. Every call may find the API unreachable: static pods run on without their mirrors.
 */
final class MirrorPods {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorPods.class);

    private final ResourceClient client;
    private final String nodeName;
    private volatile String nodeUid;
    /** static pod uid → its mirror's uid in the API */
    private final Map<String, String> mirrors = new ConcurrentHashMap<>();

    MirrorPods(ResourceClient client, String nodeName) {
        this.client = client;
        this.nodeName = nodeName;
    }

    /** Mirrors are owned by the Node, so none is made before the Node is registered. */
    void nodeRegistered(String uid) {
        this.nodeUid = uid;
    }

    /** The uid of the static pod's mirror, when the API holds it (as far as this kubelet knows). */
    Optional<String> mirrorUid(String staticUid) {
        return Optional.ofNullable(mirrors.get(staticUid));
    }

    /** The static pod whose mirror has this API uid, or the uid itself when it is no mirror of this node's. */
    String staticUidOf(String uid) {
        for (Map.Entry<String, String> mirror : mirrors.entrySet()) {
            if (mirror.getValue().equals(uid)) {
                return mirror.getKey();
            }
        }
        return uid;
    }

    /**
     * Makes sure the static pod's mirror exists: a mirror of an older version of the pod, or one being deleted, is
     * replaced. A pod of the same name that is no mirror is left alone (upstream does too).
     *
     * @return whether a mirror was created, so the pod's status is written to it again
     */
    boolean ensure(ObjectNode pod) {
        String uid = pod.path("metadata").path("uid").asText();
        if (nodeUid == null) {
            return false;
        }
        try {
            ResourceOperations ops = ops(pod);
            Optional<ObjectNode> existing = ops.find(name(pod));
            if (existing.isPresent()) {
                JsonNode meta = existing.get().path("metadata");
                String of = meta.path("annotations").path(StaticPods.MIRROR).asText(null);
                if (of == null) {
                    mirrors.remove(uid);
                    return false;
                }
                if (of.equals(uid) && !meta.hasNonNull("deletionTimestamp")) {
                    mirrors.put(uid, meta.path("uid").asText());
                    return false;
                }
                delete(ops, name(pod), meta.path("uid").asText());
            }
            mirrors.remove(uid);
            ObjectNode created = ops.create(mirrorOf(pod));
            mirrors.put(uid, created.path("metadata").path("uid").asText());
            LOG.info("Mirror pod {}/{} created for static pod {}", ops.namespace(), name(pod), uid);
            return true;
        } catch (RuntimeException e) {
            LOG.debug("Mirror pod of {} not made: {}", PodSync.podRef(pod), e.getMessage());
            return false;
        }
    }

    /** The manifest went: its mirror goes too (only that mirror: the uid is a precondition). */
    void delete(ObjectNode pod) {
        String uid = pod.path("metadata").path("uid").asText();
        try {
            ResourceOperations ops = ops(pod);
            String mirrorUid = mirrors.remove(uid);
            if (mirrorUid == null) {
                Optional<ObjectNode> existing = ops.find(name(pod));
                if (existing.isEmpty() || !uid.equals(existing.get().path("metadata").path("annotations")
                        .path(StaticPods.MIRROR).asText())) {
                    return;
                }
                mirrorUid = existing.get().path("metadata").path("uid").asText();
            }
            delete(ops, name(pod), mirrorUid);
        } catch (RuntimeException e) {
            // the API is unreachable: the mirror is found orphaned and deleted when the informer lists it
            LOG.debug("Mirror pod of {} not deleted: {}", PodSync.podRef(pod), e.getMessage());
        }
    }

    /** A mirror whose static pod this kubelet does not run (its manifest went or changed while the API was away). */
    void deleteOrphan(JsonNode mirror) {
        JsonNode meta = mirror.path("metadata");
        try {
            delete(client.resource(PodSync.PODS).inNamespace(meta.path("namespace").asText()),
                    meta.path("name").asText(), meta.path("uid").asText());
            LOG.info("Orphaned mirror pod {}/{} deleted", meta.path("namespace").asText(), meta.path("name").asText());
        } catch (RuntimeException e) {
            LOG.debug("Orphaned mirror pod {}/{} not deleted: {}", meta.path("namespace").asText(),
                    meta.path("name").asText(), e.getMessage());
        }
    }

    private static void delete(ResourceOperations ops, String name, String mirrorUid) {
        try {
            ObjectNode answer = ops.delete(name, DeleteOptions.NONE.withGracePeriodSeconds(0L)
                    .withPreconditionUid(mirrorUid));
            if (answer.path("metadata").hasNonNull("deletionTimestamp")) {
                // a mirror a user deleted waits out its grace period: Karst's API server does not shorten a pending
                // one (upstream's does), but ends a deleting object without finalizers at its next write, as it
                // ends an API pod at the kubelet's last status write
                ObjectNode touch = JsonNodeFactory.instance.objectNode();
                touch.putObject("metadata").put("uid", mirrorUid);
                ops.patchStatus(name, PatchTypes.MERGE_PATCH, touch);
            }
        } catch (ResourceException e) {
            if (!e.isNotFound() && !e.isConflict()) {
                throw e;
            }
        }
    }

    private ObjectNode mirrorOf(ObjectNode pod) {
        ObjectNode mirror = pod.deepCopy();
        mirror.remove("status");
        ObjectNode meta = mirror.with("metadata");
        meta.remove("uid");
        meta.with("annotations").put(StaticPods.MIRROR, pod.path("metadata").path("uid").asText());
        meta.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
                .put("name", nodeName).put("uid", nodeUid).put("controller", true);
        return mirror;
    }

    private ResourceOperations ops(JsonNode pod) {
        return client.resource(PodSync.PODS).inNamespace(pod.path("metadata").path("namespace").asText());
    }

    private static String name(JsonNode pod) {
        return pod.path("metadata").path("name").asText();
    }
}
