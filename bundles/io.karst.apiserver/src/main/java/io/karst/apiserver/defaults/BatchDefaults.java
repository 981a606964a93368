package io.karst.apiserver.defaults;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;

/** Upstream's batch/v1 defaults for Jobs and CronJobs, and the selector a Job gets from its uid at create. */
public final class BatchDefaults {
    private BatchDefaults() {
    }

    static void job(ObjectNode job) {
        ObjectNode spec = Json.objOrCreate(job, "spec");
        if (!Json.has(spec, "completions") && !Json.has(spec, "parallelism")) {
            spec.put("completions", 1);
            spec.put("parallelism", 1);
        }
        Json.putIfAbsent(spec, "parallelism", 1);
        if (!Json.has(spec, "backoffLimit")) {
            spec.put("backoffLimit", Json.has(spec, "backoffLimitPerIndex") ? Integer.MAX_VALUE : 6);
        }
        labelsFromTemplate(job, spec);
        Json.putIfAbsent(spec, "completionMode", "NonIndexed");
        Json.putIfAbsent(spec, "suspend", false);
        ObjectNode failurePolicy = Json.obj(spec, "podFailurePolicy");
        if (failurePolicy != null) {
            for (ObjectNode rule : Json.objects(failurePolicy, "rules")) {
                for (ObjectNode pattern : Json.objects(rule, "onPodConditions")) {
                    Json.putIfEmpty(pattern, "status", "True");
                }
            }
        }
        Json.putIfAbsent(spec, "podReplacementPolicy", failurePolicy != null ? "Failed" : "TerminatingOrFailed");
        Json.putIfAbsent(spec, "manualSelector", false);
        PodSpecDefaults.applyToTemplate(Json.objOrCreate(spec, "template"));
    }

    private static void labelsFromTemplate(ObjectNode job, ObjectNode spec) {
        ObjectNode labels = Json.obj(Json.obj(Json.obj(spec, "template"), "metadata"), "labels");
        ObjectNode meta = Json.objOrCreate(job, "metadata");
        if (labels != null && Json.stringMapOrEmpty(meta, "labels").isEmpty()) {
            meta.set("labels", labels.deepCopy());
        }
    }

    /**
     * The Job strategy's create step: unless {@code spec.manualSelector} is true, label the pod template with the
     * job name and uid (legacy and batch.kubernetes.io keys) and select on {@code batch.kubernetes.io/controller-uid}.
     * Then, as upstream's read-back defaulting does, a Job without labels takes the template's. Call with the uid
     * the object was given, before validation.
     */
    public static void generateJobSelector(ObjectNode job, String uid) {
        ObjectNode spec = Json.objOrCreate(job, "spec");
        if (Json.bool(spec, "manualSelector")) {
            return;
        }
        String name = Json.text(Json.obj(job, "metadata"), "name");
        ObjectNode template = Json.objOrCreate(spec, "template");
        ObjectNode labels = Json.objOrCreate(Json.objOrCreate(template, "metadata"), "labels");
        for (Map.Entry<String, String> e : List.of(Map.entry("batch.kubernetes.io/controller-uid", uid),
                Map.entry("batch.kubernetes.io/job-name", name), Map.entry("controller-uid", uid),
                Map.entry("job-name", name))) {
            if (!labels.has(e.getKey())) {
                labels.put(e.getKey(), e.getValue());
            }
        }
        ObjectNode matchLabels = Json.objOrCreate(Json.objOrCreate(spec, "selector"), "matchLabels");
        if (!matchLabels.has("batch.kubernetes.io/controller-uid")) {
            matchLabels.put("batch.kubernetes.io/controller-uid", uid);
        }
        labelsFromTemplate(job, spec);
    }

    static void cronJob(ObjectNode cj) {
        ObjectNode spec = Json.objOrCreate(cj, "spec");
        Json.putIfEmpty(spec, "concurrencyPolicy", "Allow");
        Json.putIfAbsent(spec, "suspend", false);
        Json.putIfAbsent(spec, "successfulJobsHistoryLimit", 3);
        Json.putIfAbsent(spec, "failedJobsHistoryLimit", 1);
        ObjectNode jobTemplate = Json.objOrCreate(spec, "jobTemplate");
        Nodes.templateMetadata(jobTemplate);
        PodSpecDefaults.applyToTemplate(Json.objOrCreate(Json.objOrCreate(jobTemplate, "spec"), "template"));
    }
}
