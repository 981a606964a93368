package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Upstream's batch/v1 rules: Job (generated selector, spec, template restart policy) and CronJob. */
public final class BatchValidation {
    private static final FieldPath META = FieldPath.root("metadata");
    private static final FieldPath SPEC = FieldPath.root("spec");
    private static final List<String> POD_REPLACEMENT = List.of("Failed", "TerminatingOrFailed");

    private BatchValidation() {
    }

    public static List<FieldError> job(ObjectNode job) {
        JsonNode meta = CoreValidation.meta(job);
        List<FieldError> errs = ObjectMetaValidation.validate(meta, true, NameRule.DNS_SUBDOMAIN, META);
        ObjectNode spec = WorkloadValidation.spec(job);
        errs.addAll(generatedSelector(job, spec, meta));
        errs.addAll(jobSpec(spec, SPEC));
        ObjectNode selector = Json.obj(spec, "selector");
        if (selector == null) {
            errs.add(FieldError.required(SPEC.child("selector"), ""));
        } else {
            errs.addAll(LabelSelectors.validate(selector, SPEC.child("selector")));
        }
        if (LabelSelectors.convertible(selector) && !LabelSelectors.matches(selector == null
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : selector,
                WorkloadValidation.templateLabels(spec))) {
            errs.add(FieldError.invalid(SPEC.child("template", "metadata", "labels"),
                    WorkloadValidation.templateLabels(spec), "`selector` does not match template `labels`"));
        }
        if (Json.text(spec, "completionMode").equals("Indexed") && Json.integer(spec, "completions", 0) > 0) {
            String hostname = Json.text(meta, "name") + "-" + (Json.integer(spec, "completions", 0) - 1);
            if (!Formats.dns1123Label(hostname).isEmpty()) {
                errs.add(FieldError.invalid(META.child("name"), Json.text(meta, "name"),
                        "will not able to create pod with invalid DNS label: " + hostname));
            }
        }
        return errs;
    }

    private static List<FieldError> generatedSelector(ObjectNode job, ObjectNode spec, JsonNode meta) {
        List<FieldError> errs = new ArrayList<>();
        if (Json.bool(spec, "manualSelector") || !Json.has(spec, "selector")) {
            return errs;
        }
        String uid = Json.text(meta, "uid");
        String name = Json.text(meta, "name");
        if (uid.isEmpty()) {
            errs.add(FieldError.required(META.child("uid"), ""));
        }
        FieldPath tm = SPEC.child("template").child("metadata");
        Map<String, String> labels = WorkloadValidation.templateLabels(spec);
        errs.addAll(hasLabel(labels, tm, "controller-uid", uid));
        errs.addAll(hasLabel(labels, tm, "job-name", name));
        errs.addAll(hasLabel(labels, tm, "batch.kubernetes.io/controller-uid", uid));
        errs.addAll(hasLabel(labels, tm, "batch.kubernetes.io/job-name", name));
        Map<String, String> expected = Map.of("controller-uid", uid, "job-name", name,
                "batch.kubernetes.io/controller-uid", uid, "batch.kubernetes.io/job-name", name);
        ObjectNode selector = Json.obj(spec, "selector");
        if (LabelSelectors.convertible(selector) && !LabelSelectors.matches(selector, expected)) {
            errs.add(FieldError.invalid(SPEC.child("selector"), LabelSelectors.goLiteral(selector),
                    "`selector` not auto-generated"));
        }
        return errs;
    }

    private static List<FieldError> hasLabel(Map<String, String> labels, FieldPath metaPath, String key, String want) {
        String actual = labels.get(key);
        if (actual == null) {
            return List.of(FieldError.required(metaPath.child("labels").key(key), "must be '" + want + "'"));
        }
        if (!actual.equals(want)) {
            return List.of(FieldError.invalid(metaPath.child("labels").key(key), labels, "must be '" + want + "'"));
        }
        return List.of();
    }

