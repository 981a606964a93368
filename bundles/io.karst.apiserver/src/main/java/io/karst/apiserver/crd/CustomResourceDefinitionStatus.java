package io.karst.apiserver.crd;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.endpoint.ObjectMetadata;
import io.karst.apiserver.validation.Json;

/**
 * The status upstream's naming and establishing controllers give a CRD: the names it may be served under, the
 * {@code NamesAccepted} and {@code Established} conditions with upstream's reasons and messages, the
 * {@code Terminating} condition once it is being deleted, and the storage version among {@code storedVersions}.
 */
final class CustomResourceDefinitionStatus {
    static final String NAMES_ACCEPTED = "NamesAccepted";
    static final String ESTABLISHED = "Established";
    static final String TERMINATING = "Terminating";

    private CustomResourceDefinitionStatus() {
    }

    /** The status {@code crd} should have, its names checked against {@code used} (those served before it). */
    static ObjectNode next(ObjectNode crd, CustomResourceDefinitionController.Names used, Clock clock) {
        ObjectNode spec = Json.obj(crd, "spec");
        ObjectNode names = Json.obj(spec, "names");
        String group = Json.text(spec, "group");
        ObjectNode old = Json.obj(crd, "status");
        ObjectNode status = old == null ? JsonNodeFactory.instance.objectNode() : old.deepCopy();
        String reason = null;
        String message = null;
        String plural = Json.text(names, "plural");
        String singular = Json.text(names, "singular");
        if (used.resourceTaken(group, plural)) {
            reason = "PluralConflict";
            message = inUse(plural);
        } else if (used.resourceTaken(group, singular)) {
            reason = "SingularConflict";
            message = inUse(singular);
        }
        for (String shortName : Json.strings(names, "shortNames")) {
            if (reason == null && used.resourceTaken(group, shortName)) {
                reason = "ShortNamesConflict";
                message = inUse(shortName);
            }
        }
        if (reason == null && used.kindTaken(group, Json.text(names, "kind"))) {
            reason = "KindConflict";
            message = inUse(Json.text(names, "kind"));
        } else if (reason == null && used.kindTaken(group, Json.text(names, "listKind"))) {
            reason = "ListKindConflict";
            message = inUse(Json.text(names, "listKind"));
        }
        boolean accepted = reason == null;
        if (accepted) {
            status.set("acceptedNames", acceptedNames(names));
        } else if (!status.has("acceptedNames")) {
            ObjectNode none = status.putObject("acceptedNames");
            none.put("plural", "");
            none.put("kind", "");
        }
        String now = ObjectMetadata.timestamp(clock.instant());
        List<ObjectNode> conditions = new ArrayList<>();
        conditions.add(condition(old, NAMES_ACCEPTED, accepted, accepted ? "NoConflicts" : reason,
                accepted ? "no conflicts found" : message, now));
        boolean wasEstablished = conditionTrue(old, ESTABLISHED);
        conditions.add(wasEstablished ? existing(old, ESTABLISHED)
                : condition(old, ESTABLISHED, accepted, accepted ? "InitialNamesAccepted" : "NotAccepted",
                        accepted ? "the initial names have been accepted" : "not all names are accepted", now));
        if (!ObjectMetadata.text(crd, "deletionTimestamp").isEmpty()) {
            conditions.add(condition(old, TERMINATING, true, "InstanceDeletionInProgress",
                    "CustomResource deletion is in progress", now));
        }
        ArrayNode list = status.putArray("conditions");
        conditions.forEach(list::add);
        String storage = CustomResourceTypes.storageVersion(crd);
        List<String> stored = Json.strings(status, "storedVersions");
        if (!storage.isEmpty() && !stored.contains(storage)) {
            ArrayNode s = status.putArray("storedVersions");
            stored.forEach(s::add);
            s.add(storage);
        }
        return status;
    }

    private static String inUse(String name) {
        return "\"" + name + "\" is already in use";
    }

    private static ObjectNode acceptedNames(ObjectNode names) {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.put("plural", Json.text(names, "plural"));
        if (!Json.text(names, "singular").isEmpty()) {
            a.put("singular", Json.text(names, "singular"));
        }
        for (String list : List.of("shortNames")) {
            if (!Json.strings(names, list).isEmpty()) {
                a.set(list, names.get(list).deepCopy());
            }
        }
        a.put("kind", Json.text(names, "kind"));
        a.put("listKind", Json.text(names, "listKind"));
        if (!Json.strings(names, "categories").isEmpty()) {
            a.set("categories", names.get("categories").deepCopy());
        }
        return a;
    }

    /** A condition; its lastTransitionTime moves only when its status changes. */
    private static ObjectNode condition(ObjectNode old, String type, boolean isTrue, String reason, String message,
            String now) {
        ObjectNode previous = existing(old, type);
        String status = isTrue ? "True" : "False";
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("type", type);
        c.put("status", status);
        c.put("lastTransitionTime", previous != null && status.equals(Json.text(previous, "status"))
                ? Json.text(previous, "lastTransitionTime") : now);
        c.put("reason", reason);
        c.put("message", message);
        return c;
    }

    private static ObjectNode existing(ObjectNode status, String type) {
        for (ObjectNode c : Json.objects(status, "conditions")) {
            if (Json.text(c, "type").equals(type)) {
                return c;
            }
        }
        return null;
    }

    private static boolean conditionTrue(ObjectNode status, String type) {
        ObjectNode c = existing(status, type);
        return c != null && Json.text(c, "status").equals("True");
    }

    static boolean isEstablished(ObjectNode crd) {
        return conditionTrue(Json.obj(crd, "status"), ESTABLISHED);
    }

    static boolean isTerminating(ObjectNode crd) {
        return !ObjectMetadata.text(crd, "deletionTimestamp").isEmpty();
    }
}
