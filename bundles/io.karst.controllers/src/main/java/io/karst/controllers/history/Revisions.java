package io.karst.controllers.history;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.controllers.ownership.ControllerRefs;

/**
 * apps/v1 ControllerRevisions of one owner, kept as upstream's {@code pkg/controller/history} keeps them: a revision
 * is named {@code <owner>-<hash>} where the hash covers the revision's data and the owner's collision count, carries
 * the owner's template labels (so {@code kubectl rollout history} finds it by the owner's selector), a controlling
 * ownerReference and a revision number one above the highest; an unchanged template that comes back (rollout undo)
 * reuses its old revision with a new number.
 */
public final class Revisions {
    public static final ResourceKey CONTROLLER_REVISIONS = new ResourceKey("apps", "v1", "controllerrevisions");
    /** The pod label naming the revision a pod was made from. */
    public static final String HASH_LABEL = "controller-revision-hash";

    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Revisions() {
    }

    /** What a revision of a pod-template owner stores: a strategic merge patch replacing the template. */
    public static ObjectNode templatePatch(JsonNode template) {
        ObjectNode replaced = template.deepCopy();
        replaced.put("$patch", "replace");
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.putObject("spec").set("template", replaced);
        return data;
    }

    /** The pod template a revision made by {@link #templatePatch} holds. */
    public static ObjectNode templateOf(ObjectNode revision) {
        ObjectNode template = revision.path("data").path("spec").path("template").deepCopy();
        template.remove("$patch");
        return template;
    }

    /**
     * FNV-1a (32 bit) over the canonical JSON of the data and the collision count, spelled in upstream's alphabet.
     * Upstream hashes Go's printed struct, which cannot be reproduced here; the name is stable per data and differs
     * between data, which is what the revision name needs.
     */
    public static String hash(JsonNode data, long collisionCount) {
        byte[] bytes;
        try {
            Object value = CANONICAL.treeToValue(data, Object.class);
            bytes = CANONICAL.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        int hash = 0x811c9dc5;
        for (byte b : bytes) {
            hash = (hash ^ (b & 0xff)) * 0x01000193;
        }
        if (collisionCount > 0) {
            for (byte b : Long.toString(collisionCount).getBytes(StandardCharsets.UTF_8)) {
                hash = (hash ^ (b & 0xff)) * 0x01000193;
            }
        }
        StringBuilder out = new StringBuilder();
        for (char c : Integer.toUnsignedString(hash).toCharArray()) {
            out.append(ALPHABET.charAt(c % ALPHABET.length()));
        }
        return out.toString();
    }

    /** The revisions (from a cache) controlled by {@code owner}, oldest revision number first. */
    public static List<ObjectNode> ownedBy(ObjectNode owner, List<ObjectNode> cached) {
        String uid = owner.path("metadata").path("uid").asText();
        List<ObjectNode> owned = new ArrayList<>();
        for (ObjectNode r : cached) {
            JsonNode ref = ControllerRefs.of(r);
            if (ref != null && ref.path("uid").asText().equals(uid)) {
                owned.add(r);
            }
        }
        owned.sort(Comparator.comparingLong(r -> r.path("revision").asLong()));
        return owned;
    }

    /** The outcome of {@link #ensure}: the revision for the current data and the owner's (maybe raised) collision count. */
    public record Ensured(ObjectNode revision, long collisionCount) {
        public String name() {
            return revision.path("metadata").path("name").asText();
        }
    }

    /**
     * The revision holding {@code data} for {@code owner}: an existing one with equal data (renumbered to the top
     * when it is not already the newest), or a new one numbered one above the highest. A name taken by different
     * data raises the collision count and tries the next name, as upstream does.
     */
    public static Ensured ensure(ResourceClient client, ObjectNode owner, String apiVersion, String kind,
            JsonNode labels, ObjectNode data, List<ObjectNode> owned, long collisionCount) {
        String namespace = owner.path("metadata").path("namespace").asText();
        ResourceOperations ops = client.resource(CONTROLLER_REVISIONS).inNamespace(namespace);
        if (owned.stream().noneMatch(r -> r.path("data").equals(data))) {
            // about to number a new revision: the cache may lag behind our own last write, so read the live list
            owned = ownedBy(owner, ops.list().items());
        }
        long max = owned.stream().mapToLong(r -> r.path("revision").asLong()).max().orElse(0);
        ObjectNode equal = null;
        for (ObjectNode r : owned) {
            if (r.path("data").equals(data)) {
                equal = r; // the last (newest) equal one wins
            }
        }
        if (equal != null) {
            if (equal.path("revision").asLong() == max) {
                return new Ensured(equal, collisionCount);
            }
            ObjectNode renumbered = equal.deepCopy();
            renumbered.put("revision", max + 1);
            return new Ensured(ops.update(renumbered), collisionCount);
        }
        String ownerName = owner.path("metadata").path("name").asText();
        for (long collisions = collisionCount;; collisions++) {
            ObjectNode revision = JsonNodeFactory.instance.objectNode();
            revision.put("apiVersion", "apps/v1");
            revision.put("kind", "ControllerRevision");
            ObjectNode metadata = revision.putObject("metadata");
            metadata.put("name", ownerName + "-" + hash(data, collisions));
            metadata.put("namespace", namespace);
            if (labels != null && labels.isObject() && !labels.isEmpty()) {
                metadata.set("labels", labels.deepCopy());
            }
            metadata.putArray("ownerReferences").add(ControllerRefs.to(apiVersion, kind, owner));
            revision.set("data", data);
            revision.put("revision", max + 1);
            try {
                return new Ensured(ops.create(revision), collisions);
            } catch (ResourceException e) {
                if (!e.isAlreadyExists()) {
                    throw e;
                }
                ObjectNode existing = ops.get(metadata.path("name").asText());
                JsonNode ref = ControllerRefs.of(existing);
                if (ref != null && ref.path("uid").equals(owner.path("metadata").path("uid"))
                        && existing.path("data").equals(data)) {
                    // our own, not yet in the cache
                    if (existing.path("revision").asLong() <= max) {
                        existing.put("revision", max + 1);
                        existing = ops.update(existing);
                    }
                    return new Ensured(existing, collisions);
                }
            }
        }
    }

    /**
     * Deletes the oldest revisions beyond {@code limit}, never one named in {@code live} (the current and update
     * revisions and those of existing pods), as upstream's truncateHistory.
     */
    public static void truncate(ResourceClient client, List<ObjectNode> owned, Set<String> live, int limit) {
        List<ObjectNode> history = owned.stream()
                .filter(r -> !live.contains(r.path("metadata").path("name").asText())).toList();
        int excess = history.size() - Math.max(limit, 0);
        for (int i = 0; i < excess; i++) {
            ObjectNode r = history.get(i);
            try {
                client.resource(CONTROLLER_REVISIONS).inNamespace(r.path("metadata").path("namespace").asText())
                        .delete(r.path("metadata").path("name").asText());
            } catch (ResourceException e) {
                if (!e.isNotFound()) {
                    throw e;
                }
            }
        }
    }
}
