package io.karst.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TablePrintersTest {

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
            "'', pods", "'', podtemplates", "'', replicationcontrollers", "'', services", "'', endpoints",
            "'', nodes", "'', events", "'', namespaces", "'', secrets", "'', serviceaccounts", "'', configmaps",
            "'', persistentvolumes", "'', persistentvolumeclaims", "'', resourcequotas", "'', componentstatuses",
            "apps, deployments", "apps, replicasets", "apps, statefulsets", "apps, daemonsets",
            "apps, controllerrevisions", "batch, jobs", "batch, cronjobs", "policy, poddisruptionbudgets",
            "autoscaling, horizontalpodautoscalers", "networking.k8s.io, ingresses",
            "networking.k8s.io, ingressclasses", "networking.k8s.io, networkpolicies",
            "networking.k8s.io, servicecidrs", "discovery.k8s.io, endpointslices",
            "storage.k8s.io, storageclasses", "storage.k8s.io, csidrivers", "storage.k8s.io, csinodes",
            "storage.k8s.io, csistoragecapacities", "storage.k8s.io, volumeattachments",
            "storage.k8s.io, volumeattributesclasses",
            "rbac.authorization.k8s.io, rolebindings", "rbac.authorization.k8s.io, clusterrolebindings",
            "coordination.k8s.io, leases", "scheduling.k8s.io, priorityclasses", "node.k8s.io, runtimeclasses",
            "admissionregistration.k8s.io, mutatingwebhookconfigurations",
            "admissionregistration.k8s.io, validatingwebhookconfigurations",
            "admissionregistration.k8s.io, validatingadmissionpolicies",
            "admissionregistration.k8s.io, validatingadmissionpolicybindings",
            "certificates.k8s.io, certificatesigningrequests", "events.k8s.io, events",
            "flowcontrol.apiserver.k8s.io, flowschemas", "flowcontrol.apiserver.k8s.io, prioritylevelconfigurations"})
    void everyBuiltInPrinterGivesOneCellPerColumnEvenForABareObject(String group, String resource) {
        assertTrue(TablePrinters.hasPrinter(group, resource));
        TablePrinter printer = TablePrinters.forResource(group, resource);
        List<Object> cells = printer.cells(Json.parse("{\"metadata\":{\"name\":\"x\"}}"), Json.NOW);
        assertEquals(printer.columnDefinitions().size(), cells.size());
        assertEquals(1, printer.columnDefinitions().stream().filter(c -> c.format().equals("name")
                && c.name().equals("Name")).count(), "one NAME column of format name");
        for (Column c : printer.columnDefinitions()) {
            assertFalse(c.description().isEmpty() && !c.name().equals("Handler"),
                    () -> "column " + c.name() + " of " + resource + " has no description");
        }
    }

    @Test
    void resourcesWithoutPrinterGetTheDefaultTable() {
        assertSame(DefaultTablePrinter.INSTANCE, TablePrinters.forResource("rbac.authorization.k8s.io", "roles"));
        assertSame(DefaultTablePrinter.INSTANCE, TablePrinters.forResource("rbac.authorization.k8s.io", "clusterroles"));
        assertSame(DefaultTablePrinter.INSTANCE, TablePrinters.forResource("", "limitranges"));
        assertSame(DefaultTablePrinter.INSTANCE, TablePrinters.forResource("example.com", "widgets"));
        assertFalse(TablePrinters.hasPrinter("", "limitranges"));
    }

    @Test
    void subresourcesPrintAsTheirResourceExceptScale() {
        assertEquals(TablePrinters.forResource("", "pods").columnDefinitions(),
                TablePrinters.forResource("", "pods/status").columnDefinitions());
        assertEquals(List.of("Name", "Desired", "Available", "Age"), TablePrinters.forResource("apps",
                "deployments/scale").columnDefinitions().stream().map(Column::name).toList());
    }

    @Test
    void descriptionsAreUpstreamFieldDocumentation() {
        assertTrue(ColumnDescriptions.has("ObjectMeta.name"));
        assertTrue(ColumnDescriptions.of("ServiceSpec.ports").startsWith("The list of ports that are exposed by this service."));
    }
}