    private static List<FieldError> jobSpec(ObjectNode spec, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (String f : List.of("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes")) {
            errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, f), path.child(f)));
        }
        if (Json.has(spec, "maxFailedIndexes") && !Json.has(spec, "backoffLimitPerIndex")) {
            errs.add(FieldError.required(path.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
        }
        String mode = Json.text(spec, "completionMode");
        if (Json.has(spec, "completionMode")) {
            if (!mode.equals("NonIndexed") && !mode.equals("Indexed")) {
                errs.add(FieldError.notSupported(path.child("completionMode"), mode, List.of("NonIndexed", "Indexed")));
            }
            if (mode.equals("Indexed") && !Json.has(spec, "completions")) {
                errs.add(FieldError.required(path.child("completions"), "when completion mode is Indexed"));
            }
            if (mode.equals("Indexed") && Json.integer(spec, "parallelism", 0) > 100000) {
                errs.add(FieldError.invalid(path.child("parallelism"), Json.integer(spec, "parallelism"),
                        "must be less than or equal to 100000 when completion mode is Indexed"));
            }
        }
        if (!mode.equals("Indexed")) {
            for (String f : List.of("backoffLimitPerIndex", "maxFailedIndexes")) {
                if (Json.has(spec, f)) {
                    errs.add(FieldError.invalid(path.child(f), Json.integer(spec, f), "requires indexed completion mode"));
                }
            }
        }
        if (Json.has(spec, "podReplacementPolicy")) {
            String prp = Json.text(spec, "podReplacementPolicy");
            if (Json.has(spec, "podFailurePolicy")) {
                if (!prp.equals("Failed")) {
                    errs.add(FieldError.notSupported(path.child("podReplacementPolicy"), prp, List.of("Failed")));
                }
            } else if (!POD_REPLACEMENT.contains(prp)) {
                errs.add(FieldError.notSupported(path.child("podReplacementPolicy"), prp, POD_REPLACEMENT));
            }
        }
        ObjectNode template = Json.obj(spec, "template");
        errs.addAll(PodValidation.validateTemplate(template == null
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : template,
                path.child("template")));
        String rp = Json.text(Json.obj(template, "spec"), "restartPolicy");
        FieldPath rpPath = path.child("template", "spec", "restartPolicy");
        if (rp.equals("Always") || rp.isEmpty()) {
            errs.add(FieldError.required(rpPath, "valid values: \"OnFailure\", \"Never\""));
        } else if (!rp.equals("OnFailure") && !rp.equals("Never")) {
            errs.add(FieldError.notSupported(rpPath, rp, List.of("OnFailure", "Never")));
        } else if (Json.has(spec, "podFailurePolicy") && !rp.equals("Never")) {
            errs.add(FieldError.invalid(rpPath, rp, "only \"Never\" is supported when podFailurePolicy is specified"));
        }
        return errs;
    }

    public static List<FieldError> jobUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = job(n);
        errs.addAll(CoreValidation.metaUpdate(n, o));
        ObjectNode ns = WorkloadValidation.spec(n);
        ObjectNode os = WorkloadValidation.spec(o);
        errs.addAll(ObjectMetaValidation.immutable(ns.get("selector"), os.get("selector"),
                ns.get("selector") instanceof ObjectNode s ? LabelSelectors.goLiteral(s) : null, SPEC.child("selector")));
        errs.addAll(ObjectMetaValidation.immutable(ns.get("template"), os.get("template"),
                new GoValues.Literal("core.PodTemplateSpec{...}"), SPEC.child("template")));
        if (!Json.text(ns, "completionMode").equals("Indexed")) {
            errs.addAll(ObjectMetaValidation.immutable(ns.get("completions"), os.get("completions"),
                    Json.integer(ns, "completions"), SPEC.child("completions")));
        }
        errs.addAll(ObjectMetaValidation.immutable(ns.get("completionMode"), os.get("completionMode"),
                Json.textOrNull(ns, "completionMode"), SPEC.child("completionMode")));
        errs.addAll(ObjectMetaValidation.immutable(ns.get("podFailurePolicy"), os.get("podFailurePolicy"),
                new GoValues.Literal("&batch.PodFailurePolicy{...}"), SPEC.child("podFailurePolicy")));
        return errs;
    }

    // ------------------------------------------------------------ CronJob

    public static List<FieldError> cronJob(ObjectNode cj) {
        JsonNode meta = CoreValidation.meta(cj);
        List<FieldError> errs = ObjectMetaValidation.validate(meta, true, NameRule.DNS_SUBDOMAIN, META);
        errs.addAll(cronJobSpec(WorkloadValidation.spec(cj), null));
        String name = Json.text(meta, "name");
        if (name.length() > 52) {
            errs.add(FieldError.invalid(META.child("name"), name, "must be no more than 52 characters"));
        }
        return errs;
    }

    public static List<FieldError> cronJobUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = CoreValidation.metaUpdate(n, o);
        errs.addAll(cronJobSpec(WorkloadValidation.spec(n), WorkloadValidation.spec(o)));
        return errs;
    }

    private static List<FieldError> cronJobSpec(ObjectNode spec, ObjectNode oldSpec) {
        List<FieldError> errs = new ArrayList<>();
        String schedule = Json.text(spec, "schedule");
        FieldPath sp = SPEC.child("schedule");
        if (schedule.isEmpty()) {
            errs.add(FieldError.required(sp, ""));
        } else {
            String err = CronSchedule.error(schedule);
            if (err != null) {
                errs.add(FieldError.invalid(sp, schedule, err));
            }
            boolean allowTz = oldSpec != null && Json.text(oldSpec, "schedule").contains("TZ");
            if (allowTz && schedule.contains("TZ") && Json.has(spec, "timeZone")) {
                errs.add(FieldError.invalid(sp, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
            } else if (!allowTz && schedule.contains("TZ")) {
                errs.add(FieldError.invalid(sp, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
            }
        }
        errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, "startingDeadlineSeconds"),
                SPEC.child("startingDeadlineSeconds")));
        if (Json.has(spec, "timeZone") && (oldSpec == null
                || !Json.text(spec, "timeZone").equals(Json.text(oldSpec, "timeZone")))) {
            errs.addAll(timeZone(Json.text(spec, "timeZone"), SPEC.child("timeZone")));
        }
        String cp = Json.text(spec, "concurrencyPolicy");
        switch (cp) {
            case "Allow", "Forbid", "Replace" -> { }
            case "" -> errs.add(FieldError.required(SPEC.child("concurrencyPolicy"), ""));
            default -> errs.add(FieldError.notSupported(SPEC.child("concurrencyPolicy"), cp,
                    List.of("Allow", "Forbid", "Replace")));
        }
        ObjectNode jobTemplate = Json.obj(spec, "jobTemplate");
        FieldPath jp = SPEC.child("jobTemplate");
        ObjectNode jobSpec = Json.obj(jobTemplate, "spec");
        if (jobSpec == null) {
            jobSpec = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        errs.addAll(jobSpec(jobSpec, jp.child("spec")));
        if (Json.has(jobSpec, "selector")) {
            errs.add(FieldError.invalid(jp.child("spec", "selector"), LabelSelectors.goLiteral(Json.obj(jobSpec, "selector")),
                    "`selector` will be auto-generated"));
        }
        if (Json.bool(jobSpec, "manualSelector")) {
            errs.add(FieldError.notSupported(jp.child("spec", "manualSelector"), true, List.of("nil", "false")));
        }
        for (String f : List.of("successfulJobsHistoryLimit", "failedJobsHistoryLimit")) {
            errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(spec, f), SPEC.child(f)));
        }
        return errs;
    }

    private static List<FieldError> timeZone(String tz, FieldPath path) {
        if (tz.isEmpty()) {
            return List.of(FieldError.invalid(path, tz, "timeZone must be nil or non-empty string"));
        }
        for (String part : tz.split("/", -1)) {
            if (part.equals(".") || part.equals("..") || part.startsWith("-") || !part.matches("^[A-Za-z.\\-_0-9+]{1,14}$")) {
                return List.of(FieldError.invalid(path, tz, "unknown time zone " + tz));
            }
        }
        if (tz.equalsIgnoreCase("Local")) {
            return List.of(FieldError.invalid(path, tz,
                    "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
        }
        try {
            java.time.ZoneId.of(tz);
        } catch (java.time.DateTimeException e) {
            return List.of(FieldError.invalid(path, tz, "unknown time zone " + tz));
        }
        return List.of();
    }
}
