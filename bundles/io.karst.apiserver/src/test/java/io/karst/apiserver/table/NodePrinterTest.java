package io.karst.apiserver.table;

import static io.karst.apiserver.table.Json.NOW;
import static io.karst.apiserver.table.Json.ago;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class NodePrinterTest {
    private final NodePrinter printer = new NodePrinter();

    @Test
    void readyControlPlaneNodeShowsRolesVersionAndWideSystemInfo() {
        assertEquals(List.of("karst-1", "Ready", "control-plane,etcd,master", "3d4h", "v1.33.1+karst",
                "10.0.0.11", "<none>", "Ubuntu 24.04.2 LTS", "6.8.0-60-generic", "containerd://2.0.5"),
                printer.cells(Json.parse("""
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"karst-1","creationTimestamp":"%s",
                   "labels":{"kubernetes.io/hostname":"karst-1","node-role.kubernetes.io/control-plane":"true",
                     "node-role.kubernetes.io/master":"true","node-role.kubernetes.io/etcd":"true",
                     "node-role.kubernetes.io/":"ignored"}},
                 "spec":{"podCIDR":"10.42.0.0/24"},
                 "status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
                   "addresses":[{"type":"InternalIP","address":"10.0.0.11"},{"type":"Hostname","address":"karst-1"}],
                   "nodeInfo":{"kubeletVersion":"v1.33.1+karst","osImage":"Ubuntu 24.04.2 LTS",
                     "kernelVersion":"6.8.0-60-generic","containerRuntimeVersion":"containerd://2.0.5"}}}
                """.formatted(ago(3600 * 76))), NOW));
    }

    @Test
    void cordonedUnreadyWorkerWithLegacyRoleLabel() {
        assertEquals(List.of("w-2", "NotReady,SchedulingDisabled", "worker", "<unknown>", "", "192.0.2.4",
                "198.51.100.4", "<unknown>", "<unknown>", "<unknown>"), printer.cells(Json.parse("""
                {"metadata":{"name":"w-2","labels":{"kubernetes.io/role":"worker"}},"spec":{"unschedulable":true},
                 "status":{"conditions":[{"type":"Ready","status":"Unknown"}],
                   "addresses":[{"type":"ExternalIP","address":"198.51.100.4"},{"type":"InternalIP","address":"192.0.2.4"}]}}
                """), NOW));
    }

    @Test
    void nodeWithoutReadyConditionIsUnknownWithoutRoles() {
        List<Object> c = printer.cells(Json.parse("{\"metadata\":{\"name\":\"n\"}}"), NOW);
        assertEquals(List.of("Unknown", "<none>"), c.subList(1, 3));
    }
}
