package io.karst.apiserver.endpoint;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.apply.FieldManager;
import io.karst.apiserver.cache.CachedReads;
import io.karst.apiserver.codec.MediaTypes;
import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.defaults.Defaulters;
import io.karst.apiserver.validation.NameGenerator;
import io.karst.apiserver.patch.JsonMergePatch;
import io.karst.apiserver.patch.JsonPatch;
import io.karst.apiserver.patch.StrategicMergePatch;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.schema.TypeSchema;
import io.karst.apiserver.patch.PatchException;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.selection.DeleteOptions;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.status.StatusObject;
import io.karst.apiserver.storage.ObjectStore;

/**
 * The write verbs with kube-apiserver's object semantics: server-owned metadata (uid, creationTimestamp,
 * generation, resourceVersion), optimistic concurrency, status kept apart from the main resource, finalizers and
 * graceful deletion, propagation policy recorded as finalizers for the garbage collector, namespaces that must
 * exist and not be terminating, and {@code dryRun}.
 */
public final class ObjectWriter {
    /** Kinds whose metadata.generation counts spec changes (the workload and policy types; not ConfigMaps). */
    private static final Set<String> UNTRACKED_GENERATION = Set.of("ConfigMap", "Secret", "Event", "Endpoints",
            "EndpointSlice", "ServiceAccount", "Lease", "ControllerRevision", "Binding", "ClusterRole", "Role",
            "ClusterRoleBinding", "RoleBinding", "Node", "Pod", "Service", "Namespace");
    /** Resources whose DELETE answers with the object rather than a Status, as upstream's strategies choose. */
    private static final Set<String> RETURNS_DELETED_OBJECT = Set.of("pods", "services", "namespaces");
    private static final int PATCH_RETRIES = 5;
    /** Conflicts a delete outlives; each retry reads the object again, so only a write storm exhausts them. */
    private static final int DELETE_RETRIES = 20;
    /** Upstream's EvictionsRetry: 20 tries, half a second apart, when the budget changes under an eviction. */
    private static final int EVICTION_RETRIES = 20;
    private static final NameGenerator NAMES = new NameGenerator();

    private final ObjectStore store;
    private final ResourceRegistry registry;
    private final ObjectAdmission admission;
    private final Clock clock;
    private final FieldManager fieldManager;
    private final EvictionBudgets budgets;
    private final CachedReads reads;

    public ObjectWriter(ObjectStore store, ResourceRegistry registry, ObjectAdmission admission, Clock clock) {
        this(store, registry, admission, clock, CachedReads.uncached(store));
    }

    /** @param reads how a write reads other objects (a new object's namespace) */
    public ObjectWriter(ObjectStore store, ResourceRegistry registry, ObjectAdmission admission, Clock clock,
            CachedReads reads) {
        this.reads = reads;
        this.store = store;
        this.registry = registry;
        this.admission = admission;
        this.clock = clock;
        this.fieldManager = new FieldManager(clock);
        this.budgets = new EvictionBudgets(store, registry, clock);
    }

    private ObjectCodec codec() {
        return store.codec();
    }

    // ---- create ----

    ApiResponse create(ResourceRequest request) {
        ResourceType type = request.type();
        ResourceEndpoint.require(type, "create");
        ObjectNode object = request.decodeObject(codec());
        checkKind(type, object);
        checkManager(request, "CreateOptions");
        List<String> warnings = FieldValidation.check(request, type, type.kind(), object);
        return warned(createChecked(request, object, false), warnings);
    }

    private static ApiResponse warned(ApiResponse response, List<String> warnings) {
        return response instanceof ApiResponse.Body body ? body.withWarnings(warnings) : response;
    }

    /** @param applied the object comes from a server-side apply, which set its managed fields */
    private ApiResponse createChecked(ResourceRequest request, ObjectNode object, boolean applied) {
        ResourceType type = request.type();
        ObjectNode meta = ObjectMetadata.of(object);
        scopeNamespace(type, request.namespace(), object);
        String name = ObjectMetadata.name(object);
        if (name.isEmpty()) {
            String generateName = ObjectMetadata.text(object, "generateName");
            if (generateName.isEmpty()) {
                throw ApiException.invalid(type.kind(), type.group(), "", List.of(new ApiException.Cause(
                        "FieldValueRequired", "Required value: name or generateName is required",
                        "metadata.name")));
            }
            name = NAMES.generate(generateName);
            meta.put("name", name);
        }
        if (!ObjectMetadata.text(object, "resourceVersion").isEmpty()) {
            throw ApiException.badRequest("resourceVersion should not be set on objects to be created");
        }
        if (type.namespaced()) {
            requireLiveNamespace(type, request.namespace());
        }
        Instant now = clock.instant();
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", ObjectMetadata.timestamp(now));
        meta.remove("deletionTimestamp");
        meta.remove("deletionGracePeriodSeconds");
        if (tracksGeneration(type)) {
            meta.put("generation", 1);
        } else {
            meta.remove("generation");
        }
        resetStatusOnCreate(type, object);
        if (!applied) {
            admission.applyDefaults(type, object);
            fieldManager.update(type, null, null, object, manager(request));
        }
        admission.admitCreate(type, object, dryRun(request));
        if (dryRun(request)) {
            return ApiResponse.created(asStored(type, object));
        }
        return ApiResponse.created(store.create(type, request.namespace(), name, object));
    }

