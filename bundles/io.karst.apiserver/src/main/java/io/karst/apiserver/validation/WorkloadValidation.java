package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Upstream's apps/v1 rules: Deployment, ReplicaSet, StatefulSet, DaemonSet (and ReplicationController). */
public final class WorkloadValidation {
    private static final FieldPath META = FieldPath.root("metadata");
    private static final FieldPath SPEC = FieldPath.root("spec");

    private WorkloadValidation() {
    }

    static ObjectNode spec(ObjectNode o) {
        ObjectNode s = Json.obj(o, "spec");
        return s == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : s;
    }

    static Map<String, String> templateLabels(ObjectNode spec) {
        return Json.stringMapOrEmpty(ObjectMetaValidation.metadata(Json.obj(spec, "template")), "labels");
    }

    // ------------------------------------------------------------ Deployment

    /** Metadata of a namespaced workload (DNS-subdomain name), then its spec rules. */
    private static List<FieldError> onCreate(ObjectNode workload,
            java.util.function.Function<ObjectNode, List<FieldError>> specRules) {
        List<FieldError> errs = ObjectMetaValidation.validate(CoreValidation.meta(workload), true,
                NameRule.DNS_SUBDOMAIN, META);
        errs.addAll(specRules.apply(spec(workload)));
        return errs;
    }

    /** The update rules shared by Deployments, ReplicaSets and DaemonSets: metadata, spec, immutable selector. */
    private static List<FieldError> onUpdateWithFixedSelector(ObjectNode n, ObjectNode o,
            java.util.function.Function<ObjectNode, List<FieldError>> specRules) {
        List<FieldError> errs = CoreValidation.metaUpdate(n, o);
        errs.addAll(specRules.apply(spec(n)));
        errs.addAll(selectorImmutable(spec(n), spec(o)));
        return errs;
    }

    public static List<FieldError> deployment(ObjectNode d) {
        return onCreate(d, WorkloadValidation::deploymentSpec);
    }

    public static List<FieldError> deploymentUpdate(ObjectNode n, ObjectNode o) {
        return onUpdateWithFixedSelector(n, o, WorkloadValidation::deploymentSpec);
    }

    /** apps/v1 makes the selector immutable (the strategy adds this check on update). */
    private static List<FieldError> selectorImmutable(ObjectNode n, ObjectNode o) {
        return ObjectMetaValidation.immutable(n.get("selector"), o.get("selector"),
                n.get("selector") instanceof ObjectNode s ? LabelSelectors.goLiteral(s) : null, SPEC.child("selector"));
    }

