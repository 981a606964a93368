package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Upstream's {@code ValidateService} and {@code ValidateServiceUpdate}, plus the node-port range check the
 * node-port allocator applies at create. Expects a defaulted Service whose {@code clusterIPs} the REST layer has
 * filled from {@code clusterIP}.
 */
public final class ServiceValidation {
    public static final int NODE_PORT_MIN = 30000;
    public static final int NODE_PORT_MAX = 32767;
    private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");

    private ServiceValidation() {
    }

    static boolean isHeadless(ObjectNode spec) {
        List<String> ips = Json.strings(spec, "clusterIPs");
        return !ips.isEmpty() ? ips.get(0).equals("None") : Json.text(spec, "clusterIP").equals("None");
    }

    static boolean externallyAccessible(ObjectNode spec) {
        String type = Json.text(spec, "type");
        return type.equals("LoadBalancer") || type.equals("NodePort")
                || type.equals("ClusterIP") && !Json.list(spec, "externalIPs").isEmpty();
    }

    public static List<FieldError> validateCreate(ObjectNode svc) {
        List<FieldError> errs = validate(svc);
        errs.addAll(nodePortRange(svc, NODE_PORT_MIN, NODE_PORT_MAX));
        return errs;
    }

    public static List<FieldError> validate(ObjectNode svc) {
        FieldPath metaPath = FieldPath.root("metadata");
        List<FieldError> errs = ObjectMetaValidation.validate(ObjectMetaValidation.metadata(svc), true,
                NameRule.DNS1035_LABEL, metaPath);
        ObjectNode spec = Json.obj(svc, "spec");
        if (spec == null) {
            spec = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        FieldPath specPath = FieldPath.root("spec");
        String type = Json.text(spec, "type");
        boolean headless = isHeadless(spec);
        List<ObjectNode> ports = Json.objects(spec, "ports");
        if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
            errs.add(FieldError.required(specPath.child("ports"), ""));
        }
        List<String> clusterIPs = Json.strings(spec, "clusterIPs");
        switch (type) {
            case "LoadBalancer", "NodePort" -> {
                if (headless) {
                    errs.add(FieldError.invalid(specPath.child("clusterIPs").index(0), "None",
                            "may not be set to 'None' for " + type + " services"));
                }
            }
            case "ExternalName" -> {
                if (!clusterIPs.isEmpty()) {
                    errs.add(FieldError.forbidden(specPath.child("clusterIPs"), "may not be set for ExternalName services"));
                }
                if (!Json.list(spec, "ipFamilies").isEmpty()) {
                    errs.add(FieldError.forbidden(specPath.child("ipFamilies"), "may not be set for ExternalName services"));
                }
                if (Json.has(spec, "ipFamilyPolicy")) {
                    errs.add(FieldError.forbidden(specPath.child("ipFamilyPolicy"),
                            "may not be set for ExternalName services"));
                }
                String cname = Json.text(spec, "externalName");
                if (cname.endsWith(".")) {
                    cname = cname.substring(0, cname.length() - 1);
                }
                if (cname.isEmpty()) {
                    errs.add(FieldError.required(specPath.child("externalName"), ""));
                } else {
                    errs.addAll(PodValidation.dnsSubdomain(cname, specPath.child("externalName")));
                }
            }
            default -> { }
        }
        Set<String> portNames = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            errs.addAll(servicePort(ports.get(i), ports.size() > 1, portNames, specPath.child("ports").index(i)));
        }
        if (Json.has(spec, "selector")) {
            errs.addAll(ObjectMetaValidation.labels(Json.stringMap(spec, "selector"), specPath.child("selector")));
        }
        String affinity = Json.text(spec, "sessionAffinity");
        if (affinity.isEmpty()) {
            errs.add(FieldError.required(specPath.child("sessionAffinity"), ""));
        } else if (!affinity.equals("ClientIP") && !affinity.equals("None")) {
            errs.add(FieldError.notSupported(specPath.child("sessionAffinity"), affinity, List.of("ClientIP", "None")));
        }
        if (affinity.equals("ClientIP")) {
            errs.addAll(clientIpConfig(Json.obj(spec, "sessionAffinityConfig"), specPath.child("sessionAffinityConfig")));
        } else if (affinity.equals("None") && Json.has(spec, "sessionAffinityConfig")) {
            errs.add(FieldError.forbidden(specPath.child("sessionAffinityConfig"),
                    "must not be set when session affinity is None"));
        }
        errs.addAll(clusterIpFields(spec, specPath));
        List<String> externalIPs = Json.strings(spec, "externalIPs");
        for (int i = 0; i < externalIPs.size(); i++) {
            FieldPath ip = specPath.child("externalIPs").index(i);
            List<FieldError> ipErrs = IpAddresses.validIp(ip, externalIPs.get(i));
            errs.addAll(ipErrs.isEmpty() ? IpAddresses.nonSpecialIp(ip, externalIPs.get(i)) : ipErrs);
        }
        if (type.isEmpty()) {
            errs.add(FieldError.required(specPath.child("type"), ""));
        } else if (!TYPES.contains(type)) {
            errs.add(FieldError.notSupported(specPath.child("type"), type, TYPES));
        }
        if (type.equals("ClusterIP")) {
            for (int i = 0; i < ports.size(); i++) {
                if (Json.integer(ports.get(i), "nodePort", 0) != 0) {
                    errs.add(FieldError.forbidden(specPath.child("ports").index(i).child("nodePort"),
                            "may not be used when `type` is 'ClusterIP'"));
                }
            }
        }
        Set<String> nodePorts = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            long np = Json.integer(ports.get(i), "nodePort", 0);
            if (np != 0 && !nodePorts.add(Json.text(ports.get(i), "protocol") + "/" + np)) {
                errs.add(FieldError.duplicate(specPath.child("ports").index(i).child("nodePort"), np));
            }
        }
        Set<String> portKeys = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            String protocol = Json.text(ports.get(i), "protocol");
            long port = Json.integer(ports.get(i), "port", 0);
            if (!portKeys.add(protocol + "/" + port)) {
                errs.add(FieldError.duplicate(specPath.child("ports").index(i), new GoValues.Literal(
                        "core.ServicePort{Name:\"\", Protocol:" + GoValues.quote(protocol)
                                + ", AppProtocol:(*string)(nil), Port:" + port
                                + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}")));
            }
        }
        List<String> ranges = Json.strings(spec, "loadBalancerSourceRanges");
        if (!ranges.isEmpty() && !type.equals("LoadBalancer")) {
            errs.add(FieldError.forbidden(specPath.child("LoadBalancerSourceRanges"),
                    "may only be used when `type` is 'LoadBalancer'"));
        }
        if (Json.has(spec, "allocateLoadBalancerNodePorts") && !type.equals("LoadBalancer")) {
            errs.add(FieldError.forbidden(specPath.child("allocateLoadBalancerNodePorts"),
                    "may only be used when `type` is 'LoadBalancer'"));
        }
        if (type.equals("LoadBalancer") && !Json.has(spec, "allocateLoadBalancerNodePorts")) {
            // Upstream reports this one at the root path, without "spec.".
            errs.add(FieldError.required(FieldPath.root("allocateLoadBalancerNodePorts"), ""));
        }
        errs.addAll(trafficPolicies(spec, specPath));
        return errs;
    }

    private static List<FieldError> servicePort(ObjectNode sp, boolean requireName, Set<String> names, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String name = Json.text(sp, "name");
        if (requireName && name.isEmpty()) {
            errs.add(FieldError.required(path.child("name"), ""));
        } else if (!name.isEmpty()) {
            errs.addAll(PodValidation.dnsLabel(name, path.child("name")));
            if (!names.add(name)) {
                errs.add(FieldError.duplicate(path.child("name"), name));
            }
        }
        long port = Json.integer(sp, "port", 0);
        for (String msg : Formats.portNumber(port)) {
            errs.add(FieldError.invalid(path.child("port"), port, msg));
        }
        errs.addAll(PodValidation.protocol(Json.text(sp, "protocol"), path.child("protocol")));
        errs.addAll(PodValidation.portNumOrName(sp.get("targetPort"), path.child("targetPort")));
        if (Json.has(sp, "appProtocol")) {
            errs.addAll(PodValidation.qualifiedName(Json.text(sp, "appProtocol"), path.child("appProtocol")));
        }
        return errs;
    }

    private static List<FieldError> clientIpConfig(ObjectNode cfg, FieldPath path) {
        String why = "when session affinity type is ClientIP";
        if (cfg == null) {
            return List.of(FieldError.required(path, why));
        }
        ObjectNode clientIP = Json.obj(cfg, "clientIP");
        if (clientIP == null) {
            return List.of(FieldError.required(path.child("clientIP"), why));
        }
        Long timeout = Json.integer(clientIP, "timeoutSeconds");
        if (timeout == null) {
            return List.of(FieldError.required(path.child("clientIP").child("timeoutSeconds"), why));
        }
        if (timeout <= 0 || timeout > 86400) {
            return List.of(FieldError.invalid(path.child("clientIP").child("timeoutSeconds"), timeout,
                    "must be greater than 0 and less than 86400"));
        }
        return List.of();
    }

    private static List<FieldError> clusterIpFields(ObjectNode spec, FieldPath specPath) {
        List<FieldError> errs = new ArrayList<>();
        List<String> clusterIPs = Json.strings(spec, "clusterIPs");
        String clusterIP = Json.text(spec, "clusterIP");
        if (!clusterIPs.isEmpty() && !clusterIP.isEmpty() && !clusterIPs.get(0).equals(clusterIP)) {
            errs.add(FieldError.invalid(specPath.child("clusterIPs"), clusterIPs, "first value must match `clusterIP`"));
        }
        for (int i = 0; i < clusterIPs.size(); i++) {
            String ip = clusterIPs.get(i);
            if (ip.equals("None") && i == 0) {
                continue;
            }
            if (IpAddresses.parseSloppy(ip) == null) {
                errs.add(FieldError.invalid(specPath.child("clusterIPs").index(i), ip,
                        "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
            }
        }
        if (Json.has(spec, "ipFamilyPolicy")) {
            String p = Json.text(spec, "ipFamilyPolicy");
            List<String> valid = List.of("PreferDualStack", "RequireDualStack", "SingleStack");
            if (!valid.contains(p)) {
                errs.add(FieldError.notSupported(specPath.child("ipFamilyPolicy"), p, valid));
            }
        }
        List<String> families = Json.strings(spec, "ipFamilies");
        for (int i = 0; i < families.size(); i++) {
            if (!families.get(i).equals("IPv4") && !families.get(i).equals("IPv6")) {
                errs.add(FieldError.notSupported(specPath.child("ipFamilies").index(i), families.get(i),
                        List.of("IPv4", "IPv6")));
            }
        }
        return errs;
    }

    private static List<FieldError> trafficPolicies(ObjectNode spec, FieldPath specPath) {
        List<FieldError> errs = new ArrayList<>();
        String etp = Json.text(spec, "externalTrafficPolicy");
        if (!externallyAccessible(spec)) {
            if (!etp.isEmpty()) {
                errs.add(FieldError.invalid(specPath.child("externalTrafficPolicy"), etp,
                        "may only be set for externally-accessible services"));
            }
        } else if (etp.isEmpty()) {
            errs.add(FieldError.required(specPath.child("externalTrafficPolicy"), ""));
        } else if (!etp.equals("Cluster") && !etp.equals("Local")) {
            errs.add(FieldError.notSupported(specPath.child("externalTrafficPolicy"), etp, List.of("Cluster", "Local")));
        }
        boolean needsHealthCheck = Json.text(spec, "type").equals("LoadBalancer") && etp.equals("Local");
        long hc = Json.integer(spec, "healthCheckNodePort", 0);
        if (!needsHealthCheck && hc != 0) {
            errs.add(FieldError.invalid(specPath.child("healthCheckNodePort"), hc,
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
        }
        String type = Json.text(spec, "type");
        if (!Json.has(spec, "internalTrafficPolicy")) {
            if (type.equals("NodePort") || type.equals("LoadBalancer") || type.equals("ClusterIP")) {
                errs.add(FieldError.required(specPath.child("internalTrafficPolicy"), ""));
            }
        } else {
            String itp = Json.text(spec, "internalTrafficPolicy");
            if (!itp.equals("Cluster") && !itp.equals("Local")) {
                errs.add(FieldError.notSupported(specPath.child("internalTrafficPolicy"), itp, List.of("Cluster", "Local")));
            }
        }
        if (Json.has(spec, "trafficDistribution") && !Json.text(spec, "trafficDistribution").equals("PreferClose")) {
            errs.add(FieldError.notSupported(specPath.child("trafficDistribution"), Json.text(spec, "trafficDistribution"),
                    List.of("PreferClose")));
        }
        return errs;
    }

    public static List<FieldError> validateUpdate(ObjectNode svc, ObjectNode old) {
        List<FieldError> errs = ObjectMetaValidation.validateUpdate(ObjectMetaValidation.metadata(svc),
                ObjectMetaValidation.metadata(old), FieldPath.root("metadata"));
        ObjectNode spec = Json.obj(svc, "spec");
        ObjectNode oldSpec = Json.obj(old, "spec");
        String type = Json.text(spec, "type");
        String oldType = Json.text(oldSpec, "type");
        if (!type.equals("ExternalName") && !oldType.equals("ExternalName")) {
            List<String> oldIPs = Json.strings(oldSpec, "clusterIPs");
            List<String> newIPs = Json.strings(spec, "clusterIPs");
            if (!oldIPs.isEmpty() && (newIPs.isEmpty() || !newIPs.get(0).equals(oldIPs.get(0)))) {
                errs.add(FieldError.invalid(FieldPath.root("spec", "clusterIPs").index(0), newIPs,
                        "may not change once set"));
            }
        }
        errs.addAll(validate(svc));
        return errs;
    }

    /** The node-port allocator's range check: ports a user asks for must lie in the configured range. */
    public static List<FieldError> nodePortRange(ObjectNode svc, int min, int max) {
        List<FieldError> errs = new ArrayList<>();
        List<ObjectNode> ports = Json.objects(Json.obj(svc, "spec"), "ports");
        for (int i = 0; i < ports.size(); i++) {
            long np = Json.integer(ports.get(i), "nodePort", 0);
            if (np != 0 && (np < min || np > max)) {
                errs.add(FieldError.invalid(FieldPath.root("spec", "ports").index(i).child("nodePort"), np,
                        "provided port is not in the valid range. The range of valid ports is " + min + "-" + max));
            }
        }
        return errs;
    }

    static JsonNode spec(ObjectNode svc) {
        return Json.obj(svc, "spec");
    }
}