    // ---- update and patch ----

    ApiResponse update(ResourceRequest request) {
        ResourceType type = request.type();
        ResourceEndpoint.require(type, "update");
        ObjectNode object = request.decodeObject(codec());
        checkKind(type, object);
        checkManager(request, "UpdateOptions");
        List<String> warnings = FieldValidation.check(request, type, type.kind(), object);
        return warned(ApiResponse.ok(replace(request, null, object, false)), warnings);
    }

    ApiResponse patch(ResourceRequest request) {
        ResourceType type = request.type();
        ResourceEndpoint.require(type, "patch");
        return patchObject(request, null);
    }

    private ApiResponse.Body patchObject(ResourceRequest request, String subresource) {
        ResourceType type = request.type();
        String contentType = MediaTypes.essence(request.contentType());
        if (contentType.equals(MediaTypes.APPLY_PATCH)) {
            return applyPatch(request, subresource);
        }
        checkManager(request, "PatchOptions");
        if (request.param("force") != null) {
            throw optionsInvalid("PatchOptions", new ApiException.Cause("FieldValueForbidden",
                    "Forbidden: may not be specified for non-apply patch", "force"));
        }
        JsonNode patch = switch (contentType) {
            case MediaTypes.MERGE_PATCH, MediaTypes.JSON_PATCH, MediaTypes.STRATEGIC_MERGE_PATCH ->
                request.decodeBody(codec());
            default -> throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an "
                    + "unknown format - accepted media types include: application/json-patch+json, "
                    + "application/merge-patch+json, application/strategic-merge-patch+json", null);
        };
        if (contentType.equals(MediaTypes.JSON_PATCH) && !patch.isArray()) {
            // upstream fails to decode the document before applying it: a 400, not the 422 of a failed operation
            throw ApiException.badRequest("json: cannot unmarshal " + (patch.isObject() ? "object" : "value")
                    + " into Go value of type jsonpatch.Patch");
        }
        TypeSchema schema = null;
        if (contentType.equals(MediaTypes.STRATEGIC_MERGE_PATCH)) {
            schema = SchemaModel.builtIn().forKind(type.group(), type.version(), subresourceKind(type, subresource))
                    .orElseThrow(() -> new ApiException(415, "UnsupportedMediaType", "the body of the request was "
                            + "in an unknown format - accepted media types include: application/json-patch+json, "
                            + "application/merge-patch+json, application/apply-patch+yaml", null));
        }
        List<String> warnings = List.of();
        for (int attempt = 1; ; attempt++) {
            ObjectNode current = store.get(type, request.namespace(), request.name());
            JsonNode patched;
            try {
                patched = switch (contentType) {
                    case MediaTypes.JSON_PATCH -> JsonPatch.apply(current, patch);
                    case MediaTypes.STRATEGIC_MERGE_PATCH -> StrategicMergePatch.apply(current, patch, schema);
                    default -> JsonMergePatch.apply(current, patch);
                };
            } catch (PatchException e) {
                throw new ApiException(422, "Invalid", e.getMessage(), null);
            }
            if (!(patched instanceof ObjectNode result)) {
                throw ApiException.badRequest("the patch does not leave an object");
            }
            if (subresource == null || subresource.equals("status")) {
                warnings = FieldValidation.check(request, type, type.kind(), result, false);
            }
            boolean pinned = !ObjectMetadata.text(result, "resourceVersion").isEmpty()
                    && ObjectMetadata.resourceVersion(result) != ObjectMetadata.resourceVersion(current);
            try {
                return new ApiResponse.Body(200, replace(request, subresource, result, !pinned), warnings);
            } catch (ApiException e) {
                // A patch that did not ask for a resourceVersion is re-applied on the newer object, as upstream.
                if (e.code() != 409 || pinned || !"Conflict".equals(e.reason()) || attempt >= PATCH_RETRIES) {
                    throw e;
                }
            }
        }
    }

    /** The kind a subresource reads and writes: the object's own kind for status (and for the object itself). */
    private static String subresourceKind(ResourceType type, String subresource) {
        return subresource == null ? type.kind()
                : type.subresource(subresource).map(ResourceType.Subresource::kind).orElse(type.kind());
    }

    /**
     * The common update path.
     *
     * @param subresource null for the object itself, {@code status} for the status subresource
     * @param fromPatch the object's resourceVersion is the one just read (a patch), not a client's precondition
     */
    private ObjectNode replace(ResourceRequest request, String subresource, ObjectNode object, boolean fromPatch) {
        return replace(request, subresource, object, fromPatch, false);
    }

    /** @param applied the object comes from a server-side apply, which set its managed fields */
    private ObjectNode replace(ResourceRequest request, String subresource, ObjectNode object, boolean fromPatch,
            boolean applied) {
        ResourceType type = request.type();
        String name = request.name();
        if (!ObjectMetadata.name(object).isEmpty() && !ObjectMetadata.name(object).equals(name)) {
            throw ApiException.badRequest("the name of the object (" + ObjectMetadata.name(object)
                    + ") does not match the name on the URL (" + name + ")");
        }
        ObjectMetadata.of(object).put("name", name);
        scopeNamespace(type, request.namespace(), object);
        ObjectNode old = store.get(type, request.namespace(), name);
        long expected = ObjectMetadata.resourceVersion(old);
        String rv = ObjectMetadata.text(object, "resourceVersion");
        if (!rv.isEmpty() && !fromPatch) {
            long asked;
            try {
                asked = Long.parseLong(rv);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid resourceVersion: " + rv);
            }
            if (asked != expected) {
                throw ApiException.modified(type.plural(), type.group(), name);
            }
        }
        String uid = ObjectMetadata.uid(object);
        if (!uid.isEmpty() && !uid.equals(ObjectMetadata.uid(old))) {
            throw ApiException.conflict(type.plural(), type.group(), name, "Precondition failed: UID in "
                    + "precondition: " + uid + ", UID in object meta: " + ObjectMetadata.uid(old));
        }
        ObjectNode updated = "status".equals(subresource) ? withStatusOf(type, old, object)
                : withoutStatusChange(type, old, object);
        keepServerMetadata(type, old, updated);
        if (!applied) {
            if (subresource == null) {
                admission.applyDefaults(type, updated);
            }
            fieldManager.update(type, subresource, old, updated, manager(request));
        }
        admission.admitUpdate(type, subresource, updated, old, dryRun(request));
        if (ObjectMetadata.deleting(updated) && !ObjectMetadata.hasFinalizers(updated)
                && ObjectMetadata.of(updated).path("deletionGracePeriodSeconds").asLong(0) == 0
                && !holdsNamespaceFinalizers(type, updated)) {
            // The last finalizer is gone and no grace period runs (a pod's kubelet deletes it when its own is
            // over): the object goes now.
            if (dryRun(request)) {
                return updated;
            }
            admission.deleted(type, store.delete(type, request.namespace(), name, expected));
            return updated;
        }
        if (dryRun(request) || (updated.equals(old) && !store.staleAtRest(type, request.namespace(), name))) {
            return dryRun(request) ? asStored(type, updated) : old;
        }
        return store.update(type, request.namespace(), name, updated, expected);
    }

    /**
     * The old object with the request's status. A version stored as another moves the status in the stored
     * version, as upstream's strategies do on its internal form: a v1 HPA's status lives partly in annotations.
     */
    private ObjectNode withStatusOf(ResourceType type, ObjectNode old, ObjectNode object) {
        if (type.converted()) {
            return type.fromStorage(withStatusOf(type.toStorage(old), type.toStorage(object)));
        }
        return withStatusOf(old, object);
    }

    private ObjectNode withStatusOf(ObjectNode old, ObjectNode object) {
        ObjectNode updated = old.deepCopy();
        if (object.has("status")) {
            updated.set("status", object.get("status").deepCopy());
        } else {
            updated.remove("status");
        }
        return updated;
    }

    /** The request's object with the old status (when the status is a subresource), in the stored version. */
    private ObjectNode withoutStatusChange(ResourceType type, ObjectNode old, ObjectNode object) {
        if (type.converted() && type.subresource("status").isPresent()) {
            ObjectNode stored = type.toStorage(object);
            ObjectNode oldStored = type.toStorage(old);
            if (oldStored.has("status")) {
                stored.set("status", oldStored.get("status").deepCopy());
            } else {
                stored.remove("status");
            }
            return type.fromStorage(stored);
        }
        ObjectNode updated = object.deepCopy();
        if (type.subresource("status").isPresent()) {
            if (old.has("status")) {
                updated.set("status", old.get("status").deepCopy());
            } else {
                updated.remove("status");
            }
        }
        return updated;
    }

    private void keepServerMetadata(ResourceType type, ObjectNode old, ObjectNode updated) {
        ObjectNode meta = ObjectMetadata.of(updated);
        ObjectNode oldMeta = ObjectMetadata.of(old);
        for (String field : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                "generation", "namespace")) {
            if (oldMeta.has(field)) {
                meta.set(field, oldMeta.get(field).deepCopy());
            } else {
                meta.remove(field);
            }
        }
        meta.put("resourceVersion", oldMeta.path("resourceVersion").asText());
        if (tracksGeneration(type) && !java.util.Objects.equals(storedSpec(type, old), storedSpec(type, updated))) {
            meta.put("generation", oldMeta.path("generation").asLong(0) + 1);
        }
        if (!type.kind().equals("Namespace") && ObjectMetadata.deleting(old)) {
            // Finalizers may be removed but not added once deletion has started.
            ArrayNode before = ObjectMetadata.finalizers(old);
            ArrayNode after = ObjectMetadata.finalizers(updated);
            if (after != null) {
                for (JsonNode f : after) {
                    if (before == null || !contains(before, f.asText())) {
                        throw ApiException.invalid(type.kind(), type.group(), ObjectMetadata.name(old), List.of(
                                new ApiException.Cause("FieldValueForbidden", "Forbidden: no new finalizers can be "
                                        + "added if the object is being deleted, found new finalizers [\""
                                        + f.asText() + "\"]", "metadata.finalizers")));
                    }
                }
            }
        }
    }

    private static boolean contains(ArrayNode array, String value) {
        for (JsonNode n : array) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    // ---- server-side apply ----

    /**
     * {@code application/apply-patch+yaml}: the configuration merged into the object (or creating it) by the field
     * manager, which refuses with a 409 to take fields other managers own unless {@code force=true}. Retried on a
     * newer object when another write wins the race, as other patches.
     */
    private ApiResponse.Body applyPatch(ResourceRequest request, String subresource) {
        ResourceType type = request.type();
        String manager = request.param("fieldManager");
        if (manager == null || manager.isEmpty()) {
            throw optionsInvalid("PatchOptions", new ApiException.Cause("FieldValueRequired",
                    "Required value: is required for apply patch", "fieldManager"));
        }
        checkManager(request, "PatchOptions");
        boolean force = request.flag("force");
        if (!(request.decodeBody(codec()) instanceof ObjectNode config)) {
            throw ApiException.badRequest("error decoding patch: the apply configuration must be an object");
        }
        for (int attempt = 1; ; attempt++) {
            java.util.Optional<ObjectNode> live = store.find(type, request.namespace(), request.name());
            if (live.isEmpty()) {
                if (subresource != null) {
                    throw ApiException.notFound(type.plural(), type.group(), request.name());
                }
                ObjectNode created = fieldManager.apply(type, null, null, config.deepCopy(), manager, force);
                String name = ObjectMetadata.name(created);
                if (!name.isEmpty() && !name.equals(request.name())) {
                    throw ApiException.badRequest("the name of the object (" + name
                            + ") does not match the name on the URL (" + request.name() + ")");
                }
                ObjectMetadata.of(created).put("name", request.name());
                List<String> warnings = FieldValidation.check(request, type, type.kind(), created, false);
                try {
                    ApiResponse response = createChecked(request, created, true);
                    return response instanceof ApiResponse.Body body ? body.withWarnings(warnings)
                            : new ApiResponse.Body(201, created, warnings);
                } catch (ApiException e) {
                    if (e.code() != 409 || !"AlreadyExists".equals(e.reason()) || attempt >= PATCH_RETRIES) {
                        throw e;
                    }
                    continue; // created meanwhile: apply to it
                }
            }
            ObjectNode current = live.get();
            ObjectNode applied = fieldManager.apply(type, subresource, current, config.deepCopy(), manager, force);
            boolean pinned = !ObjectMetadata.text(config, "resourceVersion").isEmpty();
            if (!pinned) {
                ObjectMetadata.of(applied).put("resourceVersion", ObjectMetadata.text(current, "resourceVersion"));
            }
            List<String> warnings = subresource == null || subresource.equals("status")
                    ? FieldValidation.check(request, type, type.kind(), applied, false) : List.of();
            try {
                return new ApiResponse.Body(200, replace(request, subresource, applied, !pinned, true), warnings);
            } catch (ApiException e) {
                if (e.code() != 409 || pinned || !"Conflict".equals(e.reason()) || e.details() == null
                        || !e.details().causes().isEmpty() || attempt >= PATCH_RETRIES) {
                    throw e;
                }
            }
        }
    }

    /**
     * The manager of a write: its {@code fieldManager}, else its User-Agent (an HTTP client that sends neither is
     * {@code unknown}, as upstream); in-process writers (controllers, scheduler, the server's kubelet) are Karst's.
     */
    private static String manager(ResourceRequest request) {
        String named = FieldManager.managerName(request.param("fieldManager"), request.userAgent());
        return named.isEmpty() && request.tree() != null ? "karst" : named;
    }

    private static void checkManager(ResourceRequest request, String optionsKind) {
        String problem = FieldManager.checkManagerParameter(request.param("fieldManager"));
        if (problem != null) {
            int colon = problem.indexOf(": ");
            throw optionsInvalid(optionsKind, new ApiException.Cause(problem.contains("Too long")
                    ? "FieldValueTooLong" : "FieldValueInvalid", problem.substring(colon + 2), "fieldManager"));
        }
    }

    /** Upstream's 422 for bad write options: {@code PatchOptions.meta.k8s.io "" is invalid: ...}. */
    private static ApiException optionsInvalid(String kind, ApiException.Cause cause) {
        return new ApiException(422, "Invalid", kind + ".meta.k8s.io \"\" is invalid: " + cause.field() + ": "
                + cause.message(), new ApiException.Details("", "meta.k8s.io", kind, List.of(cause), 0));
    }

    // ---- delete ----

    ApiResponse delete(ResourceRequest request) {
        ResourceType type = request.type();
        ResourceEndpoint.require(type, "delete");
        DeleteOptions options = deleteOptions(request);
        ObjectNode old = store.get(type, request.namespace(), request.name());
        return deleteRetrying(type, request, request.namespace(), old, options);
    }

    /**
     * Deletes as upstream's storage does: a write that lost a race with another writer of the object (a controller
     * writing its status, say) is tried again on the object as it now is, preconditions checked again each time; only
     * a failed precondition is the caller's conflict.
     */
    private ApiResponse deleteRetrying(ResourceType type, ResourceRequest request, String namespace, ObjectNode old,
            DeleteOptions options) {
        ObjectNode current = old;
        for (int attempt = 0;; attempt++) {
            try {
                return deleteOne(type, request, namespace, current, options);
            } catch (ApiException e) {
                if (e.code() != 409 || e.getMessage().contains("Precondition failed") || attempt >= DELETE_RETRIES) {
                    throw e;
                }
                current = store.get(type, namespace, ObjectMetadata.name(current));
            }
        }
    }

    ApiResponse deleteCollection(ResourceRequest request, Predicate<ObjectNode> filter) {
        ResourceType type = request.type();
        ResourceEndpoint.require(type, "deletecollection");
        DeleteOptions options = deleteOptions(request);
        ArrayNode deleted = JsonNodeFactory.instance.arrayNode();
        store.forEach(type, request.namespace(), object -> {
            if (!filter.test(object)) {
                return;
            }
            try {
                String ns = type.namespaced() ? ObjectMetadata.namespace(object) : null;
                ApiResponse r = deleteRetrying(type, request, ns, object, options);
                if (r instanceof ApiResponse.Body b && b.object() instanceof ObjectNode o
                        && !"Status".equals(o.path("kind").asText())) {
                    deleted.add(o);
                } else {
                    deleted.add(object);
                }
            } catch (ApiException e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        });
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("kind", type.listKind());
        list.put("apiVersion", type.apiVersion());
        list.putObject("metadata").put("resourceVersion", Long.toString(store.currentRevision()));
        list.set("items", deleted);
        return ApiResponse.ok(list);
    }

    private DeleteOptions deleteOptions(ResourceRequest request) {
        JsonNode body = request.hasBody() ? request.decodeObject(codec()) : null;
        return RequestOptions.parse(() -> DeleteOptions.parse(request.query(), body));
    }

    private static void checkPreconditions(ResourceType type, ObjectNode current, DeleteOptions options) {
        String name = ObjectMetadata.name(current);
        String uid = options.preconditionUid().orElse(null);
        if (uid != null && !uid.equals(ObjectMetadata.uid(current))) {
            throw ApiException.conflict(type.plural(), type.group(), name, "Precondition failed: UID in "
                    + "precondition: " + uid + ", UID in object meta: " + ObjectMetadata.uid(current));
        }
        String rv = options.preconditionResourceVersion().orElse(null);
        if (rv != null && !rv.equals(ObjectMetadata.text(current, "resourceVersion"))) {
            throw ApiException.conflict(type.plural(), type.group(), name, "Precondition failed: ResourceVersion "
                    + "in precondition: " + rv + ", ResourceVersion in object meta: "
                    + ObjectMetadata.text(current, "resourceVersion"));
        }
    }

    private ApiResponse deleteOne(ResourceType type, ResourceRequest request, String namespace, ObjectNode old,
            DeleteOptions options) {
        String name = ObjectMetadata.name(old);
        checkPreconditions(type, old, options);
        boolean dryRun = dryRun(request) || options.isDryRun();
        long expected = ObjectMetadata.resourceVersion(old);
        if (ObjectMetadata.deleting(old)) {
            return deleteAgain(type, namespace, old, options, dryRun, expected);
        }
        ObjectNode updated = old.deepCopy();
        ObjectNode meta = ObjectMetadata.of(updated);
        DeleteOptions.Propagation policy = options.requestedPropagation().orElse(DeleteOptions.Propagation.BACKGROUND);
        if (policy == DeleteOptions.Propagation.FOREGROUND) {
            ObjectMetadata.addFinalizer(updated, "foregroundDeletion");
        } else if (policy == DeleteOptions.Propagation.ORPHAN) {
            ObjectMetadata.addFinalizer(updated, "orphan");
        }
        long grace = gracePeriod(type, old, options);
        boolean deferred = ObjectMetadata.hasFinalizers(updated) || grace > 0
                || type.kind().equals("Namespace");
        if (deferred) {
            Instant now = clock.instant();
            meta.put("deletionTimestamp", ObjectMetadata.timestamp(now.plusSeconds(Math.max(grace, 0))));
            meta.put("deletionGracePeriodSeconds", Math.max(grace, 0));
            if (type.kind().equals("Namespace")) {
                ((ObjectNode) (updated.get("status") instanceof ObjectNode s ? s : updated.putObject("status")))
                        .put("phase", "Terminating");
            }
            ObjectNode result = dryRun ? updated : store.update(type, namespace, name, updated, expected);
            return new ApiResponse.Body(202, result);
        }
        ObjectNode gone = old;
        if (!dryRun) {
            gone = store.delete(type, namespace, name, expected);
            admission.deleted(type, gone);
        }
        if (RETURNS_DELETED_OBJECT.contains(type.plural())) {
            return ApiResponse.ok(gone);
        }
        return ApiResponse.ok(StatusObject.deleted(name, type.group(), type.plural(), ObjectMetadata.uid(old)));
    }

    /**
     * A delete of an object already being deleted, as upstream's BeforeDelete: a shorter grace period than the one
     * running brings the deletion forward (the kubelet's, or {@code kubectl delete --grace-period=0 --force}, ends a
     * terminating pod's), and with none left and no finalizers the object goes now; otherwise the deletion already
     * under way stands (202 with the object).
     */
    private ApiResponse deleteAgain(ResourceType type, String namespace, ObjectNode old, DeleteOptions options,
            boolean dryRun, long expected) {
        long current = ObjectMetadata.of(old).path("deletionGracePeriodSeconds").asLong(0);
        if (options.gracePeriodSeconds().isEmpty() || options.gracePeriodSeconds().getAsLong() >= current) {
            return new ApiResponse.Body(202, old);
        }
        long grace = Math.max(0, options.gracePeriodSeconds().getAsLong());
        if (grace == 0 && !ObjectMetadata.hasFinalizers(old)) {
            ObjectNode gone = old;
            if (!dryRun) {
                gone = store.delete(type, namespace, ObjectMetadata.name(old), expected);
                admission.deleted(type, gone);
            }
            return RETURNS_DELETED_OBJECT.contains(type.plural()) ? ApiResponse.ok(gone)
                    : ApiResponse.ok(StatusObject.deleted(ObjectMetadata.name(old), type.group(), type.plural(),
                            ObjectMetadata.uid(old)));
        }
        ObjectNode updated = old.deepCopy();
        ObjectNode meta = ObjectMetadata.of(updated);
        meta.put("deletionTimestamp", ObjectMetadata.timestamp(clock.instant().plusSeconds(grace)));
        meta.put("deletionGracePeriodSeconds", grace);
        ObjectNode result = dryRun ? updated
                : store.update(type, namespace, ObjectMetadata.name(old), updated, expected);
        return new ApiResponse.Body(202, result);
    }

    /** The spec as stored: a v1 HPA's other metrics live in an annotation, and changing them changes the spec. */
    private static JsonNode storedSpec(ResourceType type, ObjectNode object) {
        if (type.custom()) {
            // upstream's custom resource strategy: everything but metadata (and status, when it is a subresource)
            ObjectNode rest = object.deepCopy();
            rest.remove("metadata");
            if (type.subresource("status").isPresent()) {
                rest.remove("status");
            }
            return rest;
        }
        return (type.converted() ? type.toStorage(object) : object).get("spec");
    }

    /**
     * What a dry run answers: the object as a real write would return it, which for a version stored as another
     * is the object after its round trip through the stored version (a v1 HPA without a target gets 80% CPU).
     */
    private static ObjectNode asStored(ResourceType type, ObjectNode object) {
        return type.converted() ? type.fromStorage(type.toStorage(object)) : object;
    }

    /** Pods bound to a node get their grace period (the kubelet finishes the deletion); others go at once. */
    private static long gracePeriod(ResourceType type, ObjectNode old, DeleteOptions options) {
        if (!type.kind().equals("Pod") || !type.group().isEmpty()) {
            return 0;
        }
        if (old.path("spec").path("nodeName").asText("").isEmpty()) {
            return 0;
        }
        String phase = old.path("status").path("phase").asText("");
        if (phase.equals("Succeeded") || phase.equals("Failed")) {
            return 0;
        }
        if (options.gracePeriodSeconds().isPresent()) {
            return options.gracePeriodSeconds().getAsLong();
        }
        return old.path("spec").path("terminationGracePeriodSeconds").asLong(30);
    }

    // ---- subresources ----

    ApiResponse subresource(ResourceRequest request) {
        ResourceType type = request.type();
        String sub = request.subresource();
        ResourceType.Subresource subresource = type.subresource(sub)
                .orElseThrow(ApiException::notFoundPath);
        String method = request.method();
        return switch (sub) {
            case "status" -> switch (method) {
                case "GET" -> ApiResponse.ok(store.get(type, request.namespace(), request.name()));
                case "PUT" -> {
                    ObjectNode object = request.decodeObject(codec());
                    checkKind(type, object);
                    // custom resources are pruned and validated by their schema on every write, as upstream
                    List<String> warnings = type.custom() ? FieldValidation.check(request, type, type.kind(), object)
                            : List.of();
                    yield warned(ApiResponse.ok(replace(request, "status", object, false)), warnings);
                }
                case "PATCH" -> patchObject(request, "status");
                default -> throw ApiException.methodNotAllowed();
            };
            case "scale" -> new ScaleSubresource(store, this).handle(request);
            case "binding" -> bind(request);
            case "eviction" -> evict(request);
            case "finalize" -> {
                if (!method.equals("PUT")) {
                    throw ApiException.methodNotAllowed();
                }
                ObjectNode object = request.decodeObject(codec());
                ObjectNode current = store.get(type, null, request.name());
                ObjectNode updated = current.deepCopy();
                JsonNode finalizers = object.path("spec").path("finalizers");
                ObjectNode spec = updated.get("spec") instanceof ObjectNode s ? s : updated.putObject("spec");
                if (finalizers.isArray()) {
                    spec.set("finalizers", finalizers.deepCopy());
                } else {
                    spec.remove("finalizers");
                }
                yield ApiResponse.ok(finishNamespaceIfDone(request, current, updated));
            }
            default -> throw ApiException.notFoundPath();
        };
    }

    /**
     * A namespace also waits for its {@code spec.finalizers} (the namespace controller's {@code kubernetes}), which
     * only the finalize subresource removes: an update of a terminating namespace must not delete it.
     */
    private static boolean holdsNamespaceFinalizers(ResourceType type, ObjectNode object) {
        return type.kind().equals("Namespace") && type.group().isEmpty()
                && !object.path("spec").path("finalizers").isEmpty();
    }

    private ObjectNode finishNamespaceIfDone(ResourceRequest request, ObjectNode current, ObjectNode updated) {
        boolean noSpecFinalizers = updated.path("spec").path("finalizers").isEmpty();
        if (ObjectMetadata.deleting(updated) && noSpecFinalizers && !ObjectMetadata.hasFinalizers(updated)) {
            if (!dryRun(request)) {
                admission.deleted(request.type(), store.delete(request.type(), null, request.name(),
                        ObjectMetadata.resourceVersion(current)));
            }
            return updated;
        }
        return dryRun(request) ? updated : store.update(request.type(), null, request.name(), updated,
                ObjectMetadata.resourceVersion(current));
    }

    /** Used by the scale subresource: replace the object after changing spec.replicas. */
    ObjectNode replaceFromSubresource(ResourceRequest request, ObjectNode object, long expected) {
        ResourceType type = request.type();
        ObjectNode old = store.get(type, request.namespace(), request.name());
        if (expected != 0 && expected != ObjectMetadata.resourceVersion(old)) {
            throw ApiException.modified(type.plural(), type.group(), request.name());
        }
        keepServerMetadata(type, old, object);
        fieldManager.update(type, "scale", old, object, manager(request));
        admission.admitUpdate(type, "scale", object, old, dryRun(request));
        if (dryRun(request)) {
            return object;
        }
        return store.update(type, request.namespace(), request.name(), object, ObjectMetadata.resourceVersion(old));
    }

    ObjectCodec codecForSubresources() {
        return codec();
    }

    boolean dryRun(ResourceRequest request) {
        String dryRun = request.param("dryRun");
        if (dryRun == null || dryRun.isEmpty()) {
            return false;
        }
        if (!dryRun.equals("All")) {
            throw ApiException.badRequest("Invalid dry run value: " + dryRun + " (supported values: \"All\")");
        }
        return true;
    }

    private ApiResponse bind(ResourceRequest request) {
        if (!request.method().equals("POST")) {
            throw ApiException.methodNotAllowed();
        }
        ObjectNode binding = request.decodeObject(codec());
        String node = binding.path("target").path("name").asText("");
        if (node.isEmpty()) {
            throw ApiException.invalid("Binding", "", request.name(), List.of(new ApiException.Cause(
                    "FieldValueRequired", "Required value", "target.name")));
        }
        ResourceType pods = request.type();
        for (int attempt = 0; attempt < PATCH_RETRIES; attempt++) {
            ObjectNode pod = store.get(pods, request.namespace(), request.name());
            String assigned = pod.path("spec").path("nodeName").asText("");
            if (!assigned.isEmpty()) {
                throw ApiException.conflict("pods", "", request.name(), "pod " + request.name()
                        + " is already assigned to node \"" + assigned + "\"");
            }
            if (ObjectMetadata.deleting(pod)) {
                throw ApiException.conflict("pods", "", request.name(), "pod " + request.name()
                        + " is being deleted, cannot be assigned to a host");
            }
            ObjectNode updated = pod.deepCopy();
            ((ObjectNode) (updated.get("spec") instanceof ObjectNode s ? s : updated.putObject("spec")))
                    .put("nodeName", node);
            if (dryRun(request)) {
                break;
            }
            try {
                store.update(pods, request.namespace(), request.name(), updated,
                        ObjectMetadata.resourceVersion(pod));
                break;
            } catch (ApiException e) {
                if (e.code() != 409 || attempt == PATCH_RETRIES - 1) {
                    throw e;
                }
            }
        }
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Success");
        status.put("code", 201);
        return new ApiResponse.Body(201, status);
    }

    private ApiResponse evict(ResourceRequest request) {
        if (!request.method().equals("POST")) {
            throw ApiException.methodNotAllowed();
        }
        ObjectNode eviction = request.decodeObject(codec());
        JsonNode deleteOptions = eviction.path("deleteOptions");
        DeleteOptions options = deleteOptions.isObject()
                ? RequestOptions.parse(() -> DeleteOptions.parse(java.util.Map.of(), deleteOptions))
                : DeleteOptions.none();
        ResourceType pods = request.type();
        boolean dryRun = dryRun(request) || options.isDryRun();
        for (int attempt = 1; ; attempt++) {
            ObjectNode pod = store.get(pods, request.namespace(), request.name());
            String changedBudget = budgets.admit(pod, dryRun);
            if (changedBudget == null) {
                deleteOne(pods, request, request.namespace(), pod, options);
                break;
            }
            // the disruption controller (or another eviction) wrote the budget first: as upstream's
            // EvictionsRetry, try again every half second (a drain changes the budget with every pod it moves)
            if (attempt >= EVICTION_RETRIES) {
                throw ApiException.modified("poddisruptionbudgets", "policy", changedBudget);
            }
            try {
                Thread.sleep(450 + java.util.concurrent.ThreadLocalRandom.current().nextLong(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.modified("poddisruptionbudgets", "policy", changedBudget);
            }
        }
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Success");
        status.put("code", 201);
        return new ApiResponse.Body(201, status);
    }

    // ---- helpers ----

    private void checkKind(ResourceType type, ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        // As upstream's decoder, the URL's group-version-kind is the default for a body that does not name one
        // (the official Java client sends none).
        if (kind.isEmpty()) {
            kind = type.kind();
            object.put("kind", kind);
        }
        if (apiVersion.isEmpty()) {
            apiVersion = type.apiVersion();
            object.put("apiVersion", apiVersion);
        }
        if (!apiVersion.equals(type.apiVersion())) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (" + type.apiVersion() + ")");
        }
        if (!kind.equals(type.kind())) {
            throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
                    + type.kind() + ") of " + ApiException.qualified(type.plural(), type.group()));
        }
    }

    private static void scopeNamespace(ResourceType type, String pathNamespace, ObjectNode object) {
        ObjectNode meta = ObjectMetadata.of(object);
        String bodyNamespace = ObjectMetadata.namespace(object);
        if (!type.namespaced()) {
            meta.remove("namespace");
            return;
        }
        if (!bodyNamespace.isEmpty() && !bodyNamespace.equals(pathNamespace)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent "
                    + "on the request");
        }
        meta.put("namespace", pathNamespace);
    }

    private void requireLiveNamespace(ResourceType type, String namespace) {
        ResourceType namespaces = registry.find("", "v1", "namespaces").orElseThrow();
        // a live namespace in the watch cache is enough, as upstream's NamespaceLifecycle trusts its informer;
        // one the cache lacks or shows terminating is read from the datastore
        ObjectNode ns = reads.find(namespaces, null, namespace, cached -> !ObjectMetadata.deleting(cached))
                .orElseThrow(() -> ApiException.notFound("namespaces", "", namespace));
        if (ObjectMetadata.deleting(ns)) {
            throw ApiException.forbidden(type.plural(), type.group(), "", "unable to create new content in "
                    + "namespace " + namespace + " because it is being terminated");
        }
    }

    private static boolean tracksGeneration(ResourceType type) {
        return !UNTRACKED_GENERATION.contains(type.kind()) || !isBuiltinCore(type);
    }

    private static boolean isBuiltinCore(ResourceType type) {
        return type.group().isEmpty() || type.group().endsWith(".k8s.io") || !type.group().contains(".");
    }

    /** Upstream's create strategies: status starts over (a client cannot create an object with a status). */
    private static void resetStatusOnCreate(ResourceType type, ObjectNode object) {
        if (type.subresource("status").isEmpty() || type.kind().equals("Node")
                || type.kind().equals("PersistentVolume")) {
            return;
        }
        object.remove("status");
        Defaulters.prepareForCreate(type.group(), type.plural(), object);
    }
}
