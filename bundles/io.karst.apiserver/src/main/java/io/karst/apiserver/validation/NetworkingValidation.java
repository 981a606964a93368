package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Upstream's networking.k8s.io/v1 rules: Ingress, IngressClass, NetworkPolicy. */
public final class NetworkingValidation {
    private static final FieldPath META = FieldPath.root("metadata");
    private static final FieldPath SPEC = FieldPath.root("spec");
    private static final List<String> PATH_TYPES = List.of("Exact", "ImplementationSpecific", "Prefix");
    private static final List<String> INVALID_PATH_SEQUENCES = List.of("//", "/./", "/../", "%2f", "%2F");
    private static final List<String> INVALID_PATH_SUFFIXES = List.of("/..", "/.");

    private NetworkingValidation() {
    }

    public static List<FieldError> ingress(ObjectNode ing) {
        List<FieldError> errs = ObjectMetaValidation.validate(CoreValidation.meta(ing), true, NameRule.DNS_SUBDOMAIN, META);
        ObjectNode spec = WorkloadValidation.spec(ing);
        List<ObjectNode> rules = Json.objects(spec, "rules");
        if (!Json.has(spec, "defaultBackend") && rules.isEmpty()) {
            errs.add(FieldError.invalid(SPEC, "", "either `defaultBackend` or `rules` must be specified"));
        }
        if (Json.has(spec, "defaultBackend")) {
            errs.addAll(backend(Json.obj(spec, "defaultBackend"), SPEC.child("defaultBackend")));
        }
        for (int i = 0; i < rules.size(); i++) {
            ObjectNode rule = rules.get(i);
            FieldPath rp = SPEC.child("rules").index(i);
            String host = Json.text(rule, "host");
            if (!host.isEmpty()) {
                errs.addAll(host(host, rp.child("host")));
            }
            ObjectNode http = Json.obj(rule, "http");
            if (http != null) {
                List<ObjectNode> paths = Json.objects(http, "paths");
                FieldPath hp = rp.child("http");
                if (paths.isEmpty()) {
                    errs.add(FieldError.required(hp.child("paths"), ""));
                }
                for (int j = 0; j < paths.size(); j++) {
                    errs.addAll(httpPath(paths.get(j), hp.child("paths").index(j)));
                }
            }
        }
        if (Json.has(spec, "ingressClassName")) {
            errs.addAll(PodValidation.dnsSubdomain(Json.text(spec, "ingressClassName"), SPEC.child("ingressClassName")));
        }
        List<ObjectNode> tls = Json.objects(spec, "tls");
        for (int i = 0; i < tls.size(); i++) {
            List<String> hosts = Json.strings(tls.get(i), "hosts");
            for (int j = 0; j < hosts.size(); j++) {
                errs.addAll(host(hosts.get(j), SPEC.child("tls").index(i).child("hosts").index(j)));
            }
        }
        return errs;
    }

    private static List<FieldError> host(String host, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (IpAddresses.parseSloppy(host) != null) {
            errs.add(FieldError.invalid(path, host, "must be a DNS name, not an IP address"));
        }
        List<String> msgs = host.contains("*") ? Formats.wildcardDns1123Subdomain(host) : Formats.dns1123Subdomain(host);
        for (String msg : msgs) {
            errs.add(FieldError.invalid(path, host, msg));
        }
        return errs;
    }

