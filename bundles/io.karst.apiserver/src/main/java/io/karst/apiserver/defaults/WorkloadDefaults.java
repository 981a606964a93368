package io.karst.apiserver.defaults;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;

/** Upstream's apps/v1 defaults for Deployments, ReplicaSets, StatefulSets and DaemonSets, and their templates. */
final class WorkloadDefaults {
    private WorkloadDefaults() {
    }

    static void deployment(ObjectNode d) {
        ObjectNode spec = Json.objOrCreate(d, "spec");
        Json.putIfAbsent(spec, "replicas", 1);
        ObjectNode strategy = Json.objOrCreate(spec, "strategy");
        Json.putIfEmpty(strategy, "type", "RollingUpdate");
        if (Json.text(strategy, "type").equals("RollingUpdate")) {
            ObjectNode rolling = Json.objOrCreate(strategy, "rollingUpdate");
            Json.putIfAbsent(rolling, "maxUnavailable", "25%");
            Json.putIfAbsent(rolling, "maxSurge", "25%");
        }
        Json.putIfAbsent(spec, "revisionHistoryLimit", 10);
        Json.putIfAbsent(spec, "progressDeadlineSeconds", 600);
        PodSpecDefaults.applyToTemplate(Json.objOrCreate(spec, "template"));
    }

    static void replicaSet(ObjectNode rs) {
        ObjectNode spec = Json.objOrCreate(rs, "spec");
        Json.putIfAbsent(spec, "replicas", 1);
        PodSpecDefaults.applyToTemplate(Json.objOrCreate(spec, "template"));
    }

    static void statefulSet(ObjectNode ss) {
        ObjectNode spec = Json.objOrCreate(ss, "spec");
        Json.putIfEmpty(spec, "podManagementPolicy", "OrderedReady");
        ObjectNode strategy = Json.objOrCreate(spec, "updateStrategy");
        Json.putIfEmpty(strategy, "type", "RollingUpdate");
        if (Json.text(strategy, "type").equals("RollingUpdate")) {
            Json.putIfAbsent(Json.objOrCreate(strategy, "rollingUpdate"), "partition", 0);
        }
        ObjectNode retention = Json.objOrCreate(spec, "persistentVolumeClaimRetentionPolicy");
        Json.putIfEmpty(retention, "whenDeleted", "Retain");
        Json.putIfEmpty(retention, "whenScaled", "Retain");
        Json.putIfAbsent(spec, "replicas", 1);
        Json.putIfAbsent(spec, "revisionHistoryLimit", 10);
        PodSpecDefaults.applyToTemplate(Json.objOrCreate(spec, "template"));
        for (ObjectNode claim : Json.objects(spec, "volumeClaimTemplates")) {
            CoreDefaults.claimSpec(Json.objOrCreate(claim, "spec"));
            Json.putIfEmpty(Json.objOrCreate(claim, "status"), "phase", "Pending");
        }
    }

    static void daemonSet(ObjectNode ds) {
        ObjectNode spec = Json.objOrCreate(ds, "spec");
        ObjectNode strategy = Json.objOrCreate(spec, "updateStrategy");
        Json.putIfEmpty(strategy, "type", "RollingUpdate");
        if (Json.text(strategy, "type").equals("RollingUpdate")) {
            ObjectNode rolling = Json.objOrCreate(strategy, "rollingUpdate");
            Json.putIfAbsent(rolling, "maxUnavailable", 1);
            Json.putIfAbsent(rolling, "maxSurge", 0);
        }
        Json.putIfAbsent(spec, "revisionHistoryLimit", 10);
        PodSpecDefaults.applyToTemplate(Json.objOrCreate(spec, "template"));
    }

    static void replicationController(ObjectNode rc) {
        ObjectNode spec = Json.objOrCreate(rc, "spec");
        ObjectNode template = Json.obj(spec, "template");
        ObjectNode labels = Json.obj(Json.obj(template, "metadata"), "labels");
        if (labels != null) {
            if (Json.stringMapOrEmpty(spec, "selector").isEmpty()) {
                spec.set("selector", labels.deepCopy());
            }
            ObjectNode meta = Json.objOrCreate(rc, "metadata");
            if (Json.stringMapOrEmpty(meta, "labels").isEmpty()) {
                meta.set("labels", labels.deepCopy());
            }
        }
        Json.putIfAbsent(spec, "replicas", 1);
        PodSpecDefaults.applyToTemplate(template);
    }
}
