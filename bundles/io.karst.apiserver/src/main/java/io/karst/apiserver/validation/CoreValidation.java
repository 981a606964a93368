package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Upstream's rules for the smaller core types: Namespace, ConfigMap, Secret, ServiceAccount, Node, Endpoints,
 * PersistentVolumeClaim and Event.
 */
public final class CoreValidation {
    /** Upstream's MaxSecretSize, which also bounds ConfigMaps. */
    public static final int MAX_SECRET_SIZE = 1024 * 1024;
    private static final FieldPath META = FieldPath.root("metadata");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CoreValidation() {
    }

    static JsonNode meta(ObjectNode o) {
        return ObjectMetaValidation.metadata(o);
    }

    static List<FieldError> metaUpdate(ObjectNode n, ObjectNode o) {
        return ObjectMetaValidation.validateUpdate(meta(n), meta(o), META);
    }

    // ------------------------------------------------------------ Namespace

    public static List<FieldError> namespace(ObjectNode ns) {
        List<FieldError> errs = ObjectMetaValidation.validate(meta(ns), false, NameRule.DNS_LABEL, META);
        FieldPath fp = FieldPath.root("spec", "finalizers");
        for (String f : Json.strings(Json.obj(ns, "spec"), "finalizers")) {
            for (String msg : Formats.qualifiedName(f)) {
                errs.add(FieldError.invalid(fp, f, msg));
            }
            errs.addAll(ObjectMetaValidation.kubeFinalizerName(f, fp));
        }
        return errs;
    }

    public static List<FieldError> namespaceUpdate(ObjectNode n, ObjectNode o) {
        return metaUpdate(n, o);
    }

    // ------------------------------------------------------------ ConfigMap

    public static List<FieldError> configMap(ObjectNode cm) {
        List<FieldError> errs = ObjectMetaValidation.validate(meta(cm), true, NameRule.DNS_SUBDOMAIN, META);
        long total = 0;
        Map<String, String> data = Json.stringMapOrEmpty(cm, "data");
        Map<String, String> binary = Json.stringMapOrEmpty(cm, "binaryData");
        for (Map.Entry<String, String> e : data.entrySet()) {
            FieldPath kp = FieldPath.root("data").key(e.getKey());
            for (String msg : Formats.configMapKey(e.getKey())) {
                errs.add(FieldError.invalid(kp, e.getKey(), msg));
            }
            if (binary.containsKey(e.getKey())) {
                errs.add(FieldError.invalid(kp, e.getKey(), "duplicate of key present in binaryData"));
            }
            total += Formats.byteLength(e.getValue());
        }
        for (Map.Entry<String, String> e : binary.entrySet()) {
            for (String msg : Formats.configMapKey(e.getKey())) {
                errs.add(FieldError.invalid(FieldPath.root("binaryData").key(e.getKey()), e.getKey(), msg));
            }
            total += decodedLength(e.getValue());
        }
        if (total > MAX_SECRET_SIZE) {
            // Upstream reports the whole object with an empty path, which prints as "[]".
            errs.add(FieldError.tooLong(FieldPath.root(""), MAX_SECRET_SIZE));
        }
        return errs;
    }