    private static List<FieldError> httpPath(ObjectNode p, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String type = Json.text(p, "pathType");
        String value = Json.text(p, "path");
        if (type.isEmpty()) {
            errs.add(FieldError.required(path.child("pathType"), "pathType must be specified"));
        } else if (!PATH_TYPES.contains(type)) {
            errs.add(FieldError.notSupported(path.child("pathType"), type, PATH_TYPES));
        } else if (type.equals("Exact") || type.equals("Prefix")) {
            if (!value.startsWith("/")) {
                errs.add(FieldError.invalid(path.child("path"), value, "must be an absolute path"));
            }
            for (String bad : INVALID_PATH_SEQUENCES) {
                if (value.contains(bad)) {
                    errs.add(FieldError.invalid(path.child("path"), value, "must not contain '" + bad + "'"));
                }
            }
            for (String bad : INVALID_PATH_SUFFIXES) {
                if (value.endsWith(bad)) {
                    errs.add(FieldError.invalid(path.child("path"), value, "cannot end with '" + bad + "'"));
                }
            }
        } else if (!value.isEmpty() && !value.startsWith("/")) {
            errs.add(FieldError.invalid(path.child("path"), value, "must be an absolute path"));
        }
        errs.addAll(backend(Json.obj(p, "backend"), path.child("backend")));
        return errs;
    }

    private static List<FieldError> backend(ObjectNode b, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        ObjectNode service = Json.obj(b, "service");
        boolean hasResource = Json.has(b, "resource");
        if (service != null && hasResource) {
            errs.add(FieldError.invalid(path, "", "cannot set both resource and service backends"));
        } else if (hasResource) {
            ObjectNode r = Json.obj(b, "resource");
            if (Json.text(r, "kind").isEmpty()) {
                errs.add(FieldError.required(path.child("resource", "kind"), ""));
            }
            if (Json.text(r, "name").isEmpty()) {
                errs.add(FieldError.required(path.child("resource", "name"), ""));
            }
        } else if (service != null) {
            String name = Json.text(service, "name");
            if (name.isEmpty()) {
                errs.add(FieldError.required(path.child("service", "name"), ""));
            } else {
                for (String msg : NameRule.DNS1035_LABEL.check(name, false)) {
                    errs.add(FieldError.invalid(path.child("service", "name"), name, msg));
                }
            }
            ObjectNode port = Json.obj(service, "port");
            FieldPath pp = path.child("service", "port");
            boolean hasName = !Json.text(port, "name").isEmpty();
            boolean hasNumber = Json.integer(port, "number", 0) != 0;
            if (hasName && hasNumber) {
                errs.add(FieldError.invalid(pp, Json.text(port, "name"), "cannot set both port name & port number"));
            } else if (hasName) {
                for (String msg : Formats.portName(Json.text(port, "name"))) {
                    errs.add(FieldError.invalid(pp.child("name"), Json.text(port, "name"), msg));
                }
            } else if (hasNumber) {
                long n = Json.integer(port, "number", 0);
                for (String msg : Formats.portNumber(n)) {
                    errs.add(FieldError.invalid(pp.child("number"), n, msg));
                }
            } else {
                errs.add(FieldError.required(pp, "port name or number is required"));
            }
        } else {
            errs.add(FieldError.invalid(path, "", "resource or service backend is required"));
        }
        return errs;
    }

    public static List<FieldError> ingressClass(ObjectNode ic) {
        List<FieldError> errs = ObjectMetaValidation.validate(CoreValidation.meta(ic), false, NameRule.DNS_SUBDOMAIN, META);
        ObjectNode spec = WorkloadValidation.spec(ic);
        String controller = Json.text(spec, "controller");
        FieldPath cp = SPEC.child("controller");
        if (controller.length() > 250) {
            errs.add(FieldError.tooLong(cp, 250));
        }
        if (controller.isEmpty()) {
            errs.add(FieldError.required(cp, ""));
        } else {
            String[] segments = controller.split("/", 2);
            if (segments.length != 2 || segments[0].isEmpty() || segments[1].isEmpty()) {
                errs.add(FieldError.invalid(cp, controller, "must be a domain-prefixed path (such as \"acme.io/foo\")"));
            } else {
                for (String msg : Formats.dns1123Subdomain(segments[0])) {
                    errs.add(FieldError.invalid(cp, segments[0], msg));
                }
            }
        }
        ObjectNode params = Json.obj(spec, "parameters");
        if (params != null) {
            FieldPath pp = SPEC.child("parameters");
            if (Json.text(params, "kind").isEmpty()) {
                errs.add(FieldError.required(pp.child("kind"), "kind is required"));
            }
            if (Json.text(params, "name").isEmpty()) {
                errs.add(FieldError.required(pp.child("name"), "name is required"));
            }
            String scope = Json.text(params, "scope");
            if (!scope.equals("Cluster") && !scope.equals("Namespace")) {
                errs.add(FieldError.notSupported(pp.child("scope"), scope, List.of("Cluster", "Namespace")));
            }
            if (scope.equals("Namespace") && Json.text(params, "namespace").isEmpty()) {
                errs.add(FieldError.required(pp.child("namespace"), "`parameters.scope` is set to 'Namespace'"));
            }
            if (scope.equals("Cluster") && Json.has(params, "namespace")) {
                errs.add(FieldError.forbidden(pp.child("namespace"), "`parameters.scope` is set to 'Cluster'"));
            }
        }
        return errs;
    }

