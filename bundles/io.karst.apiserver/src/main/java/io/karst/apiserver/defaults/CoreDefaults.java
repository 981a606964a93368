package io.karst.apiserver.defaults;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;

/** Upstream's core/v1 defaults for the types other than Pod and Service. */
final class CoreDefaults {
    private CoreDefaults() {
    }

    /** Opaque type; {@code stringData} folded into {@code data}, as the v1 conversion does before storage. */
    static void secret(ObjectNode secret) {
        Json.putIfEmpty(secret, "type", "Opaque");
        ObjectNode stringData = Json.obj(secret, "stringData");
        if (stringData != null) {
            ObjectNode data = Json.objOrCreate(secret, "data");
            for (Iterator<Map.Entry<String, JsonNode>> it = stringData.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                data.put(e.getKey(), Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
            }
        }
        secret.remove("stringData");
    }

    /** The metadata-name label (set whenever the name is known) and the Active phase. */
    static void namespace(ObjectNode ns) {
        ObjectNode meta = Json.objOrCreate(ns, "metadata");
        String name = Json.text(meta, "name");
        if (!name.isEmpty()) {
            Json.objOrCreate(meta, "labels").put("kubernetes.io/metadata.name", name);
        }
        Json.putIfEmpty(Json.objOrCreate(ns, "status"), "phase", "Active");
    }

    static void persistentVolumeClaim(ObjectNode pvc) {
        claimSpec(Json.objOrCreate(pvc, "spec"));
        Json.putIfEmpty(Json.objOrCreate(pvc, "status"), "phase", "Pending");
    }

    static void claimSpec(ObjectNode spec) {
        Json.putIfAbsent(spec, "volumeMode", "Filesystem");
        ObjectNode resources = Json.obj(spec, "resources");
        Nodes.canonicalizeResourceList(Json.obj(resources, "requests"));
        Nodes.canonicalizeResourceList(Json.obj(resources, "limits"));
    }

    static void persistentVolume(ObjectNode pv) {
        ObjectNode spec = Json.objOrCreate(pv, "spec");
        Json.putIfEmpty(spec, "persistentVolumeReclaimPolicy", "Retain");
        Json.putIfAbsent(spec, "volumeMode", "Filesystem");
        Nodes.canonicalizeResourceList(Json.obj(spec, "capacity"));
        ObjectNode hostPath = Json.obj(spec, "hostPath");
        if (hostPath != null) {
            Json.putIfAbsent(hostPath, "type", "");
        }
        Json.putIfEmpty(Json.objOrCreate(pv, "status"), "phase", "Pending");
    }

    static void endpoints(ObjectNode ep) {
        for (ObjectNode ss : Json.objects(ep, "subsets")) {
            for (ObjectNode p : Json.objects(ss, "ports")) {
                Json.putIfEmpty(p, "protocol", "TCP");
            }
        }
    }

    static void node(ObjectNode node) {
        ObjectNode status = Json.obj(node, "status");
        ObjectNode capacity = Json.obj(status, "capacity");
        Nodes.canonicalizeResourceList(capacity);
        Nodes.canonicalizeResourceList(Json.obj(status, "allocatable"));
        if (capacity != null && !Json.has(status, "allocatable")) {
            status.set("allocatable", capacity.deepCopy());
        }
    }

    /** Container limit items: default from max, defaultRequest from default, then from min. */
    static void limitRange(ObjectNode lr) {
        for (ObjectNode item : Json.objects(Json.obj(lr, "spec"), "limits")) {
            for (String f : List.of("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")) {
                Nodes.canonicalizeResourceList(Json.obj(item, f));
            }
            if (!Json.text(item, "type").equals("Container")) {
                continue;
            }
            ObjectNode dflt = Json.objOrCreate(item, "default");
            ObjectNode dfltRequest = Json.objOrCreate(item, "defaultRequest");
            copyMissing(Json.obj(item, "max"), dflt);
            copyMissing(dflt, dfltRequest);
            copyMissing(Json.obj(item, "min"), dfltRequest);
        }
    }

    private static void copyMissing(ObjectNode from, ObjectNode to) {
        if (from == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!to.has(e.getKey())) {
                to.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    static void resourceQuota(ObjectNode rq) {
        Nodes.canonicalizeResourceList(Json.obj(Json.obj(rq, "spec"), "hard"));
    }
}
