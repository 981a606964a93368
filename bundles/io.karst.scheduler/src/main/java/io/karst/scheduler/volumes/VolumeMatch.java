package io.karst.scheduler.volumes;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.scheduler.Resources;
import io.karst.scheduler.plugins.LabelSelectors;
import io.karst.scheduler.plugins.NodeAffinity;

/**
 * The scheduler's half of upstream's volume matching: which Available volume a waiting claim would take on a
 * given node (the binder in the controllers bundle matches without a node; the two bundles share no internals).
 */
final class VolumeMatch {
    private VolumeMatch() {
    }

    static String claimClass(JsonNode claim) {
        JsonNode name = claim.path("spec").path("storageClassName");
        if (name.isTextual()) {
            return name.asText();
        }
        return claim.path("metadata").path("annotations").path("volume.beta.kubernetes.io/storage-class").asText("");
    }

    static String volumeClass(JsonNode volume) {
        JsonNode name = volume.path("spec").path("storageClassName");
        if (name.isTextual() && !name.asText().isEmpty()) {
            return name.asText();
        }
        return volume.path("metadata").path("annotations").path("volume.beta.kubernetes.io/storage-class").asText("");
    }

    /** Bytes of a storage quantity; 0 when absent or not a quantity (validation refuses those). */
    static long storage(JsonNode quantity) {
        if (quantity == null || quantity.isNull() || quantity.asText().isEmpty()) {
            return 0;
        }
        try {
            return Resources.parse("storage", quantity.asText());
        } catch (NumberFormatException | ArithmeticException e) {
            return 0;
        }
    }

    /** Whether a volume's {@code spec.nodeAffinity} lets it be used on the node (none: anywhere). */
    static boolean fitsNode(JsonNode volume, JsonNode node) {
        JsonNode required = volume.path("spec").path("nodeAffinity").path("required");
        if (required.isMissingNode() || required.isNull()) {
            return true;
        }
        for (JsonNode term : required.path("nodeSelectorTerms")) {
            if (NodeAffinity.matches(term, node)) {
                return true;
            }
        }
        return false;
    }

    static boolean boundTo(JsonNode volume, JsonNode claim) {
        JsonNode ref = volume.path("spec").path("claimRef");
        if (!ref.isObject() || !ref.path("name").asText().equals(claim.path("metadata").path("name").asText())
                || !ref.path("namespace").asText().equals(claim.path("metadata").path("namespace").asText())) {
            return false;
        }
        String uid = ref.path("uid").asText("");
        return uid.isEmpty() || uid.equals(claim.path("metadata").path("uid").asText());
    }

    /**
     * The smallest volume the claim may take on the node: one pre-bound to it, else an Available unclaimed one of
     * its class, access modes, volume mode, selector and size; {@code taken} excludes volumes promised to other
     * claims. Null when none.
     */
    static ObjectNode bestOnNode(JsonNode claim, Iterable<ObjectNode> volumes, JsonNode node,
            Predicate<ObjectNode> taken) {
        long requested = storage(claim.path("spec").path("resources").path("requests").get("storage"));
        String requestedClass = claimClass(claim);
        JsonNode selector = claim.path("spec").get("selector");
        Set<String> wanted = new HashSet<>();
        claim.path("spec").path("accessModes").forEach(m -> wanted.add(m.asText()));
        ObjectNode smallest = null;
        long smallestSize = Long.MAX_VALUE;
        for (ObjectNode volume : volumes) {
            long size = storage(volume.path("spec").path("capacity").get("storage"));
            if (volume.path("metadata").has("deletionTimestamp") || size < requested
                    || !claim.path("spec").path("volumeMode").asText("Filesystem")
                            .equals(volume.path("spec").path("volumeMode").asText("Filesystem"))) {
                continue;
            }
            if (boundTo(volume, claim)) {
                return fitsNode(volume, node) ? volume : null;
            }
            Set<String> offered = new HashSet<>();
            volume.path("spec").path("accessModes").forEach(m -> offered.add(m.asText()));
            if (!volume.path("status").path("phase").asText().equals("Available")
                    || volume.path("spec").path("claimRef").isObject() || taken.test(volume)
                    || !(selector == null || selector.isNull()
                            || LabelSelectors.matches(selector, volume.path("metadata").path("labels")))
                    || !volumeClass(volume).equals(requestedClass) || !fitsNode(volume, node)
                    || !offered.containsAll(wanted)) {
                continue;
            }
            if (size < smallestSize) {
                smallest = volume;
                smallestSize = size;
            }
        }
        return smallest;
    }
}