    public static List<FieldError> networkPolicy(ObjectNode np) {
        List<FieldError> errs = ObjectMetaValidation.validate(CoreValidation.meta(np), true, NameRule.DNS_SUBDOMAIN, META);
        ObjectNode spec = WorkloadValidation.spec(np);
        errs.addAll(LabelSelectors.validate(Json.obj(spec, "podSelector"), SPEC.child("podSelector")));
        for (String dir : List.of("ingress", "egress")) {
            List<ObjectNode> rules = Json.objects(spec, dir);
            for (int i = 0; i < rules.size(); i++) {
                FieldPath rp = SPEC.child(dir).index(i);
                List<ObjectNode> ports = Json.objects(rules.get(i), "ports");
                for (int p = 0; p < ports.size(); p++) {
                    FieldPath pp = rp.child("ports").index(p);
                    if (Json.has(ports.get(p), "protocol")) {
                        errs.addAll(PodValidation.protocol(Json.text(ports.get(p), "protocol"), pp.child("protocol")));
                    }
                    if (Json.has(ports.get(p), "port")) {
                        errs.addAll(PodValidation.portNumOrName(ports.get(p).get("port"), pp.child("port")));
                    }
                }
                String peers = dir.equals("ingress") ? "from" : "to";
                List<ObjectNode> peerList = Json.objects(rules.get(i), peers);
                for (int p = 0; p < peerList.size(); p++) {
                    ObjectNode peer = peerList.get(p);
                    FieldPath pp = rp.child(peers).index(p);
                    int n = 0;
                    if (Json.has(peer, "podSelector")) {
                        n++;
                        errs.addAll(LabelSelectors.validate(Json.obj(peer, "podSelector"), pp.child("podSelector")));
                    }
                    if (Json.has(peer, "namespaceSelector")) {
                        n++;
                        errs.addAll(LabelSelectors.validate(Json.obj(peer, "namespaceSelector"), pp.child("namespaceSelector")));
                    }
                    if (Json.has(peer, "ipBlock")) {
                        n++;
                    }
                    if (n == 0) {
                        errs.add(FieldError.required(pp, "must specify a peer"));
                    } else if (n > 1 && Json.has(peer, "ipBlock")) {
                        errs.add(FieldError.forbidden(pp, "may not specify both ipBlock and another peer"));
                    }
                }
            }
        }
        List<String> types = Json.strings(spec, "policyTypes");
        for (int i = 0; i < types.size(); i++) {
            if (!types.get(i).equals("Ingress") && !types.get(i).equals("Egress")) {
                errs.add(FieldError.notSupported(SPEC.child("policyTypes").index(i), types.get(i),
                        List.of("Ingress", "Egress")));
            }
        }
        if (types.size() > 2) {
            errs.add(FieldError.invalid(SPEC.child("policyTypes"), types, "may not specify more than two policyTypes"));
        }
        return errs;
    }
}
