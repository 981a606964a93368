package io.karst.controllers.persistentvolume;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.controllers.resourcequota.Quantities;
import io.karst.controllers.selection.LabelSelectorMatch;

/**
 * Which PersistentVolume a claim may take, as upstream's volume index decides: a volume pre-bound to the claim
 * first; otherwise an Available, unclaimed, not deleting volume of the claim's storage class (no class matches no
 * class), whose access modes include the claim's, whose volume mode is the claim's, whose labels the claim's
 * selector picks, and whose capacity is at least the request: the smallest such.
 */
final class VolumeMatching {
    private VolumeMatching() {
    }

    /** The claim's class: {@code spec.storageClassName}, else the beta annotation, else "" (upstream's helper). */
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

    static BigDecimal requested(JsonNode claim) {
        BigDecimal q = Quantities.parse(claim.path("spec").path("resources").path("requests").get("storage"));
        return q == null ? BigDecimal.ZERO : q;
    }

    static BigDecimal capacity(JsonNode volume) {
        BigDecimal q = Quantities.parse(volume.path("spec").path("capacity").get("storage"));
        return q == null ? BigDecimal.ZERO : q;
    }

    /** Whether the volume offers every access mode the claim asks for. */
    static boolean accessModesFit(JsonNode claim, JsonNode volume) {
        Set<String> offered = new HashSet<>();
        volume.path("spec").path("accessModes").forEach(m -> offered.add(m.asText()));
        for (JsonNode m : claim.path("spec").path("accessModes")) {
            if (!offered.contains(m.asText())) {
                return false;
            }
        }
        return true;
    }

    /** An absent volume mode is Filesystem on both sides. */
    static boolean volumeModeFits(JsonNode claim, JsonNode volume) {
        return claim.path("spec").path("volumeMode").asText("Filesystem")
                .equals(volume.path("spec").path("volumeMode").asText("Filesystem"));
    }

    /** Whether the volume's claimRef names this claim (by uid when the ref carries one). */
    static boolean boundTo(JsonNode volume, JsonNode claim) {
        JsonNode ref = volume.path("spec").path("claimRef");
        if (!ref.isObject()) {
            return false;
        }
        if (!ref.path("name").asText().equals(claim.path("metadata").path("name").asText())
                || !ref.path("namespace").asText().equals(claim.path("metadata").path("namespace").asText())) {
            return false;
        }
        String uid = ref.path("uid").asText("");
        return uid.isEmpty() || uid.equals(claim.path("metadata").path("uid").asText());
    }

    /**
     * Upstream's checkVolumeSatisfyClaim, for a claim that names its volume: why it cannot take it, or null.
     */
    static String whyNot(JsonNode volume, JsonNode claim) {
        if (volume.path("metadata").has("deletionTimestamp")) {
            return "the volume is marked for deletion \"" + volume.path("metadata").path("name").asText() + "\"";
        }
        if (capacity(volume).compareTo(requested(claim)) < 0) {
            return "requested PV is too small";
        }
        if (!volumeClass(volume).equals(claimClass(claim))) {
            return "storageClassName does not match";
        }
        if (!volumeModeFits(claim, volume)) {
            return "incompatible volumeMode";
        }
        if (!accessModesFit(claim, volume)) {
            return "incompatible accessMode";
        }
        return null;
    }

    /**
     * The volume for a claim that names none, or null.
     *
     * @param delayBinding the claim's class binds when a pod is scheduled: only a volume pre-bound to the claim
     *        (by the scheduler or the user) is taken
     */
    static ObjectNode bestMatch(JsonNode claim, List<ObjectNode> volumes, boolean delayBinding) {
        BigDecimal requested = requested(claim);
        String requestedClass = claimClass(claim);
        JsonNode selector = claim.path("spec").get("selector");
        boolean anyLabels = selector == null || selector.isNull();
        ObjectNode smallest = null;
        for (ObjectNode volume : volumes) {
            if (volume.path("metadata").has("deletionTimestamp") || !volumeModeFits(claim, volume)
                    || capacity(volume).compareTo(requested) < 0) {
                continue;
            }
            if (boundTo(volume, claim)) {
                return volume;
            }
            if (delayBinding) {
                continue; // the scheduler picks the volume together with the node
            }
            if (!volume.path("status").path("phase").asText().equals("Available")
                    || volume.path("spec").path("claimRef").isObject()
                    || !(anyLabels || LabelSelectorMatch.of(selector).matches(volume.path("metadata").path("labels")))
                    || !volumeClass(volume).equals(requestedClass) || !accessModesFit(claim, volume)) {
                continue;
            }
            if (smallest == null || capacity(volume).compareTo(capacity(smallest)) < 0) {
                smallest = volume;
            }
        }
        return smallest;
    }
}