    public static List<FieldError> configMapUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = metaUpdate(n, o);
        if (Json.bool(o, "immutable")) {
            if (!Json.bool(n, "immutable")) {
                errs.add(FieldError.forbidden(FieldPath.root("immutable"), "field is immutable when `immutable` is set"));
            }
            for (String f : List.of("data", "binaryData")) {
                if (!Objects.equals(nonEmpty(n.get(f)), nonEmpty(o.get(f)))) {
                    errs.add(FieldError.forbidden(FieldPath.root(f), "field is immutable when `immutable` is set"));
                }
            }
        }
        errs.addAll(configMap(n));
        return errs;
    }

    private static JsonNode nonEmpty(JsonNode n) {
        return n == null || n.isNull() || n.isObject() && n.isEmpty() ? null : n;
    }

    private static long decodedLength(String base64) {
        try {
            return Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return Formats.byteLength(base64);
        }
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return base64.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    // ------------------------------------------------------------ Secret

    public static List<FieldError> secret(ObjectNode secret) {
        List<FieldError> errs = ObjectMetaValidation.validate(meta(secret), true, NameRule.DNS_SUBDOMAIN, META);
        FieldPath dataPath = FieldPath.root("data");
        Map<String, String> data = Json.stringMapOrEmpty(secret, "data");
        long total = 0;
        for (Map.Entry<String, String> e : data.entrySet()) {
            for (String msg : Formats.configMapKey(e.getKey())) {
                errs.add(FieldError.invalid(dataPath.key(e.getKey()), e.getKey(), msg));
            }
            total += decodedLength(e.getValue());
        }
        if (total > MAX_SECRET_SIZE) {
            errs.add(FieldError.tooLong(dataPath, MAX_SECRET_SIZE));
        }
        switch (Json.text(secret, "type")) {
            case "kubernetes.io/service-account-token" -> {
                String sa = Json.stringMapOrEmpty(meta(secret), "annotations").getOrDefault(
                        "kubernetes.io/service-account.name", "");
                if (sa.isEmpty()) {
                    errs.add(FieldError.required(META.child("annotations").key("kubernetes.io/service-account.name"), ""));
                }
            }
            case "kubernetes.io/dockercfg" -> jsonKey(data, ".dockercfg", dataPath, errs);
            case "kubernetes.io/dockerconfigjson" -> jsonKey(data, ".dockerconfigjson", dataPath, errs);
            case "kubernetes.io/basic-auth" -> {
                if (!data.containsKey("username") && !data.containsKey("password")) {
                    errs.add(FieldError.required(dataPath.key("username"), ""));
                    errs.add(FieldError.required(dataPath.key("password"), ""));
                }
            }
            case "kubernetes.io/ssh-auth" -> {
                if (decodedLength(data.getOrDefault("ssh-privatekey", "")) == 0) {
                    errs.add(FieldError.required(dataPath.key("ssh-privatekey"), ""));
                }
            }
            case "kubernetes.io/tls" -> {
                if (!data.containsKey("tls.crt")) {
                    errs.add(FieldError.required(dataPath.key("tls.crt"), ""));
                }
                if (!data.containsKey("tls.key")) {
                    errs.add(FieldError.required(dataPath.key("tls.key"), ""));
                }
            }
            default -> { }
        }
        return errs;
    }

    private static void jsonKey(Map<String, String> data, String key, FieldPath dataPath, List<FieldError> errs) {
        if (!data.containsKey(key)) {
            errs.add(FieldError.required(dataPath.key(key), ""));
            return;
        }
        String problem = goJsonObjectError(decode(data.get(key)));
        if (problem != null) {
            errs.add(FieldError.invalid(dataPath.key(key), "<secret contents redacted>", problem));
        }
    }

    /** Why the bytes are not a JSON object, worded as Go's encoding/json words it; null when they are one. */
    static String goJsonObjectError(byte[] bytes) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return "unexpected end of JSON input";
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            char c = text.charAt(0);
            if ("{[\"-0123456789tfn".indexOf(c) < 0) {
                return "invalid character '" + c + "' looking for beginning of value";
            }
            return "unexpected end of JSON input";
        }
        if (node == null || node.isObject() || node.isNull()) {
            return null;
        }
        String goType = node.isTextual() ? "string" : node.isNumber() ? "number" : node.isArray() ? "array" : "bool";
        return "json: cannot unmarshal " + goType + " into Go value of type map[string]interface {}";
    }

    public static List<FieldError> secretUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = metaUpdate(n, o);
        String type = Json.text(n, "type");
        if (!type.equals(Json.text(o, "type"))) {
            errs.add(FieldError.invalid(FieldPath.root("type"), type, ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        if (Json.bool(o, "immutable")) {
            if (!Json.bool(n, "immutable")) {
                errs.add(FieldError.forbidden(FieldPath.root("immutable"), "field is immutable when `immutable` is set"));
            }
            if (!Objects.equals(nonEmpty(n.get("data")), nonEmpty(o.get("data")))) {
                errs.add(FieldError.forbidden(FieldPath.root("data"), "field is immutable when `immutable` is set"));
            }
        }
        errs.addAll(secret(n));
        return errs;
    }

    // ------------------------------------------------------------ ServiceAccount

    public static List<FieldError> serviceAccount(ObjectNode sa) {
        return ObjectMetaValidation.validate(meta(sa), true, NameRule.DNS_SUBDOMAIN, META);
    }

    public static List<FieldError> serviceAccountUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = metaUpdate(n, o);
        errs.addAll(serviceAccount(n));
        return errs;
    }

    // ------------------------------------------------------------ Node

    public static List<FieldError> node(ObjectNode node) {
        List<FieldError> errs = ObjectMetaValidation.validate(meta(node), false, NameRule.NODE, META);
        ObjectNode spec = Json.obj(node, "spec");
        errs.addAll(taints(Json.objects(spec, "taints"), FieldPath.root("spec", "taints")));
        List<String> cidrs = Json.strings(spec, "podCIDRs");
        for (int i = 0; i < cidrs.size(); i++) {
            if (!validCidr(cidrs.get(i))) {
                errs.add(FieldError.invalid(FieldPath.root("spec", "podCIDRs").index(i), cidrs.get(i),
                        "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
            }
        }
        return errs;
    }

    private static boolean validCidr(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return false;
        }
        int[] ip = IpAddresses.parseSloppy(cidr.substring(0, slash));
        try {
            int bits = Integer.parseInt(cidr.substring(slash + 1));
            return ip != null && bits >= 0 && bits <= ip.length * 8;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public static List<FieldError> nodeUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = metaUpdate(n, o);
        errs.addAll(node(n));
        List<String> oldCidrs = Json.strings(Json.obj(o, "spec"), "podCIDRs");
        List<String> newCidrs = Json.strings(Json.obj(n, "spec"), "podCIDRs");
        if (!oldCidrs.isEmpty() && !oldCidrs.equals(newCidrs)) {
            errs.add(FieldError.forbidden(FieldPath.root("spec", "podCIDRs"),
                    "node updates may not change podCIDR except from \"\" to valid"));
        }
        return errs;
    }

    static List<FieldError> taints(List<ObjectNode> taints, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < taints.size(); i++) {
            ObjectNode t = taints.get(i);
            FieldPath ip = path.index(i);
            String key = Json.text(t, "key");
            errs.addAll(PodValidation.qualifiedName(key, ip.child("key")));
            String value = Json.text(t, "value");
            for (String msg : Formats.labelValue(value)) {
                errs.add(FieldError.invalid(ip.child("value"), value, msg));
            }
            String effect = Json.text(t, "effect");
            if (effect.isEmpty()) {
                errs.add(FieldError.required(ip.child("effect"), ""));
            } else if (!List.of("NoSchedule", "PreferNoSchedule", "NoExecute").contains(effect)) {
                errs.add(FieldError.notSupported(ip.child("effect"), effect,
                        List.of("NoSchedule", "PreferNoSchedule", "NoExecute")));
            }
            if (!seen.add(key + "/" + effect)) {
                errs.add(FieldError.duplicate(path, new GoValues.Literal("core.Taint{Key:" + GoValues.quote(key)
                        + ", Value:" + GoValues.quote(value) + ", Effect:" + GoValues.quote(effect)
                        + ", TimeAdded:<nil>}")));
            }
        }
        return errs;
    }

    // ------------------------------------------------------------ Endpoints

    public static List<FieldError> endpoints(ObjectNode ep) {
        List<FieldError> errs = ObjectMetaValidation.validate(meta(ep), true, NameRule.DNS_SUBDOMAIN, META);
        List<ObjectNode> subsets = Json.objects(ep, "subsets");
        for (int i = 0; i < subsets.size(); i++) {
            ObjectNode ss = subsets.get(i);
            FieldPath sp = FieldPath.root("subsets").index(i);
            if (Json.list(ss, "addresses").isEmpty() && Json.list(ss, "notReadyAddresses").isEmpty()) {
                errs.add(FieldError.required(sp, "must specify `addresses` or `notReadyAddresses`"));
            }
            for (String kind : List.of("addresses", "notReadyAddresses")) {
                List<ObjectNode> addrs = Json.objects(ss, kind);
                for (int a = 0; a < addrs.size(); a++) {
                    FieldPath ap = sp.child(kind).index(a);
                    String ip = Json.text(addrs.get(a), "ip");
                    errs.addAll(IpAddresses.validIp(ap.child("ip"), ip));
                    String hostname = Json.text(addrs.get(a), "hostname");
                    if (!hostname.isEmpty()) {
                        errs.addAll(PodValidation.dnsLabel(hostname, ap.child("hostname")));
                    }
                    if (Json.has(addrs.get(a), "nodeName")) {
                        String nn = Json.text(addrs.get(a), "nodeName");
                        for (String msg : NameRule.NODE.check(nn, false)) {
                            errs.add(FieldError.invalid(ap.child("nodeName"), nn, msg));
                        }
                    }
                    errs.addAll(IpAddresses.nonSpecialIp(ap.child("ip"), ip));
                }
            }
            List<ObjectNode> ports = Json.objects(ss, "ports");
            for (int p = 0; p < ports.size(); p++) {
                FieldPath pp = sp.child("ports").index(p);
                String name = Json.text(ports.get(p), "name");
                if (ports.size() > 1 && name.isEmpty()) {
                    errs.add(FieldError.required(pp.child("name"), ""));
                } else if (!name.isEmpty()) {
                    errs.addAll(PodValidation.dnsLabel(name, pp.child("name")));
                }
                long port = Json.integer(ports.get(p), "port", 0);
                for (String msg : Formats.portNumber(port)) {
                    errs.add(FieldError.invalid(pp.child("port"), port, msg));
                }
                errs.addAll(PodValidation.protocol(Json.text(ports.get(p), "protocol"), pp.child("protocol")));
            }
        }
        return errs;
    }

    public static List<FieldError> endpointsUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = metaUpdate(n, o);
        errs.addAll(endpoints(n));
        return errs;
    }

    // ------------------------------------------------------------ PersistentVolumeClaim

    public static List<FieldError> persistentVolumeClaim(ObjectNode pvc) {
        List<FieldError> errs = ObjectMetaValidation.validate(meta(pvc), true, NameRule.DNS_SUBDOMAIN, META);
        errs.addAll(claimSpec(Json.obj(pvc, "spec"), FieldPath.root("spec")));
        return errs;
    }

    static List<FieldError> claimSpec(ObjectNode spec, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        List<String> modes = Json.strings(spec, "accessModes");
        List<String> supported = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");
        if (modes.isEmpty()) {
            errs.add(FieldError.required(path.child("accessModes"), "at least 1 access mode is required"));
        }
        for (String m : modes) {
            if (!supported.contains(m)) {
                errs.add(FieldError.notSupported(path.child("accessModes"), m, supported));
            }
        }
        if (modes.contains("ReadWriteOncePod") && modes.size() > 1) {
            errs.add(FieldError.forbidden(path.child("accessModes"), "may not use ReadWriteOncePod with other access modes"));
        }
        errs.addAll(LabelSelectors.validate(Json.obj(spec, "selector"), path.child("selector")));
        ObjectNode requests = Json.obj(Json.obj(spec, "resources"), "requests");
        FieldPath storagePath = path.child("resources").child("requests").key("storage");
        if (requests == null || !requests.has("storage")) {
            if (!Json.has(spec, "dataSource") && !Json.has(spec, "dataSourceRef")) {
                errs.add(FieldError.required(storagePath, ""));
            }
        } else {
            Quantity q = Quantity.tryParse(requests.get("storage"));
            if (q == null) {
                errs.add(FieldError.invalid(storagePath, requests.get("storage").asText(), Quantity.FORMAT_ERROR));
            } else if (q.signum() <= 0) {
                errs.add(FieldError.invalid(storagePath, q.toString(), "must be greater than zero"));
            }
        }
        if (Json.has(spec, "storageClassName")) {
            String sc = Json.text(spec, "storageClassName");
            if (!sc.isEmpty()) {
                errs.addAll(PodValidation.dnsSubdomain(sc, path.child("storageClassName")));
            }
        }
        if (Json.has(spec, "volumeMode")) {
            String vm = Json.text(spec, "volumeMode");
            if (!vm.equals("Block") && !vm.equals("Filesystem")) {
                errs.add(FieldError.notSupported(path.child("volumeMode"), vm, List.of("Block", "Filesystem")));
            }
        }
        return errs;
    }

    public static List<FieldError> persistentVolumeClaimUpdate(ObjectNode n, ObjectNode o) {
        List<FieldError> errs = metaUpdate(n, o);
        errs.addAll(persistentVolumeClaim(n));
        ObjectNode ns = Json.obj(n, "spec") == null ? null : Json.obj(n, "spec").deepCopy();
        ObjectNode os = Json.obj(o, "spec") == null ? null : Json.obj(o, "spec").deepCopy();
        if (ns != null && os != null) {
            if (Json.text(os, "volumeName").isEmpty()) {
                // volumeName may be set once (binding).
                if (ns.has("volumeName")) {
                    os.set("volumeName", ns.get("volumeName"));
                } else {
                    os.remove("volumeName");
                }
            }
            String phase = Json.text(Json.obj(n, "status"), "phase");
            if (phase.equals("Bound")) {
                ObjectNode nr = Json.obj(Json.obj(ns, "resources"), "requests");
                ObjectNode or = Json.obj(Json.obj(os, "resources"), "requests");
                if (nr != null && or != null && or.has("storage")) {
                    nr.set("storage", or.get("storage"));
                }
            }
            if (!ns.equals(os)) {
                errs.add(FieldError.forbidden(FieldPath.root("spec"), "spec is immutable after creation except "
                        + "resources.requests and volumeAttributesClassName for bound claims\n"
                        + SpecDiff.describe(os, ns).replace("core.PodSpec", "core.PersistentVolumeClaimSpec")));
            }
            Quantity newSize = Quantity.tryParse(Json.obj(Json.obj(Json.obj(n, "spec"), "resources"), "requests") == null
                    ? null : Json.obj(Json.obj(Json.obj(n, "spec"), "resources"), "requests").get("storage"));
            Quantity oldSize = Quantity.tryParse(Json.obj(Json.obj(Json.obj(o, "spec"), "resources"), "requests") == null
                    ? null : Json.obj(Json.obj(Json.obj(o, "spec"), "resources"), "requests").get("storage"));
            if (newSize != null && oldSize != null && newSize.compareTo(oldSize) < 0) {
                errs.add(FieldError.forbidden(FieldPath.root("spec", "resources", "requests", "storage"),
                        "field can not be less than status.capacity"));
            }
        }
        return errs;
    }

    // ------------------------------------------------------------ Event

    /** core/v1 Events: the event's namespace must agree with the involved object's. */
    public static List<FieldError> event(ObjectNode event) {
        JsonNode m = meta(event);
        List<FieldError> errs = ObjectMetaValidation.validate(m, true, NameRule.DNS_SUBDOMAIN, META);
        String ns = Json.text(m, "namespace");
        ObjectNode involved = Json.obj(event, "involvedObject");
        if (involved == null) {
            involved = Json.obj(event, "regarding");
        }
        String involvedNs = Json.text(involved, "namespace");
        FieldPath nsPath = FieldPath.root(Json.has(event, "regarding") ? "regarding" : "involvedObject", "namespace");
        if (involvedNs.isEmpty()) {
            if (!ns.isEmpty() && !ns.equals("default")) {
                errs.add(FieldError.invalid(nsPath, involvedNs, "does not match event.namespace"));
            }
        } else if (!ns.equals(involvedNs)) {
            errs.add(FieldError.invalid(nsPath, involvedNs, "does not match event.namespace"));
        }
        for (String msg : Formats.dns1123Subdomain(ns)) {
            errs.add(FieldError.invalid(FieldPath.root("namespace"), ns, msg));
        }
        return errs;
    }

    /** events.k8s.io/v1 Events carry the newer required fields. */
    public static List<FieldError> eventsV1(ObjectNode event) {
        List<FieldError> errs = event(event);
        if (!Json.has(event, "eventTime")) {
            errs.add(FieldError.required(FieldPath.root("eventTime"), ""));
        }
        String type = Json.text(event, "type");
        if (!type.equals("Normal") && !type.equals("Warning")) {
            errs.add(FieldError.invalid(FieldPath.root("type"), type, "has invalid value: " + type));
        }
        String controller = Json.text(event, "reportingController");
        if (controller.isEmpty()) {
            errs.add(FieldError.required(FieldPath.root("reportingController"), ""));
        } else {
            errs.addAll(PodValidation.qualifiedName(controller, FieldPath.root("reportingController")));
        }
        for (String f : List.of("reportingInstance", "action", "reason")) {
            String v = Json.text(event, f);
            if (v.isEmpty()) {
                errs.add(FieldError.required(FieldPath.root(f), ""));
            } else if (v.length() > 128) {
                errs.add(FieldError.invalid(FieldPath.root(f), "", "can have at most 128 characters"));
            }
        }
        if (Formats.byteLength(Json.text(event, "note")) > 1024) {
            errs.add(FieldError.invalid(FieldPath.root("note"), "", "can have at most 1024 characters"));
        }
        return errs;
    }
}