    private static List<FieldError> deploymentSpec(ObjectNode spec) {
        List<FieldError> errs = new ArrayList<>();
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "replicas"), SPEC.child("replicas")));
        errs.addAll(replicaSetLikeSelectorAndTemplate(spec, "deployment"));
        ObjectNode strategy = Json.obj(spec, "strategy");
        FieldPath sp = SPEC.child("strategy");
        String type = Json.text(strategy, "type");
        ObjectNode rolling = Json.obj(strategy, "rollingUpdate");
        switch (type) {
            case "Recreate" -> {
                if (rolling != null) {
                    errs.add(FieldError.forbidden(sp.child("rollingUpdate"),
                            "may not be specified when strategy `type` is 'Recreate'"));
                }
            }
            case "RollingUpdate" -> {
                if (rolling == null) {
                    errs.add(FieldError.required(sp.child("rollingUpdate"), "this should be defaulted and never be nil"));
                } else {
                    FieldPath rp = sp.child("rollingUpdate");
                    JsonNode mu = rolling.get("maxUnavailable");
                    JsonNode ms = rolling.get("maxSurge");
                    errs.addAll(positiveIntOrPercent(mu, rp.child("maxUnavailable")));
                    errs.addAll(positiveIntOrPercent(ms, rp.child("maxSurge")));
                    if (intOrPercentValue(mu) == 0 && intOrPercentValue(ms) == 0) {
                        errs.add(FieldError.invalid(rp.child("maxUnavailable"), intOrString(mu),
                                "may not be 0 when `maxSurge` is 0"));
                    }
                    errs.addAll(notMoreThan100Percent(mu, rp.child("maxUnavailable")));
                }
            }
            default -> errs.add(FieldError.notSupported(sp, new GoValues.Literal("apps.DeploymentStrategy{Type:"
                    + GoValues.quote(type) + ", RollingUpdate:(*apps.RollingUpdateDeployment)(" + (rolling == null ? "nil"
                    : rolling.toString()) + ")}"), List.of("Recreate", "RollingUpdate")));
        }
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "minReadySeconds"), SPEC.child("minReadySeconds")));
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "revisionHistoryLimit"),
                SPEC.child("revisionHistoryLimit")));
        Long pds = Json.integer(spec, "progressDeadlineSeconds");
        if (pds != null) {
            errs.addAll(ObjectMetaValidation.nonNegative(pds, SPEC.child("progressDeadlineSeconds")));
            if (pds <= Json.integer(spec, "minReadySeconds", 0)) {
                errs.add(FieldError.invalid(SPEC.child("progressDeadlineSeconds"), pds,
                        "must be greater than minReadySeconds"));
            }
        }
        return errs;
    }

    /** Selector required, non-empty and valid; template labels matching it; template valid for Always-restart pods. */
    private static List<FieldError> replicaSetLikeSelectorAndTemplate(ObjectNode spec, String kindWord) {
        List<FieldError> errs = new ArrayList<>();
        ObjectNode selector = Json.obj(spec, "selector");
        if (selector == null) {
            errs.add(FieldError.required(SPEC.child("selector"), ""));
        } else {
            errs.addAll(LabelSelectors.validate(selector, SPEC.child("selector")));
            if (LabelSelectors.isEmpty(selector)) {
                errs.add(FieldError.invalid(SPEC.child("selector"), LabelSelectors.goLiteral(selector),
                        "empty selector is invalid for " + kindWord));
            }
        }
        if (!LabelSelectors.convertible(selector)) {
            errs.add(FieldError.invalid(SPEC.child("selector"), LabelSelectors.goLiteral(selector), "invalid label selector"));
            return errs;
        }
        FieldPath tp = SPEC.child("template");
        ObjectNode template = Json.obj(spec, "template");
        if (template == null) {
            errs.add(FieldError.required(tp, ""));
            return errs;
        }
        errs.addAll(templateMatches(selector, spec, tp));
        errs.addAll(PodValidation.validateTemplate(template, tp));
        ObjectNode podSpec = Json.obj(template, "spec");
        String rp = Json.text(podSpec, "restartPolicy");
        if (!rp.equals("Always")) {
            errs.add(FieldError.notSupported(tp.child("spec", "restartPolicy"), rp, List.of("Always")));
        }
        if (Json.has(podSpec, "activeDeadlineSeconds")) {
            errs.add(FieldError.forbidden(tp.child("spec", "activeDeadlineSeconds"),
                    "activeDeadlineSeconds in ReplicaSet is not Supported"));
        }
        return errs;
    }

    private static List<FieldError> templateMatches(ObjectNode selector, ObjectNode spec, FieldPath tp) {
        if (!LabelSelectors.isEmpty(selector) && !LabelSelectors.matches(selector, templateLabels(spec))) {
            return List.of(FieldError.invalid(tp.child("metadata", "labels"),
                    Json.stringMap(ObjectMetaValidation.metadata(Json.obj(spec, "template")), "labels") == null
                            ? new GoValues.Literal("map[string]string(nil)") : templateLabels(spec),
                    "`selector` does not match template `labels`"));
        }
        return List.of();
    }

    // ------------------------------------------------------------ ReplicaSet

    public static List<FieldError> replicaSet(ObjectNode rs) {
        return onCreate(rs, WorkloadValidation::replicaSetSpec);
    }

    public static List<FieldError> replicaSetUpdate(ObjectNode n, ObjectNode o) {
        return onUpdateWithFixedSelector(n, o, WorkloadValidation::replicaSetSpec);
    }

    private static List<FieldError> replicaSetSpec(ObjectNode spec) {
        List<FieldError> errs = new ArrayList<>();
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "replicas"), SPEC.child("replicas")));
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "minReadySeconds"), SPEC.child("minReadySeconds")));
        // Upstream's ReplicaSet check says "deployment" in this message too.
        errs.addAll(replicaSetLikeSelectorAndTemplate(spec, "deployment"));
        return errs;
    }

    // ------------------------------------------------------------ StatefulSet

    public static List<FieldError> statefulSet(ObjectNode ss) {
        return onCreate(ss, WorkloadValidation::statefulSetSpec);
    }

    public static List<FieldError> statefulSetUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = CoreValidation.metaUpdate(n, o);
        errs.addAll(statefulSetSpec(spec(n)));
        ObjectNode a = spec(n).deepCopy();
        ObjectNode b = spec(o).deepCopy();
        for (String f : List.of("replicas", "ordinals", "template", "updateStrategy",
                "persistentVolumeClaimRetentionPolicy", "minReadySeconds")) {
            a.remove(f);
            b.remove(f);
        }
        if (!a.equals(b)) {
            errs.add(FieldError.forbidden(SPEC, "updates to statefulset spec for fields other than 'replicas', "
                    + "'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
                    + "'minReadySeconds' are forbidden"));
        }
        return errs;
    }

    private static List<FieldError> statefulSetSpec(ObjectNode spec) {
        List<FieldError> errs = new ArrayList<>();
        String pmp = Json.text(spec, "podManagementPolicy");
        switch (pmp) {
            case "" -> errs.add(FieldError.required(SPEC.child("podManagementPolicy"), ""));
            case "OrderedReady", "Parallel" -> { }
            default -> errs.add(FieldError.invalid(SPEC.child("podManagementPolicy"), pmp,
                    "must be 'OrderedReady' or 'Parallel'"));
        }
        ObjectNode strategy = Json.obj(spec, "updateStrategy");
        String type = Json.text(strategy, "type");
        ObjectNode rolling = Json.obj(strategy, "rollingUpdate");
        FieldPath up = SPEC.child("updateStrategy");
        switch (type) {
            case "" -> errs.add(FieldError.required(up, ""));
            case "OnDelete" -> {
                if (rolling != null) {
                    errs.add(FieldError.invalid(up.child("rollingUpdate"), new GoValues.Literal(
                            "&apps.RollingUpdateStatefulSetStrategy{Partition:" + Json.integer(rolling, "partition", 0)
                                    + ", MaxUnavailable:(*intstr.IntOrString)(nil)}"),
                            "only allowed for updateStrategy 'RollingUpdate'"));
                }
            }
            case "RollingUpdate" -> {
                if (rolling != null) {
                    errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(rolling, "partition"),
                            up.child("rollingUpdate").child("partition")));
                    JsonNode mu = rolling.get("maxUnavailable");
                    if (mu != null && !mu.isNull()) {
                        FieldPath mp = up.child("rollingUpdate").child("maxUnavailable");
                        errs.addAll(positiveIntOrPercent(mu, mp));
                        if (intOrPercentValue(mu) == 0) {
                            errs.add(FieldError.invalid(mp, intOrString(mu), "cannot be 0"));
                        }
                        errs.addAll(notMoreThan100Percent(mu, mp));
                    }
                }
            }
            default -> errs.add(FieldError.invalid(up, new GoValues.Literal("apps.StatefulSetUpdateStrategy{Type:"
                    + GoValues.quote(type) + ", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}"),
                    "must be 'RollingUpdate' or 'OnDelete'"));
        }
        ObjectNode retention = Json.obj(spec, "persistentVolumeClaimRetentionPolicy");
        if (retention != null) {
            for (String f : List.of("whenDeleted", "whenScaled")) {
                String v = Json.text(retention, f);
                if (!v.equals("Retain") && !v.equals("Delete")) {
                    errs.add(FieldError.notSupported(SPEC.child("persistentVolumeClaimRetentionPolicy").child(f), v,
                            List.of("Retain", "Delete")));
                }
            }
        }
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "replicas"), SPEC.child("replicas")));
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "minReadySeconds"), SPEC.child("minReadySeconds")));
        ObjectNode ordinals = Json.obj(spec, "ordinals");
        if (ordinals != null) {
            errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(ordinals, "start"), SPEC.child("ordinals.start")));
        }
        ObjectNode selector = Json.obj(spec, "selector");
        if (selector == null) {
            errs.add(FieldError.required(SPEC.child("selector"), ""));
        } else {
            errs.addAll(LabelSelectors.validate(selector, SPEC.child("selector")));
            if (LabelSelectors.isEmpty(selector)) {
                errs.add(FieldError.invalid(SPEC.child("selector"), LabelSelectors.goLiteral(selector),
                        "empty selector is invalid for statefulset"));
            }
        }
        FieldPath tp = SPEC.child("template");
        if (!LabelSelectors.convertible(selector)) {
            errs.add(FieldError.invalid(SPEC.child("selector"), LabelSelectors.goLiteral(selector), ""));
        } else {
            ObjectNode template = Json.obj(spec, "template");
            if (template == null) {
                errs.add(FieldError.required(tp, ""));
            } else {
                errs.addAll(templateMatches(selector, spec, tp));
                // Upstream checks only the template's metadata here; the pod spec is validated when pods are made.
                JsonNode tm = ObjectMetaValidation.metadata(template);
                errs.addAll(ObjectMetaValidation.labels(Json.stringMap(tm, "labels"), tp.child("labels")));
                errs.addAll(ObjectMetaValidation.annotations(Json.stringMap(tm, "annotations"), tp.child("annotations")));
            }
        }
        ObjectNode podSpec = Json.obj(Json.obj(spec, "template"), "spec");
        String rp = Json.text(podSpec, "restartPolicy");
        if (!rp.equals("Always")) {
            errs.add(FieldError.notSupported(tp.child("spec", "restartPolicy"), rp, List.of("Always")));
        }
        if (Json.has(podSpec, "activeDeadlineSeconds")) {
            errs.add(FieldError.forbidden(tp.child("spec", "activeDeadlineSeconds"),
                    "activeDeadlineSeconds in StatefulSet is not Supported"));
        }
        return errs;
    }

    // ------------------------------------------------------------ DaemonSet

    public static List<FieldError> daemonSet(ObjectNode ds) {
        return onCreate(ds, WorkloadValidation::daemonSetSpec);
    }

    public static List<FieldError> daemonSetUpdate(ObjectNode n, ObjectNode o) {
        return onUpdateWithFixedSelector(n, o, WorkloadValidation::daemonSetSpec);
    }

    private static List<FieldError> daemonSetSpec(ObjectNode spec) {
        List<FieldError> errs = new ArrayList<>();
        ObjectNode selector = Json.obj(spec, "selector");
        errs.addAll(LabelSelectors.validate(selector, SPEC.child("selector")));
        if (LabelSelectors.convertible(selector) && !LabelSelectors.isEmpty(selector)
                && !LabelSelectors.matches(selector, templateLabels(spec))) {
            errs.add(FieldError.invalid(SPEC.child("template", "metadata", "labels"),
                    Json.stringMap(ObjectMetaValidation.metadata(Json.obj(spec, "template")), "labels") == null
                            ? new GoValues.Literal("map[string]string(nil)") : templateLabels(spec),
                    "`selector` does not match template `labels`"));
        }
        if (selector != null && LabelSelectors.isEmpty(selector)) {
            errs.add(FieldError.invalid(SPEC.child("selector"), LabelSelectors.goLiteral(selector),
                    "empty selector is invalid for daemonset"));
        }
        FieldPath tp = SPEC.child("template");
        ObjectNode template = Json.obj(spec, "template");
        errs.addAll(PodValidation.validateTemplate(template == null
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : template, tp));
        ObjectNode podSpec = Json.obj(template, "spec");
        String rp = Json.text(podSpec, "restartPolicy");
        if (!rp.equals("Always")) {
            errs.add(FieldError.notSupported(tp.child("spec", "restartPolicy"), rp, List.of("Always")));
        }
        if (Json.has(podSpec, "activeDeadlineSeconds")) {
            errs.add(FieldError.forbidden(tp.child("spec", "activeDeadlineSeconds"),
                    "activeDeadlineSeconds in DaemonSet is not Supported"));
        }
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "minReadySeconds"), SPEC.child("minReadySeconds")));
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "templateGeneration"),
                SPEC.child("templateGeneration")));
        ObjectNode strategy = Json.obj(spec, "updateStrategy");
        FieldPath up = SPEC.child("updateStrategy");
        String type = Json.text(strategy, "type");
        switch (type) {
            case "OnDelete" -> { }
            case "RollingUpdate" -> {
                ObjectNode rolling = Json.obj(strategy, "rollingUpdate");
                if (rolling == null) {
                    errs.add(FieldError.required(up.child("rollingUpdate"), ""));
                } else {
                    FieldPath rpth = up.child("rollingUpdate");
                    JsonNode mu = rolling.get("maxUnavailable");
                    JsonNode ms = rolling.get("maxSurge");
                    errs.addAll(positiveIntOrPercent(mu, rpth.child("maxUnavailable")));
                    errs.addAll(positiveIntOrPercent(ms, rpth.child("maxSurge")));
                    errs.addAll(notMoreThan100Percent(mu, rpth.child("maxUnavailable")));
                    errs.addAll(notMoreThan100Percent(ms, rpth.child("maxSurge")));
                    boolean hasUnavailable = intOrPercentValue(mu) != 0;
                    boolean hasSurge = intOrPercentValue(ms) != 0;
                    if (hasUnavailable && hasSurge) {
                        errs.add(FieldError.invalid(rpth.child("maxSurge"), intOrString(ms),
                                "may not be set when maxUnavailable is non-zero"));
                    } else if (!hasUnavailable && !hasSurge) {
                        errs.add(FieldError.required(rpth.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
                    }
                }
            }
            default -> errs.add(FieldError.notSupported(up, new GoValues.Literal("apps.DaemonSetUpdateStrategy{Type:"
                    + GoValues.quote(type) + ", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}"),
                    List.of("RollingUpdate", "OnDelete")));
        }
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "revisionHistoryLimit"),
                SPEC.child("revisionHistoryLimit")));
        return errs;
    }

    // ------------------------------------------------------------ ReplicationController

    public static List<FieldError> replicationController(ObjectNode rc) {
        List<FieldError> errs = ObjectMetaValidation.validate(CoreValidation.meta(rc), true, NameRule.DNS_SUBDOMAIN, META);
        ObjectNode spec = spec(rc);
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "replicas"), SPEC.child("replicas")));
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "minReadySeconds"), SPEC.child("minReadySeconds")));
        Map<String, String> selector = Json.stringMapOrEmpty(spec, "selector");
        if (selector.isEmpty()) {
            errs.add(FieldError.required(SPEC.child("selector"), ""));
        } else {
            errs.addAll(ObjectMetaValidation.labels(selector, SPEC.child("selector")));
        }
        ObjectNode template = Json.obj(spec, "template");
        FieldPath tp = SPEC.child("template");
        if (template == null) {
            errs.add(FieldError.required(tp, ""));
            return errs;
        }
        Map<String, String> labels = templateLabels(spec);
        boolean matches = selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        if (!selector.isEmpty() && !matches) {
            errs.add(FieldError.invalid(tp.child("metadata", "labels"), labels,
                    "`selector` does not match template `labels`"));
        }
        errs.addAll(PodValidation.validateTemplate(template, tp));
        String rp = Json.text(Json.obj(template, "spec"), "restartPolicy");
        if (!rp.equals("Always")) {
            errs.add(FieldError.notSupported(tp.child("spec", "restartPolicy"), rp, List.of("Always")));
        }
        return errs;
    }

    // ------------------------------------------------------------ int-or-percent helpers

    /** An int-or-string JSON value as Go's {@code %#v} prints {@code intstr.IntOrString}. */
    static GoValues.Literal intOrString(JsonNode v) {
        if (v != null && v.isNumber()) {
            return new GoValues.Literal("intstr.IntOrString{Type:0, IntVal:" + v.asLong() + ", StrVal:\"\"}");
        }
        String s = v == null || v.isNull() ? "" : v.asText();
        return new GoValues.Literal("intstr.IntOrString{Type:1, IntVal:0, StrVal:" + GoValues.quote(s) + "}");
    }

    static List<FieldError> positiveIntOrPercent(JsonNode v, FieldPath path) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isNumber()) {
            return ObjectMetaValidation.nonNegative(v.asLong(), path);
        }
        List<FieldError> errs = new ArrayList<>();
        for (String msg : Formats.percent(v.asText())) {
            errs.add(FieldError.invalid(path, intOrString(v), msg));
        }
        return errs;
    }

    static int intOrPercentValue(JsonNode v) {
        if (v == null || v.isNull()) {
            return 0;
        }
        if (v.isNumber()) {
            return v.asInt();
        }
        String s = v.asText();
        if (Formats.percent(s).isEmpty()) {
            return Integer.parseInt(s.substring(0, s.length() - 1));
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static List<FieldError> notMoreThan100Percent(JsonNode v, FieldPath path) {
        if (v != null && v.isTextual() && Formats.percent(v.asText()).isEmpty()
                && Integer.parseInt(v.asText().substring(0, v.asText().length() - 1)) > 100) {
            return List.of(FieldError.invalid(path, intOrString(v), "must not be greater than 100%"));
        }
        return List.of();
    }
}
