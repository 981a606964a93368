package io.karst.apiserver.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Services: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, wide SELECTOR. EXTERNAL-IP depends on the type:
 * ClusterIP and NodePort show spec.externalIPs or {@code <none>}; LoadBalancer shows the load balancer's
 * addresses then the external IPs, or {@code <pending>}; ExternalName shows the external name. Ports read
 * {@code 80/TCP} or {@code 80:30080/TCP} with a node port.
 */
final class ServicePrinter implements TablePrinter {
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Type", "ServiceSpec.type"),
            Column.string("Cluster-IP", "ServiceSpec.clusterIP"),
            Column.string("External-IP", "ServiceSpec.externalIPs"),
            Column.string("Port(s)", "ServiceSpec.ports"),
            Column.age(),
            Column.string("Selector", "ServiceSpec.selector").wide());

    @Override
    public List<Column> columnDefinitions() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode svc, Instant now) {
        JsonNode spec = svc.path("spec");
        String clusterIp = Fields.text(spec.path("clusterIPs").path(0));
        String ports = ports(Fields.list(spec, "ports"));
        return List.of(Fields.name(svc), Fields.text(spec, "type"),
                clusterIp.isEmpty() ? Formats.NONE : clusterIp,
                externalIp(svc),
                ports.isEmpty() ? Formats.NONE : ports,
                Fields.age(svc, now),
                Formats.labels(spec.path("selector")));
    }

    static String externalIp(ObjectNode svc) {
        JsonNode spec = svc.path("spec");
        List<String> externalIps = new ArrayList<>();
        Fields.list(spec, "externalIPs").forEach(ip -> externalIps.add(ip.asText()));
        switch (Fields.text(spec, "type")) {
            case "ClusterIP", "NodePort":
                return externalIps.isEmpty() ? Formats.NONE : String.join(",", externalIps);
            case "LoadBalancer": {
                // the server prints the wide form, so the 16-character clipping of the narrow form never applies
                String lbIps = loadBalancerAddresses(svc.path("status").path("loadBalancer"));
                if (!externalIps.isEmpty()) {
                    List<String> results = new ArrayList<>();
                    if (!lbIps.isEmpty()) {
                        results.addAll(List.of(lbIps.split(",")));
                    }
                    results.addAll(externalIps);
                    return String.join(",", results);
                }
                return lbIps.isEmpty() ? "<pending>" : lbIps;
            }
            case "ExternalName":
                return Fields.text(spec, "externalName");
            default:
                return "<unknown>";
        }
    }

    /** The IPs (else hostnames) of a load balancer status, distinct and sorted. */
    static String loadBalancerAddresses(JsonNode loadBalancer) {
        List<String> addresses = new ArrayList<>();
        for (JsonNode ingress : Fields.list(loadBalancer, "ingress")) {
            String ip = Fields.text(ingress, "ip");
            String hostname = Fields.text(ingress, "hostname");
            if (!ip.isEmpty()) {
                addresses.add(ip);
            } else if (!hostname.isEmpty()) {
                addresses.add(hostname);
            }
        }
        return Formats.sortedUnique(addresses.iterator());
    }

    static String ports(List<JsonNode> ports) {
        List<String> pieces = new ArrayList<>();
        for (JsonNode port : ports) {
            long nodePort = Fields.integer(port, "nodePort");
            String protocol = Fields.text(port, "protocol");
            pieces.add(nodePort > 0 ? Fields.integer(port, "port") + ":" + nodePort + "/" + protocol
                    : Fields.integer(port, "port") + "/" + protocol);
        }
        return String.join(",", pieces);
    }
}
