package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Upstream's pod rules ({@code ValidatePodCreate}, {@code ValidatePodSpec}, {@code ValidatePodTemplateSpec},
 * {@code ValidatePodUpdate}), applied to defaulted objects as upstream applies them. Covered: volumes and their
 * common sources, containers and init containers (names, image, ports, env, envFrom, mounts, pull policy,
 * resources, probes, lifecycle, security context ranges), restart and DNS policy, DNS config, tolerations, host
 * aliases, scheduling and readiness gates, and the names a spec refers to. Not covered: affinity terms, topology
 * spread constraints, seccomp/AppArmor profiles, Windows options, resource claims, ephemeral containers detail.
 */
public final class PodValidation {
    private static final List<String> VOLUME_SOURCES = List.of("emptyDir", "hostPath", "gitRepo", "gcePersistentDisk",
            "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd",
            "cinder", "cephfs", "quobyte", "downwardAPI", "fc", "flexVolume", "configMap", "azureFile",
            "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos", "projected",
            "scaleIO", "csi", "ephemeral", "image");
    /** Upstream names two sources differently in its "more than 1 volume type" errors; kept as they are. */
    private static final Map<String, String> FORBIDDEN_PATH_NAMES = Map.of("cephfs", "cephFS", "downwardAPI",
            "downwarAPI");
    private static final List<String> HOST_PATH_TYPES = List.of("", "BlockDevice", "CharDevice", "Directory",
            "DirectoryOrCreate", "File", "FileOrCreate", "Socket");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> ENV_FIELD_PATHS = List.of("metadata.name", "metadata.namespace",
            "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs",
            "status.podIP", "status.podIPs");
    private static final List<String> VOLUME_FIELD_PATHS = List.of("metadata.annotations", "metadata.labels",
            "metadata.name", "metadata.namespace", "metadata.uid");
    private static final Set<String> DOWNWARD_API_V1_PATHS = Set.of("metadata.annotations", "metadata.labels",
            "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.restartPolicy",
            "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs",
            "status.podIP", "status.podIPs");
    private static final List<String> RESOURCE_FIELD_PATHS = List.of("limits.cpu", "limits.ephemeral-storage",
            "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory");
    private static final String FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive";
    private static final Set<String> STANDARD_CONTAINER_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage");
    private static final Set<String> STANDARD_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage",
            "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
            "limits.ephemeral-storage", "pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
            "configmaps", "persistentvolumeclaims", "storage", "requests.storage", "services.nodeports",
            "services.loadbalancers");
    private static final String UPDATABLE_FIELDS = "`spec.containers[*].image`,`spec.initContainers[*].image`,"
            + "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
            + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";
    static final long MAX_INT32 = Integer.MAX_VALUE;

    private PodValidation() {
    }

    // ---------------------------------------------------------------- pods

    public static List<FieldError> validateCreate(ObjectNode pod) {
        List<FieldError> errs = metadataAndSpec(pod);
        ObjectNode spec = Json.obj(pod, "spec");
        FieldPath specPath = FieldPath.root("spec");
        if (!Json.list(spec, "ephemeralContainers").isEmpty()) {
            errs.add(FieldError.forbidden(specPath.child("ephemeralContainers"), "cannot be set on create"));
        }
        if (!Json.text(spec, "nodeName").isEmpty() && !Json.list(spec, "schedulingGates").isEmpty()) {
            errs.add(FieldError.forbidden(specPath.child("nodeName"),
                    "cannot be set until all schedulingGates have been cleared"));
        }
        return errs;
    }

    public static List<FieldError> validateUpdate(ObjectNode pod, ObjectNode old) {
        FieldPath metaPath = FieldPath.root("metadata");
        List<FieldError> errs = ObjectMetaValidation.validateUpdate(ObjectMetaValidation.metadata(pod),
                ObjectMetaValidation.metadata(old), metaPath);
        errs.addAll(metadataAndSpec(pod));
        errs.addAll(annotationUpdates(pod, old, metaPath.child("annotations")));
        FieldPath specPath = FieldPath.root("spec");
        ObjectNode spec = Json.obj(pod, "spec");
        ObjectNode oldSpec = Json.obj(old, "spec");
        for (String list : List.of("containers", "initContainers")) {
            List<ObjectNode> n = Json.objects(spec, list);
            List<ObjectNode> o = Json.objects(oldSpec, list);
            if (n.size() != o.size()) {
                errs.add(FieldError.forbidden(specPath.child(list), "pod updates may not add or remove containers"));
                return errs;
            }
            for (int i = 0; i < n.size(); i++) {
                String image = Json.text(n.get(i), "image");
                if (image.isEmpty()) {
                    errs.add(FieldError.required(specPath.child(list).index(i).child("image"), ""));
                }
                if (!image.strip().equals(image)) {
                    errs.add(FieldError.invalid(specPath.child(list).index(i).child("image"), image,
                            "must not have leading or trailing whitespace"));
                }
            }
        }
        Long newAds = Json.integer(spec, "activeDeadlineSeconds");
        Long oldAds = Json.integer(oldSpec, "activeDeadlineSeconds");
        if (newAds != null) {
            if (newAds < 0 || newAds > MAX_INT32) {
                errs.add(FieldError.invalid(specPath.child("activeDeadlineSeconds"), newAds,
                        Formats.inclusiveRangeError(0, MAX_INT32)));
                return errs;
            }
            if (oldAds != null && oldAds < newAds) {
                errs.add(FieldError.invalid(specPath.child("activeDeadlineSeconds"), newAds,
                        "must be less than or equal to previous value"));
                return errs;
            }
        } else if (oldAds != null) {
            errs.add(FieldError.invalid(specPath.child("activeDeadlineSeconds"), null,
                    "must not update from a positive integer to nil value"));
        }
        errs.addAll(onlyAddedTolerations(Json.objects(spec, "tolerations"), Json.objects(oldSpec, "tolerations"),
                specPath.child("tolerations")));
        if (spec != null && oldSpec != null && !spec.equals(oldSpec)) {
            ObjectNode munged = spec.deepCopy();
            for (String list : List.of("containers", "initContainers")) {
                List<ObjectNode> n = Json.objects(munged, list);
                List<ObjectNode> o = Json.objects(oldSpec, list);
                for (int i = 0; i < n.size(); i++) {
                    copyField(o.get(i), n.get(i), "image");
                }
            }
            copyField(oldSpec, munged, "activeDeadlineSeconds");
            copyField(oldSpec, munged, "schedulingGates");
            copyField(oldSpec, munged, "tolerations");
            Long oldGrace = Json.integer(oldSpec, "terminationGracePeriodSeconds");
            if (oldGrace != null && oldGrace < 0 && Json.integer(munged, "terminationGracePeriodSeconds", 0) == 1) {
                copyField(oldSpec, munged, "terminationGracePeriodSeconds");
            }
            if (!munged.equals(oldSpec)) {
                errs.add(FieldError.forbidden(specPath, "pod updates may not change fields other than "
                        + UPDATABLE_FIELDS + "\n" + SpecDiff.describe(oldSpec, munged)));
            }
        }
        return errs;
    }

    private static void copyField(JsonNode from, ObjectNode to, String field) {
        JsonNode v = from == null ? null : from.get(field);
        if (v == null) {
            to.remove(field);
        } else {
            to.set(field, v.deepCopy());
        }
    }

    private static List<FieldError> metadataAndSpec(ObjectNode pod) {
        FieldPath metaPath = FieldPath.root("metadata");
        FieldPath specPath = FieldPath.root("spec");
        JsonNode meta = ObjectMetaValidation.metadata(pod);
        ObjectNode spec = Json.obj(pod, "spec");
        List<FieldError> errs = ObjectMetaValidation.validate(meta, true, NameRule.DNS_SUBDOMAIN, metaPath);
        errs.addAll(podSpecificAnnotations(Json.stringMapOrEmpty(meta, "annotations"), spec,
                metaPath.child("annotations")));
        errs.addAll(validateSpec(spec, meta, specPath, true));
        if (Json.text(spec, "serviceAccountName").isEmpty()) {
            List<ObjectNode> volumes = Json.objects(spec, "volumes");
            for (int vi = 0; vi < volumes.size(); vi++) {
                List<ObjectNode> sources = Json.objects(Json.obj(volumes.get(vi), "projected"), "sources");
                for (int si = 0; si < sources.size(); si++) {
                    if (Json.has(sources.get(si), "serviceAccountToken")) {
                        errs.add(FieldError.forbidden(specPath.child("volumes").index(vi).child("projected")
                                .child("sources").index(si).child("serviceAccountToken"),
                                "must not be specified when serviceAccountName is not set"));
                    }
                }
            }
        }
        for (String list : List.of("containers", "initContainers")) {
            List<ObjectNode> containers = Json.objects(spec, list);
            for (int i = 0; i < containers.size(); i++) {
                String image = Json.text(containers.get(i), "image");
                if (image.length() != image.strip().length()) {
                    errs.add(FieldError.invalid(specPath.child(list).index(i).child("image"), image,
                            "must not have leading or trailing whitespace"));
                }
            }
        }
        return errs;
    }

    private static List<FieldError> podSpecificAnnotations(Map<String, String> annotations, ObjectNode spec,
            FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String mirror = annotations.get("kubernetes.io/config.mirror");
        if (mirror != null && Json.text(spec, "nodeName").isEmpty()) {
            errs.add(FieldError.invalid(path.key("kubernetes.io/config.mirror"), mirror,
                    "must set spec.nodeName if mirror pod annotation is set"));
        }
        String cost = annotations.get("controller.kubernetes.io/pod-deletion-cost");
        if (cost != null) {
            try {
                Integer.parseInt(cost);
            } catch (NumberFormatException e) {
                errs.add(FieldError.invalid(path.key("controller.kubernetes.io/pod-deletion-cost"), cost,
                        "must be a 32bit integer"));
            }
        }
        return errs;
    }

    private static List<FieldError> annotationUpdates(ObjectNode pod, ObjectNode old, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Map<String, String> n = Json.stringMapOrEmpty(ObjectMetaValidation.metadata(pod), "annotations");
        Map<String, String> o = Json.stringMapOrEmpty(ObjectMetaValidation.metadata(old), "annotations");
        String mirror = "kubernetes.io/config.mirror";
        if (o.containsKey(mirror) && !o.get(mirror).equals(n.get(mirror))) {
            errs.add(FieldError.forbidden(path.key(mirror), "may not remove or update mirror pod annotation"));
        }
        if (n.containsKey(mirror) && !o.containsKey(mirror)) {
            errs.add(FieldError.forbidden(path.key(mirror), "may not add mirror pod annotation"));
        }
        return errs;
    }

    /** Upstream's {@code ValidatePodTemplateSpec}: labels, annotations and the spec of a workload's template. */
    public static List<FieldError> validateTemplate(ObjectNode template, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode meta = ObjectMetaValidation.metadata(template);
        ObjectNode spec = Json.obj(template, "spec");
        errs.addAll(ObjectMetaValidation.labels(Json.stringMap(meta, "labels"), path.child("labels")));
        errs.addAll(ObjectMetaValidation.annotations(Json.stringMap(meta, "annotations"), path.child("annotations")));
        errs.addAll(podSpecificAnnotations(Json.stringMapOrEmpty(meta, "annotations"), spec, path.child("annotations")));
        errs.addAll(validateSpec(spec, null, path.child("spec"), false));
        if (!Json.list(spec, "ephemeralContainers").isEmpty()) {
            errs.add(FieldError.forbidden(path.child("spec", "ephemeralContainers"),
                    "ephemeral containers not allowed in pod template"));
        }
        return errs;
    }

    // ---------------------------------------------------------------- spec

    /** Upstream's {@code ValidatePodSpec}; {@code podMeta} is null for templates. */
    public static List<FieldError> validateSpec(ObjectNode spec, JsonNode podMeta, FieldPath path,
            boolean resourceIsPod) {
        List<FieldError> errs = new ArrayList<>();
        if (spec == null) {
            spec = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        Long grace = Json.integer(spec, "terminationGracePeriodSeconds");
        if (grace == null) {
            errs.add(FieldError.required(path.child("terminationGracePeriodSeconds"), ""));
        }
        Map<String, ObjectNode> volumes = new LinkedHashMap<>();
        errs.addAll(volumes(Json.objects(spec, "volumes"), podMeta, path.child("volumes"), volumes));
        String restartPolicy = Json.text(spec, "restartPolicy");
        errs.addAll(containers(spec, volumes, grace, path.child("containers"), restartPolicy));
        errs.addAll(initContainers(spec, volumes, grace, path.child("initContainers"), restartPolicy));
        errs.addAll(hostNetworkDeps(spec, path, resourceIsPod));
        switch (restartPolicy) {
            case "Always", "OnFailure", "Never" -> { }
            case "" -> errs.add(FieldError.required(path.child("restartPolicy"), ""));
            default -> errs.add(FieldError.notSupported(path.child("restartPolicy"), restartPolicy,
                    List.of("Always", "OnFailure", "Never")));
        }
        String dnsPolicy = Json.text(spec, "dnsPolicy");
        switch (dnsPolicy) {
            case "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None" -> { }
            case "" -> errs.add(FieldError.required(path.child("dnsPolicy"), ""));
            default -> errs.add(FieldError.notSupported(path.child("dnsPolicy"), dnsPolicy,
                    List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")));
        }
        errs.addAll(ObjectMetaValidation.labels(Json.stringMap(spec, "nodeSelector"), path.child("nodeSelector")));
        errs.addAll(podSecurityContext(Json.obj(spec, "securityContext"), path.child("securityContext")));
        errs.addAll(dnsConfig(Json.obj(spec, "dnsConfig"), dnsPolicy, path.child("dnsConfig")));
        List<ObjectNode> gates = Json.objects(spec, "readinessGates");
        for (int i = 0; i < gates.size(); i++) {
            errs.addAll(qualifiedName(Json.text(gates.get(i), "conditionType"),
                    path.child("readinessGates").index(i).child("conditionType")));
        }
        List<ObjectNode> scheduling = Json.objects(spec, "schedulingGates");
        Set<String> seenGates = new HashSet<>();
        for (int i = 0; i < scheduling.size(); i++) {
            String name = Json.text(scheduling.get(i), "name");
            errs.addAll(qualifiedName(name, path.child("schedulingGates").index(i)));
            if (!seenGates.add(name)) {
                errs.add(FieldError.duplicate(path.child("schedulingGates").index(i), name));
            }
        }
        nameRef(spec, "serviceAccountName", NameRule.DNS_SUBDOMAIN, path, errs);
        nameRef(spec, "nodeName", NameRule.NODE, path, errs);
        Long ads = Json.integer(spec, "activeDeadlineSeconds");
        if (ads != null && (ads < 1 || ads > MAX_INT32)) {
            errs.add(FieldError.invalid(path.child("activeDeadlineSeconds"), ads, Formats.inclusiveRangeError(1, MAX_INT32)));
        }
        for (String f : List.of("hostname", "subdomain")) {
            String v = Json.text(spec, f);
            if (!v.isEmpty()) {
                errs.addAll(dnsLabel(v, path.child(f)));
            }
        }
        errs.addAll(tolerations(Json.objects(spec, "tolerations"), path.child("tolerations")));
        List<ObjectNode> aliases = Json.objects(spec, "hostAliases");
        for (int i = 0; i < aliases.size(); i++) {
            FieldPath ap = path.child("hostAliases").index(i);
            errs.addAll(IpAddresses.validIp(ap.child("ip"), Json.text(aliases.get(i), "ip")));
            List<String> hostnames = Json.strings(aliases.get(i), "hostnames");
            for (int j = 0; j < hostnames.size(); j++) {
                errs.addAll(dnsSubdomain(hostnames.get(j), ap.child("hostnames").index(j)));
            }
        }
        nameRef(spec, "priorityClassName", NameRule.DNS_SUBDOMAIN, path, errs);
        if (Json.has(spec, "runtimeClassName")) {
            errs.addAll(dnsSubdomain(Json.text(spec, "runtimeClassName"), path.child("runtimeClassName")));
        }
        if (Json.has(spec, "preemptionPolicy")) {
            String pp = Json.text(spec, "preemptionPolicy");
            switch (pp) {
                case "PreemptLowerPriority", "Never" -> { }
                case "" -> errs.add(FieldError.required(path.child("preemptionPolicy"), ""));
                default -> errs.add(FieldError.notSupported(path.child("preemptionPolicy"), pp,
                        List.of("PreemptLowerPriority", "Never")));
            }
        }
        if (Json.has(spec, "overhead")) {
            errs.addAll(resourceList(Json.obj(spec, "overhead"), path.child("overhead").child("limits"), null));
        }
        ObjectNode os = Json.obj(spec, "os");
        if (os != null) {
            String osName = Json.text(os, "name");
            if (osName.isEmpty()) {
                errs.add(FieldError.required(path.child("os").child("name"), ""));
            } else if (!osName.equals("linux") && !osName.equals("windows")) {
                errs.add(FieldError.notSupported(path.child("os").child("name"), osName, List.of("linux", "windows")));
            }
        }
        return errs;
    }

    private static void nameRef(ObjectNode spec, String field, NameRule rule, FieldPath path, List<FieldError> errs) {
        String v = Json.text(spec, field);
        if (!v.isEmpty()) {
            for (String msg : rule.check(v, false)) {
                errs.add(FieldError.invalid(path.child(field), v, msg));
            }
        }
    }

    static List<FieldError> dnsLabel(String v, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (String msg : Formats.dns1123Label(v)) {
            errs.add(FieldError.invalid(path, v, msg));
        }
        return errs;
    }

    static List<FieldError> dnsSubdomain(String v, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (String msg : Formats.dns1123Subdomain(v)) {
            errs.add(FieldError.invalid(path, v, msg));
        }
        return errs;
    }

    static List<FieldError> qualifiedName(String v, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (String msg : Formats.qualifiedName(v)) {
            errs.add(FieldError.invalid(path, v, msg));
        }
        return errs;
    }

    private static List<FieldError> hostNetworkDeps(ObjectNode spec, FieldPath path, boolean resourceIsPod) {
        List<FieldError> errs = new ArrayList<>();
        if (!Json.bool(spec, "hostNetwork")) {
            return errs;
        }
        List<ObjectNode> containers = Json.objects(spec, "containers");
        for (int i = 0; i < containers.size(); i++) {
            List<ObjectNode> ports = Json.objects(containers.get(i), "ports");
            for (int p = 0; p < ports.size(); p++) {
                long hp = Json.integer(ports.get(p), "hostPort", 0);
                long cp = Json.integer(ports.get(p), "containerPort", 0);
                if ((resourceIsPod || hp != 0) && hp != cp) {
                    errs.add(FieldError.invalid(path.child("containers").index(i).child("ports").index(p)
                            .child("hostPort"), hp, "must match `containerPort` when `hostNetwork` is true"));
                }
            }
        }
        return errs;
    }

    private static List<FieldError> podSecurityContext(ObjectNode sc, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (sc == null) {
            return errs;
        }
        for (String f : List.of("runAsUser", "runAsGroup", "fsGroup")) {
            Long v = Json.integer(sc, f);
            if (v != null && (v < 0 || v > MAX_INT32)) {
                errs.add(FieldError.invalid(path.child(f), v, Formats.inclusiveRangeError(0, MAX_INT32)));
            }
        }
        List<JsonNode> groups = Json.list(sc, "supplementalGroups");
        for (int i = 0; i < groups.size(); i++) {
            long g = groups.get(i).asLong();
            if (g < 0 || g > MAX_INT32) {
                errs.add(FieldError.invalid(path.child("supplementalGroups").index(i), g,
                        Formats.inclusiveRangeError(0, MAX_INT32)));
            }
        }
        return errs;
    }

    private static List<FieldError> dnsConfig(ObjectNode cfg, String dnsPolicy, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (dnsPolicy.equals("None")) {
            if (cfg == null) {
                errs.add(FieldError.required(path, "must provide `dnsConfig` when `dnsPolicy` is None"));
                return errs;
            }
            if (Json.list(cfg, "nameservers").isEmpty()) {
                errs.add(FieldError.required(path.child("nameservers"),
                        "must provide at least one DNS nameserver when `dnsPolicy` is None"));
                return errs;
            }
        }
        if (cfg == null) {
            return errs;
        }
        List<String> ns = Json.strings(cfg, "nameservers");
        if (ns.size() > 3) {
            errs.add(FieldError.invalid(path.child("nameservers"), ns, "must not have more than 3 nameservers"));
        }
        for (int i = 0; i < ns.size(); i++) {
            errs.addAll(IpAddresses.validIp(path.child("nameservers").index(i), ns.get(i)));
        }
        List<String> searches = Json.strings(cfg, "searches");
        if (searches.size() > 32) {
            errs.add(FieldError.invalid(path.child("searches"), searches, "must not have more than 32 search paths"));
        }
        if (String.join(" ", searches).length() > 2048) {
            errs.add(FieldError.invalid(path.child("searches"), searches,
                    "must not have more than 2048 characters (including spaces) in the search list"));
        }
        for (int i = 0; i < searches.size(); i++) {
            String s = searches.get(i);
            if (!s.equals(".")) {
                // The RelaxedDNSSearchValidation gate (on in 1.33) also allows underscores and a lone ".".
                String trimmed = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
                if (!trimmed.matches("^_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*$")
                        || trimmed.length() > 253) {
                    errs.add(FieldError.invalid(path.child("searches").index(i), trimmed, Formats.regexError(
                            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', "
                                    + "'-' or '.', and must start and end with an alphanumeric character",
                            Formats.DNS1123_SUBDOMAIN_FMT, "example.com")));
                }
            }
        }
        List<ObjectNode> options = Json.objects(cfg, "options");
        for (int i = 0; i < options.size(); i++) {
            if (Json.text(options.get(i), "name").isEmpty()) {
                errs.add(FieldError.required(path.child("options").index(i), "must not be empty"));
            }
        }
        return errs;
    }

    /** Upstream's {@code ValidateTolerations}. */
    public static List<FieldError> tolerations(List<ObjectNode> tolerations, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (int i = 0; i < tolerations.size(); i++) {
            ObjectNode t = tolerations.get(i);
            FieldPath ip = path.index(i);
            String key = Json.text(t, "key");
            String op = Json.text(t, "operator");
            String effect = Json.text(t, "effect");
            String value = Json.text(t, "value");
            if (!key.isEmpty()) {
                errs.addAll(qualifiedName(key, ip.child("key")));
            }
            if (key.isEmpty() && !op.equals("Exists")) {
                errs.add(FieldError.invalid(ip.child("operator"), op,
                        "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
            }
            if (Json.has(t, "tolerationSeconds") && !effect.equals("NoExecute")) {
                errs.add(FieldError.invalid(ip.child("effect"), effect,
                        "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            }
            switch (op) {
                case "Equal", "" -> {
                    List<String> msgs = Formats.labelValue(value);
                    if (!msgs.isEmpty()) {
                        errs.add(FieldError.invalid(ip.child("operator"), value, String.join(";", msgs)));
                    }
                }
                case "Exists" -> {
                    if (!value.isEmpty()) {
                        errs.add(FieldError.invalid(ip.child("operator"), value,
                                "value must be empty when `operator` is 'Exists'"));
                    }
                }
                default -> errs.add(FieldError.notSupported(ip.child("operator"), op, List.of("Equal", "Exists")));
            }
            if (!effect.isEmpty() && !List.of("NoSchedule", "PreferNoSchedule", "NoExecute").contains(effect)) {
                errs.add(FieldError.notSupported(ip.child("effect"), effect,
                        List.of("NoSchedule", "PreferNoSchedule", "NoExecute")));
            }
        }
        return errs;
    }

    private static List<FieldError> onlyAddedTolerations(List<ObjectNode> n, List<ObjectNode> o, FieldPath path) {
        for (ObjectNode old : o) {
            boolean found = false;
            for (ObjectNode t : n) {
                ObjectNode a = old.deepCopy();
                ObjectNode b = t.deepCopy();
                a.remove("tolerationSeconds");
                b.remove("tolerationSeconds");
                if (a.equals(b)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return List.of(FieldError.forbidden(path,
                        "existing toleration can not be modified except its tolerationSeconds"));
            }
        }
        return tolerations(n, path);
    }

    // ---------------------------------------------------------------- volumes

    private static List<FieldError> volumes(List<ObjectNode> volumes, JsonNode podMeta, FieldPath path,
            Map<String, ObjectNode> out) {
        List<FieldError> errs = new ArrayList<>();
        for (int i = 0; i < volumes.size(); i++) {
            ObjectNode vol = volumes.get(i);
            FieldPath ip = path.index(i);
            String name = Json.text(vol, "name");
            List<FieldError> el = volumeSource(vol, ip, name, podMeta);
            if (name.isEmpty()) {
                el.add(FieldError.required(ip.child("name"), ""));
            } else {
                el.addAll(dnsLabel(name, ip.child("name")));
            }
            if (out.containsKey(name)) {
                el.add(FieldError.duplicate(ip.child("name"), name));
            }
            if (el.isEmpty()) {
                out.put(name, vol);
            } else {
                errs.addAll(el);
            }
        }
        return errs;
    }

    private static List<FieldError> volumeSource(ObjectNode vol, FieldPath path, String volName, JsonNode podMeta) {
        List<FieldError> errs = new ArrayList<>();
        int count = 0;
        for (String source : VOLUME_SOURCES) {
            ObjectNode src = Json.obj(vol, source);
            if (src == null) {
                continue;
            }
            if (count > 0 && !source.equals("emptyDir")) {
                errs.add(FieldError.forbidden(path.child(FORBIDDEN_PATH_NAMES.getOrDefault(source, source)),
                        "may not specify more than 1 volume type"));
                continue;
            }
            count++;
            FieldPath sp = path.child(source);
            switch (source) {
                case "emptyDir" -> {
                    Quantity q = Quantity.tryParse(src.get("sizeLimit"));
                    if (q != null && q.signum() < 0) {
                        errs.add(FieldError.forbidden(sp.child("sizeLimit"),
                                "SizeLimit field must be a valid resource quantity"));
                    }
                }
                case "hostPath" -> {
                    String p = Json.text(src, "path");
                    if (p.isEmpty()) {
                        errs.add(FieldError.required(sp.child("path"), ""));
                    } else {
                        errs.addAll(noBacksteps(p, sp.child("path")));
                        if (Json.has(src, "type") && !HOST_PATH_TYPES.contains(Json.text(src, "type"))) {
                            errs.add(FieldError.notSupported(sp.child("type"), Json.text(src, "type"), HOST_PATH_TYPES));
                        }
                    }
                }
                case "secret" -> {
                    if (Json.text(src, "secretName").isEmpty()) {
                        errs.add(FieldError.required(sp.child("secretName"), ""));
                    }
                    errs.addAll(fileMode(src, "defaultMode", sp));
                    errs.addAll(keyToPaths(src, sp.child("items")));
                }
                case "configMap" -> {
                    if (Json.text(src, "name").isEmpty()) {
                        errs.add(FieldError.required(sp.child("name"), ""));
                    }
                    errs.addAll(fileMode(src, "defaultMode", sp));
                    errs.addAll(keyToPaths(src, sp.child("items")));
                }
                case "persistentVolumeClaim" -> {
                    if (Json.text(src, "claimName").isEmpty()) {
                        errs.add(FieldError.required(sp.child("claimName"), ""));
                    }
                }
                case "nfs" -> {
                    if (Json.text(src, "server").isEmpty()) {
                        errs.add(FieldError.required(sp.child("server"), ""));
                    }
                    String p = Json.text(src, "path");
                    if (p.isEmpty()) {
                        errs.add(FieldError.required(sp.child("path"), ""));
                    }
                    if (!p.startsWith("/")) {
                        errs.add(FieldError.invalid(sp.child("path"), p, "must be an absolute path"));
                    }
                }
                case "downwardAPI" -> {
                    errs.addAll(fileMode(src, "defaultMode", sp));
                    for (ObjectNode item : Json.objects(src, "items")) {
                        errs.addAll(downwardApiFile(item, sp));
                    }
                }
                case "projected" -> {
                    errs.addAll(fileMode(src, "defaultMode", sp));
                    errs.addAll(projectionSources(src, sp));
                }
                case "csi" -> {
                    if (Json.text(src, "driver").isEmpty()) {
                        errs.add(FieldError.required(sp.child("driver"), ""));
                    }
                }
                case "gitRepo" -> {
                    if (Json.text(src, "repository").isEmpty()) {
                        errs.add(FieldError.required(sp.child("repository"), ""));
                    }
                    errs.addAll(localDescendingPath(Json.text(src, "directory"), sp.child("directory")));
                }
                case "ephemeral" -> {
                    if (!Json.has(src, "volumeClaimTemplate")) {
                        errs.add(FieldError.required(sp.child("volumeClaimTemplate"), ""));
                    }
                    String podName = Json.text(podMeta, "name");
                    if (podMeta != null && !podName.isEmpty() && !volName.isEmpty()) {
                        String pvcName = podName + "-" + volName;
                        for (String msg : Formats.dns1123Subdomain(pvcName)) {
                            errs.add(FieldError.invalid(sp.child("name"), volName,
                                    "PVC name " + GoValues.quote(pvcName) + ": " + msg));
                        }
                    }
                }
                case "image" -> {
                    if (Json.text(src, "reference").isEmpty()) {
                        errs.add(FieldError.required(sp.child("reference"), ""));
                    }
                }
                default -> { }
            }
        }
        if (count == 0) {
            errs.add(FieldError.required(path, "must specify a volume type"));
        }
        return errs;
    }

    private static List<FieldError> fileMode(ObjectNode n, String field, FieldPath path) {
        Long mode = Json.integer(n, field);
        if (mode != null && (mode > 0777 || mode < 0)) {
            return List.of(FieldError.invalid(path.child(field), mode, FILE_MODE_ERROR));
        }
        return List.of();
    }

    private static List<FieldError> keyToPaths(ObjectNode src, FieldPath itemsPath) {
        List<FieldError> errs = new ArrayList<>();
        List<ObjectNode> items = Json.objects(src, "items");
        for (int i = 0; i < items.size(); i++) {
            errs.addAll(keyToPath(items.get(i), itemsPath.index(i)));
        }
        return errs;
    }

    private static List<FieldError> keyToPath(ObjectNode kp, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (Json.text(kp, "key").isEmpty()) {
            errs.add(FieldError.required(path.child("key"), ""));
        }
        String p = Json.text(kp, "path");
        if (p.isEmpty()) {
            errs.add(FieldError.required(path.child("path"), ""));
        }
        errs.addAll(localNonReservedPath(p, path.child("path")));
        errs.addAll(fileMode(kp, "mode", path));
        return errs;
    }

    private static List<FieldError> downwardApiFile(ObjectNode file, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String p = Json.text(file, "path");
        if (p.isEmpty()) {
            errs.add(FieldError.required(path.child("path"), ""));
        }
        errs.addAll(localNonReservedPath(p, path.child("path")));
        if (Json.has(file, "fieldRef")) {
            errs.addAll(objectFieldSelector(Json.obj(file, "fieldRef"), VOLUME_FIELD_PATHS, path.child("fieldRef")));
            if (Json.has(file, "resourceFieldRef")) {
                errs.add(FieldError.invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
            }
        } else if (Json.has(file, "resourceFieldRef")) {
            errs.addAll(resourceFieldSelector(Json.obj(file, "resourceFieldRef"), path.child("resourceFieldRef"), true));
        } else {
            errs.add(FieldError.required(path, "one of fieldRef and resourceFieldRef is required"));
        }
        errs.addAll(fileMode(file, "mode", path));
        return errs;
    }

    private static List<FieldError> projectionSources(ObjectNode projected, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> allPaths = new HashSet<>();
        List<ObjectNode> sources = Json.objects(projected, "sources");
        for (int i = 0; i < sources.size(); i++) {
            ObjectNode source = sources.get(i);
            FieldPath srcPath = path.child("sources").index(i);
            int n = 0;
            for (String kind : List.of("secret", "configMap")) {
                ObjectNode s = Json.obj(source, kind);
                if (s == null) {
                    continue;
                }
                n++;
                FieldPath pp = srcPath.child(kind);
                if (Json.text(s, "name").isEmpty()) {
                    errs.add(FieldError.required(pp.child("name"), ""));
                }
                List<ObjectNode> items = Json.objects(s, "items");
                for (int j = 0; j < items.size(); j++) {
                    errs.addAll(keyToPath(items.get(j), pp.child("items").index(j)));
                    String p = Json.text(items.get(j), "path");
                    if (!p.isEmpty() && !allPaths.add(p)) {
                        errs.add(FieldError.invalid(path, Json.text(s, "name"), "conflicting duplicate paths"));
                    }
                }
            }
            ObjectNode dapi = Json.obj(source, "downwardAPI");
            if (dapi != null) {
                n++;
                for (ObjectNode item : Json.objects(dapi, "items")) {
                    errs.addAll(downwardApiFile(item, srcPath.child("downwardAPI")));
                    String p = Json.text(item, "path");
                    if (!p.isEmpty() && !allPaths.add(p)) {
                        errs.add(FieldError.invalid(path, p, "conflicting duplicate paths"));
                    }
                }
            }
            ObjectNode token = Json.obj(source, "serviceAccountToken");
            if (token != null) {
                n++;
                long exp = Json.integer(token, "expirationSeconds", 0);
                if (exp < 600) {
                    errs.add(FieldError.invalid(srcPath.child("serviceAccountToken").child("expirationSeconds"), exp,
                            "may not specify a duration less than 10 minutes"));
                }
                if (exp > (1L << 32)) {
                    errs.add(FieldError.invalid(srcPath.child("serviceAccountToken").child("expirationSeconds"), exp,
                            "may not specify a duration larger than 2^32 seconds"));
                }
                String p = Json.text(token, "path");
                if (p.isEmpty()) {
                    errs.add(FieldError.required(path.child("path"), ""));
                } else {
                    errs.addAll(localNonReservedPath(p, path.child("path")));
                }
            }
            if (Json.has(source, "clusterTrustBundle")) {
                n++;
            }
            if (n > 1) {
                errs.add(FieldError.forbidden(srcPath, "may not specify more than 1 volume type per source"));
            }
        }
        return errs;
    }

    private static List<FieldError> localDescendingPath(String p, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (p.startsWith("/")) {
            errs.add(FieldError.invalid(path, p, "must be a relative path"));
        }
        errs.addAll(noBacksteps(p, path));
        return errs;
    }

    private static List<FieldError> noBacksteps(String p, FieldPath path) {
        for (String part : p.replace('\\', '/').split("/", -1)) {
            if (part.equals("..")) {
                return List.of(FieldError.invalid(path, p, "must not contain '..'"));
            }
        }
        return List.of();
    }

    private static List<FieldError> localNonReservedPath(String p, FieldPath path) {
        List<FieldError> errs = new ArrayList<>(localDescendingPath(p, path));
        if (p.startsWith("..") && !p.startsWith("../")) {
            errs.add(FieldError.invalid(path, p, "must not start with '..'"));
        }
        return errs;
    }

    // ---------------------------------------------------------------- containers

    private static List<FieldError> containers(ObjectNode spec, Map<String, ObjectNode> volumes, Long grace,
            FieldPath path, String podRestartPolicy) {
        List<FieldError> errs = new ArrayList<>();
        List<ObjectNode> containers = Json.objects(spec, "containers");
        if (containers.isEmpty()) {
            errs.add(FieldError.required(path, ""));
            return errs;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < containers.size(); i++) {
            ObjectNode c = containers.get(i);
            FieldPath cp = path.index(i);
            errs.addAll(containerCommon(c, volumes, cp));
            String name = Json.text(c, "name");
            if (!names.add(name)) {
                errs.add(FieldError.duplicate(cp.child("name"), name));
            }
            ObjectNode lifecycle = Json.obj(c, "lifecycle");
            if (lifecycle != null) {
                errs.addAll(lifecycle(lifecycle, grace, cp.child("lifecycle")));
            }
            errs.addAll(probes(c, grace, cp));
            if (Json.has(c, "restartPolicy")) {
                errs.add(FieldError.forbidden(cp.child("restartPolicy"), "may not be set for non-init containers"));
            }
        }
        errs.addAll(hostPortConflicts(containers, path));
        return errs;
    }

    private static List<FieldError> initContainers(ObjectNode spec, Map<String, ObjectNode> volumes, Long grace,
            FieldPath path, String podRestartPolicy) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ObjectNode c : Json.objects(spec, "containers")) {
            names.add(Json.text(c, "name"));
        }
        List<ObjectNode> inits = Json.objects(spec, "initContainers");
        for (int i = 0; i < inits.size(); i++) {
            ObjectNode c = inits.get(i);
            FieldPath cp = path.index(i);
            errs.addAll(containerCommon(c, volumes, cp));
            boolean restartAlways = false;
            if (Json.has(c, "restartPolicy")) {
                String rp = Json.text(c, "restartPolicy");
                if (!rp.equals("Always")) {
                    errs.add(FieldError.notSupported(cp.child("restartPolicy"), rp, List.of("Always")));
                }
                restartAlways = rp.equals("Always");
            }
            String name = Json.text(c, "name");
            if (names.contains(name)) {
                errs.add(FieldError.duplicate(cp.child("name"), name));
            } else if (!name.isEmpty()) {
                names.add(name);
            }
            errs.addAll(hostPortConflicts(List.of(c), path));
            if (restartAlways) {
                if (Json.has(c, "lifecycle")) {
                    errs.addAll(lifecycle(Json.obj(c, "lifecycle"), grace, cp.child("lifecycle")));
                }
                errs.addAll(probes(c, grace, cp));
            } else {
                for (String f : List.of("lifecycle", "livenessProbe", "readinessProbe", "startupProbe")) {
                    if (Json.has(c, f)) {
                        errs.add(FieldError.forbidden(cp.child(f),
                                "may not be set for init containers without restartPolicy=Always"));
                    }
                }
            }
        }
        return errs;
    }

    private static List<FieldError> containerCommon(ObjectNode c, Map<String, ObjectNode> volumes, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String name = Json.text(c, "name");
        if (name.isEmpty()) {
            errs.add(FieldError.required(path.child("name"), ""));
        } else {
            errs.addAll(dnsLabel(name, path.child("name")));
        }
        if (Json.text(c, "image").isEmpty()) {
            errs.add(FieldError.required(path.child("image"), ""));
        }
        String tmp = Json.text(c, "terminationMessagePolicy");
        switch (tmp) {
            case "File", "FallbackToLogsOnError" -> { }
            case "" -> errs.add(FieldError.required(path.child("terminationMessagePolicy"), ""));
            default -> errs.add(FieldError.notSupported(path.child("terminationMessagePolicy"), tmp,
                    List.of("File", "FallbackToLogsOnError")));
        }
        errs.addAll(containerPorts(Json.objects(c, "ports"), path.child("ports")));
        errs.addAll(env(Json.objects(c, "env"), path.child("env")));
        errs.addAll(envFrom(Json.objects(c, "envFrom"), path.child("envFrom")));
        Map<String, String> devices = new LinkedHashMap<>();
        for (ObjectNode d : Json.objects(c, "volumeDevices")) {
            devices.put(Json.text(d, "name"), Json.text(d, "devicePath"));
        }
        Map<String, String> mounts = new LinkedHashMap<>();
        for (ObjectNode m : Json.objects(c, "volumeMounts")) {
            mounts.put(Json.text(m, "name"), Json.text(m, "mountPath"));
        }
        errs.addAll(volumeMounts(c, devices, volumes, path.child("volumeMounts")));
        errs.addAll(volumeDevices(Json.objects(c, "volumeDevices"), mounts, volumes, path.child("volumeDevices")));
        String pull = Json.text(c, "imagePullPolicy");
        if (pull.isEmpty()) {
            errs.add(FieldError.required(path.child("imagePullPolicy"), ""));
        } else if (!PULL_POLICIES.contains(pull)) {
            errs.add(FieldError.notSupported(path.child("imagePullPolicy"), pull, PULL_POLICIES));
        }
        errs.addAll(resources(Json.obj(c, "resources"), path.child("resources")));
        errs.addAll(securityContext(Json.obj(c, "securityContext"), path.child("securityContext")));
        return errs;
    }

    private static List<FieldError> containerPorts(List<ObjectNode> ports, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            ObjectNode p = ports.get(i);
            FieldPath ip = path.index(i);
            String name = Json.text(p, "name");
            if (!name.isEmpty()) {
                List<String> msgs = Formats.portName(name);
                if (!msgs.isEmpty()) {
                    for (String msg : msgs) {
                        errs.add(FieldError.invalid(ip.child("name"), name, msg));
                    }
                } else if (!names.add(name)) {
                    errs.add(FieldError.duplicate(ip.child("name"), name));
                }
            }
            long cport = Json.integer(p, "containerPort", 0);
            if (cport == 0) {
                errs.add(FieldError.required(ip.child("containerPort"), ""));
            } else {
                for (String msg : Formats.portNumber(cport)) {
                    errs.add(FieldError.invalid(ip.child("containerPort"), cport, msg));
                }
            }
            long hport = Json.integer(p, "hostPort", 0);
            if (hport != 0) {
                for (String msg : Formats.portNumber(hport)) {
                    errs.add(FieldError.invalid(ip.child("hostPort"), hport, msg));
                }
            }
            errs.addAll(protocol(Json.text(p, "protocol"), ip.child("protocol")));
        }
        return errs;
    }

    static List<FieldError> protocol(String protocol, FieldPath path) {
        if (protocol.isEmpty()) {
            return List.of(FieldError.required(path, ""));
        }
        if (!PROTOCOLS.contains(protocol)) {
            return List.of(FieldError.notSupported(path, protocol, PROTOCOLS));
        }
        return List.of();
    }

    private static List<FieldError> hostPortConflicts(List<ObjectNode> containers, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int ci = 0; ci < containers.size(); ci++) {
            List<ObjectNode> ports = Json.objects(containers.get(ci), "ports");
            for (int pi = 0; pi < ports.size(); pi++) {
                long hp = Json.integer(ports.get(pi), "hostPort", 0);
                if (hp == 0) {
                    continue;
                }
                String key = Json.text(ports.get(pi), "protocol") + "/" + Json.text(ports.get(pi), "hostIP") + "/" + hp;
                if (!seen.add(key)) {
                    errs.add(FieldError.duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key));
                }
            }
        }
        return errs;
    }

    private static List<FieldError> env(List<ObjectNode> vars, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            ObjectNode ev = vars.get(i);
            FieldPath ip = path.index(i);
            String name = Json.text(ev, "name");
            if (name.isEmpty()) {
                errs.add(FieldError.required(ip.child("name"), ""));
            } else {
                for (String msg : Formats.relaxedEnvVarName(name)) {
                    errs.add(FieldError.invalid(ip.child("name"), name, msg));
                }
            }
            errs.addAll(envValueFrom(ev, ip.child("valueFrom")));
        }
        return errs;
    }

    private static List<FieldError> envValueFrom(ObjectNode ev, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        ObjectNode from = Json.obj(ev, "valueFrom");
        if (from == null) {
            return errs;
        }
        int n = 0;
        if (Json.has(from, "fieldRef")) {
            n++;
            errs.addAll(objectFieldSelector(Json.obj(from, "fieldRef"), ENV_FIELD_PATHS, path.child("fieldRef")));
        }
        if (Json.has(from, "resourceFieldRef")) {
            n++;
            errs.addAll(resourceFieldSelector(Json.obj(from, "resourceFieldRef"), path.child("resourceFieldRef"), false));
        }
        for (String kind : List.of("configMapKeyRef", "secretKeyRef")) {
            ObjectNode ref = Json.obj(from, kind);
            if (ref == null) {
                continue;
            }
            n++;
            String name = Json.text(ref, "name");
            for (String msg : NameRule.DNS_SUBDOMAIN.check(name, false)) {
                errs.add(FieldError.invalid(path.child(kind).child("name"), name, msg));
            }
            String key = Json.text(ref, "key");
            if (key.isEmpty()) {
                errs.add(FieldError.required(path.child(kind).child("key"), ""));
            } else {
                for (String msg : Formats.configMapKey(key)) {
                    errs.add(FieldError.invalid(path.child(kind).child("key"), key, msg));
                }
            }
        }
        if (n == 0) {
            errs.add(FieldError.invalid(path, "",
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
        } else if (!Json.text(ev, "value").isEmpty()) {
            errs.add(FieldError.invalid(path, "", "may not be specified when `value` is not empty"));
        } else if (n > 1) {
            errs.add(FieldError.invalid(path, "", "may not have more than one field specified at a time"));
        }
        return errs;
    }

    private static List<FieldError> objectFieldSelector(ObjectNode fs, List<String> expressions, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String apiVersion = Json.text(fs, "apiVersion");
        String fieldPath = Json.text(fs, "fieldPath");
        if (apiVersion.isEmpty()) {
            errs.add(FieldError.required(path.child("apiVersion"), ""));
            return errs;
        }
        if (fieldPath.isEmpty()) {
            errs.add(FieldError.required(path.child("fieldPath"), ""));
            return errs;
        }
        String error = null;
        String base = fieldPath;
        String subscript = null;
        int bracket = fieldPath.indexOf('[');
        if (bracket > 0 && fieldPath.endsWith("']") && fieldPath.startsWith("['", bracket)) {
            base = fieldPath.substring(0, bracket);
            subscript = fieldPath.substring(bracket + 2, fieldPath.length() - 2);
        }
        if (!apiVersion.equals("v1")) {
            error = "unsupported pod version: " + apiVersion;
        } else if (subscript == null && !DOWNWARD_API_V1_PATHS.contains(fieldPath)
                || subscript != null && !base.equals("metadata.annotations") && !base.equals("metadata.labels")) {
            error = "field label not supported: " + fieldPath;
        }
        if (error != null) {
            errs.add(FieldError.invalid(path.child("fieldPath"), fieldPath, "error converting fieldPath: " + error));
            return errs;
        }
        if (subscript != null) {
            String name = base.equals("metadata.annotations") ? subscript.toLowerCase(java.util.Locale.ROOT) : subscript;
            errs.addAll(qualifiedName(name, path));
        } else if (!expressions.contains(fieldPath)) {
            errs.add(FieldError.notSupported(path.child("fieldPath"), fieldPath, expressions));
        }
        return errs;
    }

    private static List<FieldError> resourceFieldSelector(ObjectNode fs, FieldPath path, boolean volume) {
        List<FieldError> errs = new ArrayList<>();
        String resource = Json.text(fs, "resource");
        if (volume && Json.text(fs, "containerName").isEmpty()) {
            errs.add(FieldError.required(path.child("containerName"), ""));
        } else if (resource.isEmpty()) {
            errs.add(FieldError.required(path.child("resource"), ""));
        } else if (!RESOURCE_FIELD_PATHS.contains(resource) && !resource.startsWith("requests.hugepages-")
                && !resource.startsWith("limits.hugepages-")) {
            errs.add(FieldError.notSupported(path.child("resource"), resource, RESOURCE_FIELD_PATHS));
        }
        return errs;
    }

    private static List<FieldError> envFrom(List<ObjectNode> sources, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            ObjectNode s = sources.get(i);
            FieldPath ip = path.index(i);
            String prefix = Json.text(s, "prefix");
            if (!prefix.isEmpty()) {
                for (String msg : Formats.relaxedEnvVarName(prefix)) {
                    errs.add(FieldError.invalid(ip.child("prefix"), prefix, msg));
                }
            }
            int n = 0;
            for (String kind : List.of("configMapRef", "secretRef")) {
                ObjectNode ref = Json.obj(s, kind);
                if (ref == null) {
                    continue;
                }
                n++;
                String name = Json.text(ref, "name");
                if (name.isEmpty()) {
                    errs.add(FieldError.required(ip.child(kind).child("name"), ""));
                } else {
                    for (String msg : NameRule.DNS_SUBDOMAIN.check(name, true)) {
                        errs.add(FieldError.invalid(ip.child(kind).child("name"), name, msg));
                    }
                }
            }
            if (n == 0) {
                errs.add(FieldError.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
            } else if (n > 1) {
                errs.add(FieldError.invalid(path, "", "may not have more than one field specified at a time"));
            }
        }
        return errs;
    }

    private static List<FieldError> volumeMounts(ObjectNode container, Map<String, String> devices,
            Map<String, ObjectNode> volumes, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> mountPoints = new HashSet<>();
        List<ObjectNode> mounts = Json.objects(container, "volumeMounts");
        boolean privileged = Json.bool(Json.obj(container, "securityContext"), "privileged");
        for (int i = 0; i < mounts.size(); i++) {
            ObjectNode m = mounts.get(i);
            FieldPath ip = path.index(i);
            String name = Json.text(m, "name");
            String mountPath = Json.text(m, "mountPath");
            if (name.isEmpty()) {
                errs.add(FieldError.required(ip.child("name"), ""));
            }
            if (!volumes.containsKey(name)) {
                errs.add(FieldError.notFound(ip.child("name"), name));
            }
            if (mountPath.isEmpty()) {
                errs.add(FieldError.required(ip.child("mountPath"), ""));
            }
            if (!mountPoints.add(mountPath)) {
                errs.add(FieldError.invalid(ip.child("mountPath"), mountPath, "must be unique"));
            }
            if (devices.containsKey(name)) {
                errs.add(FieldError.invalid(ip.child("name"), name, "must not already exist in volumeDevices"));
            }
            if (devices.containsValue(mountPath)) {
                errs.add(FieldError.invalid(ip.child("mountPath"), mountPath,
                        "must not already exist as a path in volumeDevices"));
            }
            String subPath = Json.text(m, "subPath");
            String subPathExpr = Json.text(m, "subPathExpr");
            // Upstream reports these two at the list path, not the item path.
            if (!subPath.isEmpty()) {
                errs.addAll(localDescendingPath(subPath, path.child("subPath")));
            }
            if (!subPathExpr.isEmpty()) {
                if (!subPath.isEmpty()) {
                    errs.add(FieldError.invalid(ip.child("subPathExpr"), subPathExpr,
                            "subPathExpr and subPath are mutually exclusive"));
                }
                errs.addAll(localDescendingPath(subPathExpr, path.child("subPathExpr")));
            }
            if (Json.has(m, "mountPropagation")) {
                String mp = Json.text(m, "mountPropagation");
                List<String> supported = List.of("Bidirectional", "HostToContainer", "None");
                if (!supported.contains(mp)) {
                    errs.add(FieldError.notSupported(path.child("mountPropagation"), mp, supported));
                }
                if (mp.equals("Bidirectional") && !privileged) {
                    errs.add(FieldError.forbidden(path.child("mountPropagation"),
                            "Bidirectional mount propagation is available only to privileged containers"));
                }
            }
        }
        return errs;
    }

    private static List<FieldError> volumeDevices(List<ObjectNode> devices, Map<String, String> mounts,
            Map<String, ObjectNode> volumes, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> paths = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < devices.size(); i++) {
            ObjectNode d = devices.get(i);
            FieldPath ip = path.index(i);
            String name = Json.text(d, "name");
            String devPath = Json.text(d, "devicePath");
            ObjectNode vol = volumes.get(name);
            if (name.isEmpty()) {
                errs.add(FieldError.required(ip.child("name"), ""));
            }
            if (names.contains(name)) {
                errs.add(FieldError.invalid(ip.child("name"), name, "must be unique"));
            }
            if (vol != null && !Json.has(vol, "persistentVolumeClaim") && !Json.has(vol, "ephemeral")) {
                errs.add(FieldError.invalid(ip.child("name"), name,
                        "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"));
            }
            if (vol == null) {
                errs.add(FieldError.notFound(ip.child("name"), name));
            }
            if (devPath.isEmpty()) {
                errs.add(FieldError.required(ip.child("devicePath"), ""));
            }
            if (paths.contains(devPath)) {
                errs.add(FieldError.invalid(ip.child("devicePath"), devPath, "must be unique"));
            }
            if (!devPath.isEmpty() && !noBacksteps(devPath, ip).isEmpty()) {
                errs.add(FieldError.invalid(ip.child("devicePath"), devPath, "can not contain backsteps ('..')"));
            } else {
                paths.add(devPath);
            }
            if (mounts.containsKey(name)) {
                errs.add(FieldError.invalid(ip.child("name"), name, "must not already exist in volumeMounts"));
            }
            if (mounts.containsValue(devPath)) {
                errs.add(FieldError.invalid(ip.child("devicePath"), devPath,
                        "must not already exist as a path in volumeMounts"));
            }
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return errs;
    }

    /** Upstream's container {@code ValidateResourceRequirements}: names, quantities, requests within limits. */
    static List<FieldError> resources(ObjectNode req, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (req == null) {
            return errs;
        }
        ObjectNode limits = Json.obj(req, "limits");
        ObjectNode requests = Json.obj(req, "requests");
        errs.addAll(resourceList(limits, path.child("limits"), null));
        errs.addAll(resourceList(requests, path.child("requests"), limits));
        boolean cpuOrMemory = false;
        boolean hugePages = false;
        for (ObjectNode list : new ObjectNode[] {limits, requests}) {
            if (list == null) {
                continue;
            }
            for (java.util.Iterator<String> it = list.fieldNames(); it.hasNext();) {
                String n = it.next();
                cpuOrMemory |= n.equals("cpu") || n.equals("memory");
                hugePages |= n.startsWith("hugepages-");
            }
        }
        if (!cpuOrMemory && hugePages) {
            errs.add(FieldError.forbidden(path, "HugePages require cpu or memory"));
        }
        return errs;
    }

    private static List<FieldError> resourceList(ObjectNode list, FieldPath path, ObjectNode limits) {
        List<FieldError> errs = new ArrayList<>();
        if (list == null) {
            return errs;
        }
        for (java.util.Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String resource = e.getKey();
            FieldPath rp = path.key(resource);
            errs.addAll(containerResourceName(resource, rp));
            Quantity q = Quantity.tryParse(e.getValue());
            if (q == null) {
                errs.add(FieldError.invalid(rp, e.getValue().asText(), Quantity.FORMAT_ERROR));
                continue;
            }
            if (q.signum() < 0) {
                errs.add(FieldError.invalid(rp, q.toString(), ObjectMetaValidation.NEGATIVE));
            }
            if (isIntegerResource(resource) && !q.isWholeNumber()) {
                errs.add(FieldError.invalid(rp, q.toString(), "must be an integer"));
            }
            if (limits != null) {
                boolean overcommit = isOvercommitAllowed(resource);
                Quantity limit = Quantity.tryParse(limits.get(resource));
                if (limits.has(resource) && limit != null) {
                    if (q.compareTo(limit) != 0 && !overcommit) {
                        errs.add(FieldError.invalid(path, q.toString(),
                                "must be equal to " + resource + " limit of " + limit));
                    } else if (q.compareTo(limit) > 0) {
                        errs.add(FieldError.invalid(path, q.toString(),
                                "must be less than or equal to " + resource + " limit of " + limit));
                    }
                } else if (!overcommit) {
                    errs.add(FieldError.required(siblingLimits(path),
                            "Limit must be set for non overcommitable resources"));
                }
            }
        }
        return errs;
    }

    private static FieldPath siblingLimits(FieldPath requestsPath) {
        String s = requestsPath.toString();
        return FieldPath.root(s.substring(0, s.length() - "requests".length()) + "limits");
    }

    private static List<FieldError> containerResourceName(String value, FieldPath path) {
        List<FieldError> errs = new ArrayList<>(qualifiedName(value, path));
        if (!errs.isEmpty()) {
            return errs;
        }
        if (!value.contains("/")) {
            if (!STANDARD_RESOURCES.contains(value) && !value.startsWith("hugepages-")) {
                errs.add(FieldError.invalid(path, value, "must be a standard resource type or fully qualified"));
            }
            if (!STANDARD_CONTAINER_RESOURCES.contains(value) && !value.startsWith("hugepages-")) {
                errs.add(FieldError.invalid(path, value, "must be a standard resource for containers"));
            }
        } else if (!isNativeResource(value) && !isExtendedResource(value)) {
            errs.add(FieldError.invalid(path, value, "doesn't follow extended resource name standard"));
        }
        return errs;
    }

    private static boolean isNativeResource(String name) {
        return !name.contains("/") || name.contains("kubernetes.io/");
    }

    private static boolean isExtendedResource(String name) {
        return !isNativeResource(name) && !name.startsWith("requests.")
                && Formats.qualifiedName("requests." + name).isEmpty();
    }

    private static boolean isOvercommitAllowed(String resource) {
        return isNativeResource(resource) && !resource.startsWith("hugepages-");
    }

    private static boolean isIntegerResource(String resource) {
        return isExtendedResource(resource);
    }

    private static List<FieldError> securityContext(ObjectNode sc, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (sc == null) {
            return errs;
        }
        for (String f : List.of("runAsUser", "runAsGroup")) {
            Long v = Json.integer(sc, f);
            if (v != null && (v < 0 || v > MAX_INT32)) {
                errs.add(FieldError.invalid(path.child(f), v, Formats.inclusiveRangeError(0, MAX_INT32)));
            }
        }
        if (Json.has(sc, "procMount")) {
            String pm = Json.text(sc, "procMount");
            if (!pm.equals("Default") && !pm.equals("Unmasked")) {
                errs.add(FieldError.notSupported(path.child("procMount"), pm, List.of("Default", "Unmasked")));
            }
        }
        return errs;
    }

    // ---------------------------------------------------------------- probes and handlers

    private static List<FieldError> probes(ObjectNode c, Long grace, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        ObjectNode liveness = Json.obj(c, "livenessProbe");
        if (liveness != null) {
            errs.addAll(probe(liveness, grace, path.child("livenessProbe")));
            long st = Json.integer(liveness, "successThreshold", 0);
            if (st != 1) {
                errs.add(FieldError.invalid(path.child("livenessProbe").child("successThreshold"), st, "must be 1"));
            }
        }
        ObjectNode readiness = Json.obj(c, "readinessProbe");
        if (readiness != null) {
            errs.addAll(probe(readiness, grace, path.child("readinessProbe")));
            if (Json.has(readiness, "terminationGracePeriodSeconds")) {
                errs.add(FieldError.invalid(path.child("readinessProbe").child("terminationGracePeriodSeconds"),
                        Json.integer(readiness, "terminationGracePeriodSeconds"), "must not be set for readinessProbes"));
            }
        }
        ObjectNode startup = Json.obj(c, "startupProbe");
        if (startup != null) {
            errs.addAll(probe(startup, grace, path.child("startupProbe")));
            long st = Json.integer(startup, "successThreshold", 0);
            if (st != 1) {
                errs.add(FieldError.invalid(path.child("startupProbe").child("successThreshold"), st, "must be 1"));
            }
        }
        return errs;
    }

    private static List<FieldError> probe(ObjectNode probe, Long grace, FieldPath path) {
        List<FieldError> errs = new ArrayList<>(handler(probe, List.of("exec", "httpGet", "tcpSocket", "grpc"), grace,
                path));
        for (String f : List.of("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                "failureThreshold")) {
            errs.addAll(ObjectMetaValidation.nonNegative(Json.integer(probe, f), path.child(f)));
        }
        Long tgps = Json.integer(probe, "terminationGracePeriodSeconds");
        if (tgps != null && tgps <= 0) {
            errs.add(FieldError.invalid(path.child("terminationGracePeriodSeconds"), tgps, "must be greater than 0"));
        }
        return errs;
    }

    private static List<FieldError> lifecycle(ObjectNode lifecycle, Long grace, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (String hook : List.of("postStart", "preStop")) {
            ObjectNode h = Json.obj(lifecycle, hook);
            if (h != null) {
                errs.addAll(handler(h, List.of("exec", "httpGet", "tcpSocket", "sleep"), grace, path.child(hook)));
            }
        }
        return errs;
    }

    private static List<FieldError> handler(ObjectNode h, List<String> kinds, Long grace, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        int n = 0;
        for (String kind : List.of("exec", "httpGet", "tcpSocket", "grpc", "sleep")) {
            if (!kinds.contains(kind) || !Json.has(h, kind)) {
                continue;
            }
            if (n > 0) {
                errs.add(FieldError.forbidden(path.child(kind), "may not specify more than 1 handler type"));
                continue;
            }
            n++;
            ObjectNode a = Json.obj(h, kind);
            FieldPath ap = path.child(kind);
            switch (kind) {
                case "exec" -> {
                    if (Json.list(a, "command").isEmpty()) {
                        errs.add(FieldError.required(ap.child("command"), ""));
                    }
                }
                case "httpGet" -> {
                    if (Json.text(a, "path").isEmpty()) {
                        errs.add(FieldError.required(ap.child("path"), ""));
                    }
                    errs.addAll(portNumOrName(a == null ? null : a.get("port"), ap.child("port")));
                    String scheme = Json.text(a, "scheme");
                    if (!scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
                        errs.add(FieldError.notSupported(ap.child("scheme"), scheme, List.of("HTTP", "HTTPS")));
                    }
                    for (ObjectNode header : Json.objects(a, "httpHeaders")) {
                        for (String msg : Formats.httpHeaderName(Json.text(header, "name"))) {
                            errs.add(FieldError.invalid(ap.child("httpHeaders"), Json.text(header, "name"), msg));
                        }
                    }
                }
                case "tcpSocket" -> errs.addAll(portNumOrName(a == null ? null : a.get("port"), ap.child("port")));
                case "grpc" -> {
                    long port = Json.integer(a, "port", 0);
                    for (String msg : Formats.portNumber(port)) {
                        errs.add(FieldError.invalid(ap.child("port"), port, msg));
                    }
                }
                case "sleep" -> {
                    long seconds = Json.integer(a, "seconds", 0);
                    if (grace != null && (seconds < 0 || seconds > grace)) {
                        errs.add(FieldError.invalid(ap, seconds,
                                "must be non-negative and less than terminationGracePeriodSeconds (" + grace + ")"));
                    }
                }
                default -> { }
            }
        }
        if (n == 0) {
            errs.add(FieldError.required(path, "must specify a handler type"));
        }
        return errs;
    }

    /** Upstream's {@code ValidatePortNumOrName} on an int-or-string JSON value. */
    static List<FieldError> portNumOrName(JsonNode port, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (port != null && port.isNumber()) {
            long p = port.asLong();
            for (String msg : Formats.portNumber(p)) {
                errs.add(FieldError.invalid(path, p, msg));
            }
        } else {
            String s = port == null || port.isNull() ? "" : port.asText();
            if (port == null || port.isNull()) {
                for (String msg : Formats.portNumber(0)) {
                    errs.add(FieldError.invalid(path, 0, msg));
                }
                return errs;
            }
            for (String msg : Formats.portName(s)) {
                errs.add(FieldError.invalid(path, s, msg));
            }
        }
        return errs;
    }

    /** The spec's containers and init containers, for callers that walk all of them. */
    static List<ObjectNode> allContainers(ObjectNode spec) {
        List<ObjectNode> out = new ArrayList<>(Json.objects(spec, "initContainers"));
        out.addAll(Json.objects(spec, "containers"));
        return out;
    }

    static ArrayNode arrayOrNull(JsonNode n, String field) {
        return n != null && n.get(field) instanceof ArrayNode a ? a : null;
    }
}
