package io.karst.apiserver.selection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The options of a delete or deletecollection, from a {@code DeleteOptions} body or, when the body is empty, from
 * the query ({@code gracePeriodSeconds}, {@code orphanDependents}, {@code propagationPolicy}, {@code dryRun},
 * {@code uid} and {@code resourceVersion} as preconditions) — never both, as upstream's handler — then validated with
 * upstream's {@code ValidateDeleteOptions} messages (422 {@code DeleteOptions.meta.k8s.io "" is invalid: ...}).
 *
 * <p>{@code ignoreStoreReadErrorWithClusterBreakingPotential} is read and dropped: it belongs to the
 * {@code AllowUnsafeMalformedObjectDeletion} gate, off by default in 1.33, and Karst has no unsafe deleter.
 */
public final class DeleteOptions {
    /** The three propagation policies. */
    public enum Propagation {
        FOREGROUND("Foreground"), BACKGROUND("Background"), ORPHAN("Orphan");

        private final String value;

        Propagation(String value) {
            this.value = value;
        }

        /** The API spelling. */
        public String value() {
            return value;
        }
    }

    private static final DeleteOptions NONE = new DeleteOptions(null, null, null, List.of(), null, null);

    private final Long gracePeriodSeconds;
    private final Boolean orphanDependents;
    private final String propagationPolicy;
    private final List<String> dryRun;
    private final String preconditionUid;
    private final String preconditionResourceVersion;

    private DeleteOptions(Long gracePeriodSeconds, Boolean orphanDependents, String propagationPolicy,
            List<String> dryRun, String preconditionUid, String preconditionResourceVersion) {
        this.gracePeriodSeconds = gracePeriodSeconds;
        this.orphanDependents = orphanDependents;
        this.propagationPolicy = propagationPolicy;
        this.dryRun = Collections.unmodifiableList(dryRun);
        this.preconditionUid = preconditionUid;
        this.preconditionResourceVersion = preconditionResourceVersion;
    }

    /** No options: the resource's default propagation, its default grace period, no preconditions. */
    public static DeleteOptions none() {
        return NONE;
    }

    /**
     * Reads and validates the options of a delete request.
     *
     * @param query the query parameters (used only when there is no body)
     * @param body  the decoded request body, or {@code null} when the request has none
     * @throws RequestOptionsException 400 for a malformed parameter or body, 422 for options upstream refuses
     */
    public static DeleteOptions parse(Map<String, List<String>> query, JsonNode body) {
        DeleteOptions options = body == null || body.isNull() || body.isMissingNode() ? fromQuery(query)
                : fromBody(body);
        List<FieldError> errors = options.validate();
        if (!errors.isEmpty()) {
            throw RequestOptionsException.invalid("meta.k8s.io", "DeleteOptions", "", errors);
        }
        return options;
    }

    private static DeleteOptions fromQuery(Map<String, List<String>> query) {
        Long grace = QueryValues.int64(query, "gracePeriodSeconds");
        Boolean orphan = QueryValues.bool(query, "orphanDependents");
        String propagation = QueryValues.first(query, "propagationPolicy");
        List<String> dryRun = query.getOrDefault("dryRun", List.of());
        String uid = QueryValues.first(query, "uid");
        String rv = QueryValues.first(query, "resourceVersion");
        return new DeleteOptions(grace, orphan, propagation, new ArrayList<>(dryRun),
                uid == null || uid.isEmpty() ? null : uid, rv == null || rv.isEmpty() ? null : rv);
    }

