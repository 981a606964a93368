package io.karst.apiserver.apply;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;

/**
 * Keeps {@code metadata.managedFields} on every write and carries out server-side apply, as upstream's field
 * manager: an update gives its manager the fields it changed (and takes them from the others); an apply merges the
 * configuration into the object, removes what the applier applied before but no longer does (unless another
 * manager owns it), and refuses with a 409 to change fields other managers own unless forced. Objects written
 * before any apply that carry no managed fields are not tracked until the first apply, which attributes their
 * fields to {@code before-first-apply}.
 */
public final class FieldManager {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    private static final String BEFORE_FIRST_APPLY = "before-first-apply";
    private static final String ANCIENT_CHANGES = "ancient-changes";
    private static final String KUBECTL = "kubectl";
    private static final int MAX_UPDATE_MANAGERS = 10;
    private static final int MAX_MANAGER_LENGTH = 128;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Server-owned metadata nobody manages (upstream's strip set). */
    private static final FieldSet SERVER_FIELDS = FieldSet.of(List.of(
            List.of(PathElement.field("apiVersion")), List.of(PathElement.field("kind")),
            List.of(PathElement.field("metadata")), meta("name"), meta("namespace"), meta("creationTimestamp"),
            meta("selfLink"), meta("uid"), meta("clusterName"), meta("generation"), meta("managedFields"),
            meta("resourceVersion")));
    private static final FieldSet STATUS = FieldSet.of(List.of(List.of(PathElement.field("status"))));

    private final Clock clock;

    public FieldManager(Clock clock) {
        this.clock = clock;
    }

    private static List<PathElement> meta(String field) {
        return List.of(PathElement.field("metadata"), PathElement.field(field));
    }

    /** Upstream's choice of manager: the {@code fieldManager} parameter, else the User-Agent up to its first '/'. */
    public static String managerName(String fieldManager, String userAgent) {
        if (fieldManager != null && !fieldManager.isEmpty()) {
            return fieldManager;
        }
        String agent = userAgent == null ? "" : userAgent;
        int slash = agent.indexOf('/');
        String prefix = slash < 0 ? agent : agent.substring(0, slash);
        return prefix.length() > MAX_MANAGER_LENGTH ? prefix.substring(0, MAX_MANAGER_LENGTH) : prefix;
    }

    /** Upstream's checks of the {@code fieldManager} parameter; the message of the first failure, or null. */
    public static String checkManagerParameter(String fieldManager) {
        if (fieldManager == null) {
            return null;
        }
        if (fieldManager.codePointCount(0, fieldManager.length()) > MAX_MANAGER_LENGTH) {
            return "fieldManager: Too long: may not be more than " + MAX_MANAGER_LENGTH + " bytes";
        }
        for (int i = 0; i < fieldManager.length(); i++) {
            char c = fieldManager.charAt(i);
            if (Character.isISOControl(c) || !Character.isDefined(c)) {
                return "fieldManager: Invalid value: \"" + fieldManager
                        + "\": must only contain printable characters";
            }
        }
        return null;
    }

    // ---- updates (create, update, patch) ----

    /**
     * Sets {@code updated}'s {@code metadata.managedFields} for a write that is not an apply.
     *
     * @param live the object before the write; null for a create
     * @param subresource null for the object itself
     */
    public void update(ResourceType type, String subresource, ObjectNode live, ObjectNode updated, String manager) {
        ManagedFields managed = liveOrRequested(live, updated, subresource != null);
        removeManagedFields(updated);
        if (managed.isEmpty() && live != null && !live.path("metadata").path("uid").asText("").isEmpty()) {
            // written before any apply and never tracked: stays untracked until its first apply
            return;
        }
        Shape shape = ResourceShapes.of(type);
        UnaryOperator<FieldSet> owned = ownedFields(type, subresource);
        ManagedFields result = recordUpdate(shape, type.apiVersion(), live == null ? emptyObject(updated) : live,
                updated, managed, manager, subresource, owned);
        setManagedFields(updated, result);
    }

    private ManagedFields recordUpdate(Shape shape, String apiVersion, ObjectNode live, ObjectNode updated,
            ManagedFields managed, String manager, String subresource, UnaryOperator<FieldSet> owned) {
        String id = ManagedFields.identifier(manager == null || manager.isEmpty() ? "unknown" : manager, false,
                apiVersion, subresource);
        ManagedFields result = managed.copy();
        ObjectComparison comparison = filtered(ObjectComparison.of(withoutManagedFields(live),
                withoutManagedFields(updated), shape), owned);
        takeFromOthers(result, id, comparison, true);
        FieldSet changed = comparison.addedOrModified().difference(SERVER_FIELDS);
        ManagedFields.Entry previous = result.entries().get(id);
        FieldSet fields = previous == null ? changed
                : previous.fields().difference(comparison.removed()).union(changed);
        fields = fields.difference(SERVER_FIELDS);
        if (fields.isEmpty()) {
            result.entries().remove(id);
        } else {
            // as upstream, the time moves only when the write changed something the manager now owns
            String time = changed.isEmpty() && previous != null ? previous.time() : now();
            result.entries().put(id, new ManagedFields.Entry(fields, apiVersion, false, time));
        }
        capUpdateManagers(result);
        return result;
    }

    // ---- apply ----

    /**
     * Server-side apply: the object to store, with its managed fields; {@code live} unchanged.
     *
     * @param live the object as stored; null to create it from the configuration
     * @throws ApiException 400 for a configuration the schema cannot read, 409 for conflicts
     */
    public ObjectNode apply(ResourceType type, String subresource, ObjectNode live, ObjectNode config,
            String manager, boolean force) {
        String apiVersion = config.path("apiVersion").asText("");
        String kind = config.path("kind").asText("");
        if (!apiVersion.equals(type.apiVersion()) || !kind.equals(type.kind())) {
            throw ApiException.badRequest("invalid object type: " + goKind(apiVersion, kind));
        }
        JsonNode requested = config.path("metadata").get("managedFields");
        if (requested != null && !requested.isNull()) {
            throw ApiException.badRequest("metadata.managedFields must be nil");
        }
        Shape shape = ResourceShapes.of(type);
        FieldSet configured;
        try {
            configured = FieldSets.ofConfiguration(config, shape);
        } catch (ApplyInputException e) {
            // upstream answers 500 here (kubernetes/kubernetes#122480); the fault is the request's
            throw ApiException.badRequest("failed to create typed patch object (" + describe(config, type) + "): "
                    + e.getMessage());
        }
        ObjectNode base = live == null ? emptyObject(config) : live;
        ManagedFields managed = live == null ? ManagedFields.empty() : decodeOrEmpty(live.path("metadata")
                .get("managedFields"));
        UnaryOperator<FieldSet> owned = ownedFields(type, subresource);
        String id = ManagedFields.identifier(manager, true, type.apiVersion(), subresource);
        if (managed.isEmpty() && live != null) {
            managed = recordUpdate(shape, type.apiVersion(), emptyObject(live), live, managed, BEFORE_FIRST_APPLY,
                    subresource, owned);
        }
        configured = owned.apply(configured).difference(SERVER_FIELDS);
        Result result;
        try {
            result = applyOnce(shape, type.apiVersion(), base, config, managed, id, configured, owned, force);
        } catch (ApplyConflicts conflicts) {
            if (!manager.equals(KUBECTL) || !allowedByLastApplied(shape, live, type, conflicts)) {
                throw conflicts.toStatus();
            }
            // upgrading from client-side apply: the fields it last applied, still as it applied them, are taken
            result = applyOnce(shape, type.apiVersion(), base, config, managed, id, configured, owned, true);
        }
        ObjectNode object = result.object();
        if (manager.equals(KUBECTL) && object.path("metadata").path("annotations").hasNonNull(LAST_APPLIED)) {
            ((ObjectNode) object.get("metadata").get("annotations")).put(LAST_APPLIED, lastApplied(config));
        }
        setManagedFields(object, result.managed());
        return object;
    }

    private record Result(ObjectNode object, ManagedFields managed) {
    }

    private Result applyOnce(Shape shape, String apiVersion, ObjectNode live, ObjectNode config,
            ManagedFields managed, String id, FieldSet configured, UnaryOperator<FieldSet> owned, boolean force) {
        ManagedFields result = managed.copy();
        ObjectNode liveClean = withoutManagedFields(live);
        ObjectNode merged = (ObjectNode) ObjectMerge.merge(liveClean, config, shape);
        ManagedFields.Entry last = result.entries().get(id);
        result.entries().put(id, new ManagedFields.Entry(configured, apiVersion, true,
                last == null ? null : last.time()));
        if (last != null && !last.fields().isEmpty()) {
            prune(merged, shape, result, last.fields());
        }
        ObjectComparison comparison = filtered(ObjectComparison.of(liveClean, merged, shape), owned);
        takeFromOthers(result, id, comparison, force);
        if (!comparison.isSame()) {
            ManagedFields.Entry mine = result.entries().get(id);
            result.entries().put(id, new ManagedFields.Entry(mine.fields(), apiVersion, true, now()));
        } else if (last == null) {
            result.entries().put(id, new ManagedFields.Entry(configured, apiVersion, true, now()));
        }
        if (result.entries().get(id).fields().isEmpty()) {
            result.entries().remove(id);
        }
        return new Result(comparison.isSame() ? liveClean : merged, result);
    }

    /**
     * Removes from {@code merged} what the applier applied last time and nobody manages now (upstream's prune with
     * its owned and dangling items added back).
     */
    private static void prune(ObjectNode merged, Shape shape, ManagedFields managed, FieldSet lastApplied) {
        FieldSet everyone = new FieldSet();
        for (ManagedFields.Entry entry : managed.entries().values()) {
            everyone = everyone.union(entry.fields());
        }
        FieldSet present = FieldSets.withNamedFieldsAsMembers(FieldSets.of(merged, shape), shape);
        FieldSet last = FieldSets.withNamedFieldsAsMembers(lastApplied, shape);
        FieldSet owned = FieldSets.withNamedFieldsAsMembers(everyone, shape);
        FieldRemoval.remove(merged, present.intersection(last).difference(owned), shape);
    }

    /**
     * The fields {@code comparison} changed leave the other managers: those removed always; those added or
     * modified only when forced, else they are the conflicts.
     */
    private static void takeFromOthers(ManagedFields managed, String id, ObjectComparison comparison,
            boolean force) {
        FieldSet changed = comparison.addedOrModified();
        List<ApplyConflicts.Conflict> conflicts = new ArrayList<>();
        Map<String, ManagedFields.Entry> updates = new HashMap<>();
        List<String> managers = new ArrayList<>(managed.entries().keySet());
        managers.sort(Comparator.naturalOrder());
        for (String other : managers) {
            if (other.equals(id)) {
                continue;
            }
            ManagedFields.Entry entry = managed.entries().get(other);
            FieldSet conflicting = entry.fields().intersection(changed);
            FieldSet fields = entry.fields();
            if (!conflicting.isEmpty()) {
                conflicting.paths().forEach(p -> conflicts.add(new ApplyConflicts.Conflict(other, p)));
                fields = fields.difference(conflicting);
            }
            fields = fields.difference(comparison.removed());
            updates.put(other, entry.withFields(fields));
        }
        if (!force && !conflicts.isEmpty()) {
            throw new ApplyConflicts(conflicts);
        }
        updates.forEach((other, entry) -> {
            if (entry.fields().isEmpty()) {
                managed.entries().remove(other);
            } else {
                managed.entries().put(other, entry);
            }
        });
    }

    /**
     * kubectl's move from client-side to server-side apply: conflicts are allowed on the fields of the
     * last-applied annotation whose values the object still has.
     */
    private static boolean allowedByLastApplied(Shape shape, ObjectNode live, ResourceType type,
            ApplyConflicts conflicts) {
        if (live == null) {
            return false;
        }
        String annotation = live.path("metadata").path("annotations").path(LAST_APPLIED).asText("");
        if (annotation.isEmpty()) {
            return false;
        }
        JsonNode lastApplied;
        try {
            lastApplied = JSON.readTree(annotation);
        } catch (JsonProcessingException e) {
            return false;
        }
        if (!(lastApplied instanceof ObjectNode last)
                || !last.path("apiVersion").asText("").equals(type.apiVersion())) {
            return false;
        }
        FieldSet allowed;
        try {
            allowed = FieldSets.ofConfiguration(last, shape);
        } catch (ApplyInputException e) {
            return false;
        }
        ObjectComparison drift = ObjectComparison.of(last, withoutManagedFields(live), shape);
        allowed = allowed.difference(drift.modified()).difference(drift.added()).difference(drift.removed());
        return conflicts.paths().difference(allowed).isEmpty();
    }

    private static String lastApplied(ObjectNode config) {
        ObjectNode copy = config.deepCopy();
        if (copy.path("metadata").path("annotations") instanceof ObjectNode annotations) {
            annotations.remove(LAST_APPLIED);
        }
        return PathElement.compact(copy);
    }

    /**
     * Upstream keeps at most ten update managers: past that, the oldest of each apiVersion are folded together into
     * {@code ancient-changes}.
     */
    private static void capUpdateManagers(ManagedFields managed) {
        List<String> updaters = new ArrayList<>();
        managed.entries().forEach((id, entry) -> {
            if (!entry.applied()) {
                updaters.add(id);
            }
        });
        if (updaters.size() <= MAX_UPDATE_MANAGERS) {
            return;
        }
        updaters.sort(Comparator.comparing((String id) -> {
            String t = managed.entries().get(id).time();
            return t == null ? "" : t;
        }).thenComparing(Comparator.naturalOrder()));
        Map<String, String> firstOfVersion = new HashMap<>();
        int length = updaters.size();
        for (int i = 0; i < updaters.size() && length > MAX_UPDATE_MANAGERS; i++) {
            String id = updaters.get(i);
            ManagedFields.Entry entry = managed.entries().get(id);
            String version = entry.apiVersion();
            String first = firstOfVersion.get(version);
            if (first == null) {
                firstOfVersion.put(version, id);
                continue;
            }
            String bucket = ManagedFields.identifier(ANCIENT_CHANGES, false, version, null);
            if (!managed.entries().containsKey(bucket)) {
                managed.entries().put(bucket, managed.entries().remove(first));
            }
            FieldSet fields = entry.fields().union(managed.entries().get(bucket).fields());
            managed.entries().remove(id);
            managed.entries().put(bucket, new ManagedFields.Entry(fields, version, false, entry.time()));
            length--;
        }
    }

    // ---- helpers ----

    /** Which managed fields a non-apply write starts from: the request's when it sends valid ones, else live's. */
    private static ManagedFields liveOrRequested(ObjectNode live, ObjectNode updated, boolean subresource) {
        JsonNode fromLive = live == null ? null : live.path("metadata").get("managedFields");
        if (subresource) {
            return decodeOrEmpty(fromLive);
        }
        JsonNode requested = updated.path("metadata").get("managedFields");
        if (ManagedFields.isReset(requested)) {
            return ManagedFields.empty();
        }
        ManagedFields fromRequest = decodeOrEmpty(requested);
        return fromRequest.isEmpty() ? decodeOrEmpty(fromLive) : fromRequest;
    }

    private static ManagedFields decodeOrEmpty(JsonNode managedFields) {
        try {
            return ManagedFields.decode(managedFields);
        } catch (IllegalArgumentException e) {
            return ManagedFields.empty();
        }
    }

    /**
     * What a write of a resource can own (upstream's reset fields): not the status when the status is a
     * subresource; only the status for a write of that subresource.
     */
    private static UnaryOperator<FieldSet> ownedFields(ResourceType type, String subresource) {
        if ("status".equals(subresource)) {
            return FieldManager::onlyStatus;
        }
        return type.subresource("status").isPresent() ? set -> set.withoutPrefixes(STATUS) : set -> set;
    }

    private static ObjectComparison filtered(ObjectComparison comparison, UnaryOperator<FieldSet> owned) {
        return new ObjectComparison(owned.apply(comparison.added()), owned.apply(comparison.modified()),
                owned.apply(comparison.removed()));
    }

    private static FieldSet onlyStatus(FieldSet set) {
        FieldSet result = new FieldSet();
        FieldSet status = set.child(PathElement.field("status"));
        if (status != null) {
            result.children().put(PathElement.field("status"), status.copy());
        }
        return result;
    }

    private static ObjectNode emptyObject(ObjectNode like) {
        ObjectNode empty = JsonNodeFactory.instance.objectNode();
        if (like.has("apiVersion")) {
            empty.set("apiVersion", like.get("apiVersion"));
        }
        if (like.has("kind")) {
            empty.set("kind", like.get("kind"));
        }
        return empty;
    }

    private static ObjectNode withoutManagedFields(ObjectNode object) {
        if (!object.path("metadata").has("managedFields")) {
            return object;
        }
        ObjectNode copy = object.deepCopy();
        removeManagedFields(copy);
        return copy;
    }

    private static void removeManagedFields(ObjectNode object) {
        if (object.get("metadata") instanceof ObjectNode meta) {
            meta.remove("managedFields");
        }
    }

    private static void setManagedFields(ObjectNode object, ManagedFields managed) {
        ObjectNode meta = object.get("metadata") instanceof ObjectNode m ? m : object.putObject("metadata");
        if (managed.isEmpty()) {
            meta.remove("managedFields");
        } else {
            meta.set("managedFields", managed.encode());
        }
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Go's printing of a GroupVersionKind: {@code apps/v1, Kind=Deployment}, {@code /v1, Kind=Pod}. */
    private static String goKind(String apiVersion, String kind) {
        String groupVersion = apiVersion.contains("/") ? apiVersion : "/" + apiVersion;
        return groupVersion + ", Kind=" + kind;
    }

    private static String describe(ObjectNode config, ResourceType type) {
        JsonNode meta = config.path("metadata");
        return meta.path("namespace").asText("") + "/" + meta.path("name").asText("") + "; "
                + goKind(type.apiVersion(), type.kind());
    }
}
