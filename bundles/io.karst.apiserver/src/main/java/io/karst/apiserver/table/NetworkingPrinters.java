package io.karst.apiserver.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Printers of networking.k8s.io and discovery.k8s.io resources. */
final class NetworkingPrinters {
    private NetworkingPrinters() {
    }

    static TablePrinter ingresses() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Class", "string",
                        "The name of the IngressClass resource that should be used for additional configuration"),
                Column.described("Hosts", "string",
                        "Hosts that incoming requests are matched against before the ingress rule"),
                Column.described("Address", "string",
                        "Address is a list containing ingress points for the load-balancer"),
                Column.described("Ports", "string", "Ports of TLS configurations that open"),
                Column.age()), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    String className = Fields.present(spec, "ingressClassName") ? Fields.text(spec, "ingressClassName")
                            : Formats.NONE;
                    return List.of(Fields.name(o), className, hosts(Fields.list(spec, "rules")),
                            ServicePrinter.loadBalancerAddresses(o.path("status").path("loadBalancer")),
                            Fields.size(spec, "tls") != 0 ? "80, 443" : "80", Fields.age(o, now));
                });
    }

    /** {@code formatHosts}: up to three hosts, {@code *} when no rule names one. */
    static String hosts(List<JsonNode> rules) {
        final int max = 3;
        List<String> list = new ArrayList<>();
        boolean more = false;
        for (JsonNode rule : rules) {
            if (list.size() == max) {
                more = true;
            }
            String host = Fields.text(rule, "host");
            if (!more && !host.isEmpty()) {
                list.add(host);
            }
        }
        if (list.isEmpty()) {
            return "*";
        }
        String joined = String.join(",", list);
        return more ? joined + " + " + (rules.size() - max) + " more..." : joined;
    }

    static TablePrinter ingressClasses() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Controller", "string", "Controller that is responsible for handling this class"),
                Column.described("Parameters", "string", "A reference to a resource with additional parameters"),
                Column.age()), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    String parameters = Formats.NONE;
                    if (Fields.present(spec, "parameters")) {
                        JsonNode p = spec.path("parameters");
                        parameters = Fields.text(p, "kind");
                        if (Fields.present(p, "apiGroup")) {
                            parameters += "." + Fields.text(p, "apiGroup");
                        }
                        parameters += "/" + Fields.text(p, "name");
                    }
                    return List.of(Fields.name(o), Fields.text(spec, "controller"), parameters, Fields.age(o, now));
                });
    }

    static TablePrinter networkPolicies() {
        return TablePrinter.of(List.of(Column.nameColumn(), Column.string("Pod-Selector", "NetworkPolicySpec.podSelector"),
                Column.age()), (o, now) -> List.of(Fields.name(o), podSelector(o), Fields.age(o, now)));
    }

    /** spec.podSelector is a struct, not a pointer, upstream: absent reads as the empty selector. */
    private static String podSelector(ObjectNode o) {
        JsonNode selector = o.path("spec").path("podSelector");
        return Formats.labelSelector(selector.isObject() ? selector
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
    }

    static TablePrinter endpointSlices() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.string("AddressType", "EndpointSlice.addressType"),
                Column.string("Ports", "EndpointSlice.ports"),
                Column.string("Endpoints", "EndpointSlice.endpoints"),
                Column.age()), (o, now) -> List.of(Fields.name(o), Fields.text(o, "addressType"),
                        slicePorts(Fields.list(o, "ports")), sliceEndpoints(Fields.list(o, "endpoints")),
                        Fields.age(o, now)));
    }

    static String slicePorts(List<JsonNode> ports) {
        final int max = 3;
        List<String> list = new ArrayList<>();
        boolean more = false;
        int count = 0;
        for (JsonNode port : ports) {
            if (list.size() < max) {
                if (Fields.present(port, "port")) {
                    list.add(Long.toString(Fields.integer(port, "port")));
                } else if (Fields.present(port, "name")) {
                    list.add(Fields.text(port, "name"));
                } else {
                    list.add("*");
                }
            } else if (list.size() == max) {
                more = true;
            }
            count++;
        }
        return Formats.listWithMore(list, more, count, max);
    }

    static String sliceEndpoints(List<JsonNode> endpoints) {
        final int max = 3;
        List<String> list = new ArrayList<>();
        boolean more = false;
        int count = 0;
        for (JsonNode endpoint : endpoints) {
            for (JsonNode address : Fields.list(endpoint, "addresses")) {
                if (list.size() < max) {
                    list.add(address.asText());
                } else if (list.size() == max) {
                    more = true;
                }
                count++;
            }
        }
        return Formats.listWithMore(list, more, count, max);
    }

    static TablePrinter serviceCidrs() {
        return TablePrinter.of(List.of(Column.nameColumn(), Column.string("CIDRs", "ServiceCIDRSpec.cidrs"), Column.age()),
                (o, now) -> {
                    List<String> cidrs = new ArrayList<>();
                    Fields.list(o, "spec", "cidrs").forEach(c -> cidrs.add(c.asText()));
                    return List.of(Fields.name(o), String.join(",", cidrs), Fields.age(o, now));
                });
    }

    /**
     * IPAddresses: upstream declares NAME and PARENTREF but fills a third AGE cell; the row is reproduced as
     * upstream sends it.
     */
    static TablePrinter ipAddresses() {
        return TablePrinter.of(List.of(Column.nameColumn(), Column.string("ParentRef", "IPAddressSpec.parentRef")),
                (o, now) -> {
                    String parent = Formats.NONE;
                    JsonNode ref = o.path("spec").path("parentRef");
                    if (ref.isObject()) {
                        String resource = Fields.text(ref, "resource");
                        String group = Fields.text(ref, "group");
                        parent = (group.isEmpty() ? resource : resource + "." + group).toLowerCase(Locale.ROOT);
                        if (!Fields.text(ref, "namespace").isEmpty()) {
                            parent += "/" + Fields.text(ref, "namespace");
                        }
                        parent += "/" + Fields.text(ref, "name");
                    }
                    return List.of(Fields.name(o), parent, Fields.age(o, now));
                });
    }
}
