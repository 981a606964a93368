package io.karst.apiserver.defaults;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;

/**
 * Upstream's defaults for a pod spec wherever one appears (pods and every workload template): DNS and restart
 * policy, security context, grace period, scheduler; per container the pull policy, termination message, port
 * protocol, probe timings, downward-API versions and an explicit empty {@code resources}; per volume the file
 * modes, {@code emptyDir} for source-less volumes and the host-path type.
 */
public final class PodSpecDefaults {
    /** 0644, the default file mode of secret, configMap, downwardAPI and projected volumes. */
    public static final int DEFAULT_FILE_MODE = 420;

    private PodSpecDefaults() {
    }

    /** Defaults of a pod template ({@code spec.template} of workloads). */
    public static void applyToTemplate(ObjectNode template) {
        if (template == null) {
            return;
        }
        Nodes.templateMetadata(template);
        applyToSpec(Json.objOrCreate(template, "spec"));
    }

    public static void applyToSpec(ObjectNode spec) {
        Json.putIfEmpty(spec, "dnsPolicy", "ClusterFirst");
        Json.putIfEmpty(spec, "restartPolicy", "Always");
        if (!Json.has(spec, "securityContext")) {
            spec.putObject("securityContext");
        }
        Json.putIfAbsent(spec, "terminationGracePeriodSeconds", 30);
        Json.putIfEmpty(spec, "schedulerName", "default-scheduler");
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (ObjectNode c : Json.objects(spec, list)) {
                container(c);
            }
        }
        for (ObjectNode v : Json.objects(spec, "volumes")) {
            volume(v);
        }
        Nodes.canonicalizeResourceList(Json.obj(spec, "overhead"));
    }

    static void container(ObjectNode c) {
        if (Json.text(c, "imagePullPolicy").isEmpty()) {
            c.put("imagePullPolicy", ImageReference.defaultPullPolicy(Json.text(c, "image")));
        }
        Json.putIfEmpty(c, "terminationMessagePath", "/dev/termination-log");
        Json.putIfEmpty(c, "terminationMessagePolicy", "File");
        for (ObjectNode p : Json.objects(c, "ports")) {
            Json.putIfEmpty(p, "protocol", "TCP");
        }
        // Upstream's ResourceRequirements is a struct, always serialised: an unset one reads back as {}.
        ObjectNode resources = Json.objOrCreate(c, "resources");
        Nodes.canonicalizeResourceList(Json.obj(resources, "limits"));
        Nodes.canonicalizeResourceList(Json.obj(resources, "requests"));
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            ObjectNode p = Json.obj(c, probe);
            if (p != null) {
                probe(p);
            }
        }
        ObjectNode lifecycle = Json.obj(c, "lifecycle");
        if (lifecycle != null) {
            for (String hook : List.of("postStart", "preStop")) {
                httpGet(Json.obj(Json.obj(lifecycle, hook), "httpGet"));
            }
        }
        for (ObjectNode e : Json.objects(c, "env")) {
            ObjectNode fieldRef = Json.obj(Json.obj(e, "valueFrom"), "fieldRef");
            if (fieldRef != null) {
                Json.putIfEmpty(fieldRef, "apiVersion", "v1");
            }
        }
    }

    private static void probe(ObjectNode p) {
        zeroToDefault(p, "timeoutSeconds", 1);
        zeroToDefault(p, "periodSeconds", 10);
        zeroToDefault(p, "successThreshold", 1);
        zeroToDefault(p, "failureThreshold", 3);
        httpGet(Json.obj(p, "httpGet"));
    }

    private static void zeroToDefault(ObjectNode n, String field, int value) {
        if (Json.integer(n, field, 0) == 0) {
            n.put(field, value);
        }
    }

    private static void httpGet(ObjectNode h) {
        if (h != null) {
            Json.putIfEmpty(h, "path", "/");
            Json.putIfEmpty(h, "scheme", "HTTP");
        }
    }

    private static final List<String> SOURCES = List.of("hostPath", "emptyDir", "gcePersistentDisk",
            "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd",
            "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap",
            "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume",
            "scaleIO", "storageos", "csi", "ephemeral", "image");

    static void volume(ObjectNode v) {
        boolean any = false;
        for (String s : SOURCES) {
            any |= Json.has(v, s);
        }
        if (!any) {
            v.putObject("emptyDir");
        }
        for (String s : List.of("secret", "configMap", "downwardAPI", "projected")) {
            ObjectNode src = Json.obj(v, s);
            if (src != null) {
                Json.putIfAbsent(src, "defaultMode", DEFAULT_FILE_MODE);
            }
        }
        ObjectNode hostPath = Json.obj(v, "hostPath");
        if (hostPath != null) {
            Json.putIfAbsent(hostPath, "type", "");
        }
        ObjectNode emptyDir = Json.obj(v, "emptyDir");
        Nodes.canonicalizeQuantity(emptyDir, "sizeLimit");
        for (ObjectNode item : Json.objects(Json.obj(v, "downwardAPI"), "items")) {
            fieldRefVersion(item);
        }
        for (ObjectNode source : Json.objects(Json.obj(v, "projected"), "sources")) {
            ObjectNode token = Json.obj(source, "serviceAccountToken");
            if (token != null) {
                Json.putIfAbsent(token, "expirationSeconds", 3600);
            }
            for (ObjectNode item : Json.objects(Json.obj(source, "downwardAPI"), "items")) {
                fieldRefVersion(item);
            }
        }
        ObjectNode ephemeral = Json.obj(v, "ephemeral");
        ObjectNode claimSpec = Json.obj(Json.obj(ephemeral, "volumeClaimTemplate"), "spec");
        if (claimSpec != null) {
            CoreDefaults.claimSpec(claimSpec);
        }
    }

    private static void fieldRefVersion(ObjectNode item) {
        ObjectNode fieldRef = Json.obj(item, "fieldRef");
        if (fieldRef != null) {
            Json.putIfEmpty(fieldRef, "apiVersion", "v1");
        }
    }

    static boolean hasAny(JsonNode n, String field) {
        return Json.has(n, field);
    }
}
