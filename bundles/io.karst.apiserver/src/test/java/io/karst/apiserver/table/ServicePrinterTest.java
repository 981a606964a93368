package io.karst.apiserver.table;

import static io.karst.apiserver.table.Json.NOW;
import static io.karst.apiserver.table.Json.ago;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class ServicePrinterTest {
    private final ServicePrinter printer = new ServicePrinter();

    private List<Object> cells(String spec, String status) {
        return printer.cells(Json.parse("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","creationTimestamp":"%s"},
                 "spec":%s,"status":%s}""".formatted(ago(3600 * 26), spec, status)), NOW);
    }

    @Test
    void clusterIpServiceShowsItsPortsAndSelector() {
        assertEquals(List.of("svc", "ClusterIP", "10.43.12.7", "<none>", "80/TCP,53/UDP", "26h", "app=web,tier=fe"),
                cells("""
                {"type":"ClusterIP","clusterIP":"10.43.12.7","clusterIPs":["10.43.12.7"],
                 "selector":{"tier":"fe","app":"web"},
                 "ports":[{"port":80,"protocol":"TCP","targetPort":8080},{"name":"dns","port":53,"protocol":"UDP"}]}
                """, "{}"));
    }

    @Test
    void headlessServiceWithoutPortsOrSelector() {
        assertEquals(List.of("svc", "ClusterIP", "None", "<none>", "<none>", "26h", "<none>"),
                cells("{\"type\":\"ClusterIP\",\"clusterIP\":\"None\",\"clusterIPs\":[\"None\"]}", "{}"));
    }

    @Test
    void nodePortServiceShowsNodePortsAndExternalIps() {
        assertEquals(List.of("svc", "NodePort", "10.43.0.20", "192.0.2.10", "80:30080/TCP,443:30443/TCP", "26h",
                "app=web"), cells("""
                {"type":"NodePort","clusterIPs":["10.43.0.20"],"externalIPs":["192.0.2.10"],"selector":{"app":"web"},
                 "ports":[{"port":80,"nodePort":30080,"protocol":"TCP"},{"port":443,"nodePort":30443,"protocol":"TCP"}]}
                """, "{}"));
    }

    @Test
    void loadBalancerWithoutAddressIsPending() {
        assertEquals("<pending>", cells("""
                {"type":"LoadBalancer","clusterIPs":["10.43.0.21"],"ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]}
                """, "{\"loadBalancer\":{}}").get(3));
    }

    @Test
    void loadBalancerShowsSortedIngressAddressesThenExternalIpsUnclipped() {
        List<Object> c = cells("""
                {"type":"LoadBalancer","clusterIPs":["10.43.0.21"],"externalIPs":["198.51.100.7"],
                 "ports":[{"port":443,"nodePort":31443,"protocol":"TCP"}]}
                """, """
                {"loadBalancer":{"ingress":[{"ip":"203.0.113.9"},{"hostname":"lb.example.com"},{"ip":"203.0.113.5"},
                  {"ip":"203.0.113.9"}]}}""");
        assertEquals("203.0.113.5,203.0.113.9,lb.example.com,198.51.100.7", c.get(3));
        assertEquals("443:31443/TCP", c.get(4));
    }

    @Test
    void externalNameServiceShowsTheName() {
        assertEquals(List.of("svc", "ExternalName", "<none>", "db.example.com", "<none>", "26h", "<none>"),
                cells("{\"type\":\"ExternalName\",\"externalName\":\"db.example.com\"}", "{}"));
    }
}