    /**
     * A body may name itself ({@code kind: DeleteOptions}, with {@code apiVersion} {@code meta.k8s.io/v1} or any
     * group's version, which upstream still accepts); fields of the wrong JSON type are refused like Go's decoder.
     */
    private static DeleteOptions fromBody(JsonNode body) {
        if (!body.isObject()) {
            throw RequestOptionsException.badRequest("json: cannot unmarshal " + jsonKind(body)
                    + " into Go value of type v1.DeleteOptions");
        }
        String kind = body.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals("DeleteOptions")) {
            throw RequestOptionsException.badRequest("decoded object cannot be converted to DeleteOptions");
        }
        Long grace = null;
        JsonNode g = body.path("gracePeriodSeconds");
        if (!g.isMissingNode() && !g.isNull()) {
            if (!g.isIntegralNumber() || !g.canConvertToLong()) {
                throw typeError(g, "gracePeriodSeconds", "int64");
            }
            grace = g.asLong();
        }
        Boolean orphan = null;
        JsonNode o = body.path("orphanDependents");
        if (!o.isMissingNode() && !o.isNull()) {
            if (!o.isBoolean()) {
                throw typeError(o, "orphanDependents", "bool");
            }
            orphan = o.asBoolean();
        }
        String propagation = textField(body, "propagationPolicy", "propagationPolicy", "v1.DeletionPropagation");
        List<String> dryRun = new ArrayList<>();
        JsonNode d = body.path("dryRun");
        if (!d.isMissingNode() && !d.isNull()) {
            if (!d.isArray()) {
                throw typeError(d, "dryRun", "[]string");
            }
            for (JsonNode v : d) {
                if (!v.isTextual()) {
                    throw typeError(v, "dryRun", "string");
                }
                dryRun.add(v.asText());
            }
        }
        String uid = null;
        String rv = null;
        JsonNode p = body.path("preconditions");
        if (!p.isMissingNode() && !p.isNull()) {
            if (!p.isObject()) {
                throw typeError(p, "preconditions", "v1.Preconditions");
            }
            uid = textField(p, "uid", "preconditions.uid", "types.UID");
            rv = textField(p, "resourceVersion", "preconditions.resourceVersion", "string");
        }
        return new DeleteOptions(grace, orphan, propagation, dryRun, uid, rv);
    }

    private static String textField(JsonNode object, String field, String path, String goType) {
        JsonNode v = object.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw typeError(v, path, goType);
        }
        return v.asText();
    }

    /** Go's {@code UnmarshalTypeError}; it shows a number's literal only when the target is an integer. */
    private static RequestOptionsException typeError(JsonNode value, String field, String goType) {
        String kind = value.isNumber() && goType.equals("int64") ? "number " + value.asText() : jsonKind(value);
        return RequestOptionsException.badRequest("json: cannot unmarshal " + kind
                + " into Go struct field DeleteOptions." + field + " of type " + goType);
    }

    private static String jsonKind(JsonNode n) {
        if (n.isTextual()) {
            return "string";
        }
        if (n.isNumber()) {
            return "number";
        }
        if (n.isBoolean()) {
            return "bool";
        }
        return n.isArray() ? "array" : "object";
    }

    /** Upstream's {@code ValidateDeleteOptions}. */
    private List<FieldError> validate() {
        List<FieldError> errs = new ArrayList<>();
        if (orphanDependents != null && propagationPolicy != null) {
            errs.add(FieldError.invalid("propagationPolicy", propagationPolicy,
                    "orphanDependents and deletionPropagation cannot be both set"));
        }
        if (propagationPolicy != null && propagation().isEmpty()) {
            errs.add(FieldError.notSupported("propagationPolicy", GoFormat.quote(propagationPolicy),
                    List.of("Foreground", "Background", "Orphan", "nil")));
        }
        for (String value : dryRun) {
            if (!value.equals("All")) {
                errs.add(FieldError.notSupported("dryRun", GoFormat.stringSlice(dryRun), List.of("All")));
                break;
            }
        }
        return errs;
    }

    private Optional<Propagation> propagation() {
        if (propagationPolicy == null) {
            return Optional.empty();
        }
        for (Propagation p : Propagation.values()) {
            if (p.value.equals(propagationPolicy)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * What the request itself asks for dependents, before the object's finalizers and the resource's default are
     * considered (upstream's {@code shouldOrphanDependents}/{@code shouldDeleteDependents} read it this way): the
     * legacy {@code orphanDependents=true} is Orphan, {@code false} is "not orphan, not foreground", i.e. Background.
     */
    public Optional<Propagation> requestedPropagation() {
        if (orphanDependents != null) {
            return Optional.of(orphanDependents ? Propagation.ORPHAN : Propagation.BACKGROUND);
        }
        return propagation();
    }

    public OptionalLong gracePeriodSeconds() {
        return gracePeriodSeconds == null ? OptionalLong.empty() : OptionalLong.of(gracePeriodSeconds);
    }

    /** The deprecated {@code orphanDependents} as given. */
    public Optional<Boolean> orphanDependents() {
        return Optional.ofNullable(orphanDependents);
    }

    /** The {@code propagationPolicy} as given (valid once parsed). */
    public Optional<String> propagationPolicy() {
        return Optional.ofNullable(propagationPolicy);
    }

    /** The {@code dryRun} values; only "All" is valid. */
    public List<String> dryRun() {
        return dryRun;
    }

    public boolean isDryRun() {
        return !dryRun.isEmpty();
    }

    /** {@code preconditions.uid}: the object must still have this uid. */
    public Optional<String> preconditionUid() {
        return Optional.ofNullable(preconditionUid);
    }

    /** {@code preconditions.resourceVersion}: the object must still be at this version. */
    public Optional<String> preconditionResourceVersion() {
        return Optional.ofNullable(preconditionResourceVersion);
    }
}
