package io.karst.apiserver.table;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The printer of each built-in resource, keyed by (group, plural resource) as upstream's storage wires its table
 * convertors. A resource with no printer gets upstream's default NAME / CREATED AT table.
 */
public final class TablePrinters {
    private static final TablePrinters BUILT_IN = new TablePrinters();

    private final Map<String, TablePrinter> printers = new HashMap<>();

    private TablePrinters() {
        core("pods", PodPrinter::new);
        core("podtemplates", CorePrinters::podTemplates);
        core("replicationcontrollers", CorePrinters::replicationControllers);
        core("services", ServicePrinter::new);
        core("endpoints", CorePrinters::endpoints);
        core("nodes", NodePrinter::new);
        core("events", EventPrinter::core);
        core("namespaces", CorePrinters::namespaces);
        core("secrets", CorePrinters::secrets);
        core("serviceaccounts", CorePrinters::serviceAccounts);
        core("configmaps", CorePrinters::configMaps);
        core("persistentvolumes", CorePrinters::persistentVolumes);
        core("persistentvolumeclaims", CorePrinters::persistentVolumeClaims);
        core("componentstatuses", CorePrinters::componentStatuses);
        core("resourcequotas", CorePrinters::resourceQuotas);
        add("apps", "deployments", WorkloadPrinters::deployments);
        add("apps", "replicasets", WorkloadPrinters::replicaSets);
        add("apps", "statefulsets", WorkloadPrinters::statefulSets);
        add("apps", "daemonsets", WorkloadPrinters::daemonSets);
        add("apps", "controllerrevisions", WorkloadPrinters::controllerRevisions);
        add("batch", "jobs", WorkloadPrinters::jobs);
        add("batch", "cronjobs", WorkloadPrinters::cronJobs);
        add("policy", "poddisruptionbudgets", WorkloadPrinters::podDisruptionBudgets);
        add("autoscaling", "horizontalpodautoscalers", HorizontalPodAutoscalerPrinter::new);
        add("networking.k8s.io", "ingresses", NetworkingPrinters::ingresses);
        add("networking.k8s.io", "ingressclasses", NetworkingPrinters::ingressClasses);
        add("networking.k8s.io", "networkpolicies", NetworkingPrinters::networkPolicies);
        add("networking.k8s.io", "servicecidrs", NetworkingPrinters::serviceCidrs);
        add("networking.k8s.io", "ipaddresses", NetworkingPrinters::ipAddresses);
        add("discovery.k8s.io", "endpointslices", NetworkingPrinters::endpointSlices);
        add("storage.k8s.io", "storageclasses", StoragePrinters::storageClasses);
        add("storage.k8s.io", "volumeattributesclasses", StoragePrinters::volumeAttributesClasses);
        add("storage.k8s.io", "csidrivers", StoragePrinters::csiDrivers);
        add("storage.k8s.io", "csinodes", StoragePrinters::csiNodes);
        add("storage.k8s.io", "csistoragecapacities", StoragePrinters::csiStorageCapacities);
        add("storage.k8s.io", "volumeattachments", StoragePrinters::volumeAttachments);
        add("rbac.authorization.k8s.io", "rolebindings", () -> ClusterPrinters.roleBindings(false));
        add("rbac.authorization.k8s.io", "clusterrolebindings", () -> ClusterPrinters.roleBindings(true));
        add("coordination.k8s.io", "leases", ClusterPrinters::leases);
        add("scheduling.k8s.io", "priorityclasses", ClusterPrinters::priorityClasses);
        add("node.k8s.io", "runtimeclasses", ClusterPrinters::runtimeClasses);
        add("admissionregistration.k8s.io", "mutatingwebhookconfigurations", ClusterPrinters::webhookConfigurations);
        add("admissionregistration.k8s.io", "validatingwebhookconfigurations", ClusterPrinters::webhookConfigurations);
        add("admissionregistration.k8s.io", "validatingadmissionpolicies", ClusterPrinters::validatingAdmissionPolicies);
        add("admissionregistration.k8s.io", "validatingadmissionpolicybindings",
                ClusterPrinters::validatingAdmissionPolicyBindings);
        add("certificates.k8s.io", "certificatesigningrequests", ClusterPrinters::certificateSigningRequests);
        add("events.k8s.io", "events", EventPrinter::eventsV1);
        add("flowcontrol.apiserver.k8s.io", "flowschemas", ClusterPrinters::flowSchemas);
        add("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", ClusterPrinters::priorityLevelConfigurations);
        add("metrics.k8s.io", "nodes", MetricsPrinters::nodes);
        add("metrics.k8s.io", "pods", MetricsPrinters::pods);
    }

    /** The registry of the built-in resources. */
    public static TablePrinters builtIn() {
        return BUILT_IN;
    }

    /**
     * The printer for a resource, its subresources included: {@code pods/status} prints as pods, every
     * {@code <resource>/scale} as a Scale. Never null: unknown resources get the default table.
     *
     * @param group the API group, "" for core
     * @param resource the plural resource name, optionally with {@code /subresource}
     */
    public static TablePrinter forResource(String group, String resource) {
        return BUILT_IN.lookup(group, resource);
    }

    /** Whether upstream has a dedicated printer (rather than the default table) for the resource. */
    public static boolean hasPrinter(String group, String resource) {
        return BUILT_IN.lookup(group, resource) != DefaultTablePrinter.INSTANCE;
    }

    TablePrinter lookup(String group, String resource) {
        int slash = resource.indexOf('/');
        if (slash >= 0) {
            String sub = resource.substring(slash + 1);
            if (sub.equals("scale")) {
                return SCALE;
            }
            resource = resource.substring(0, slash);
        }
        return printers.getOrDefault(key(group, resource), DefaultTablePrinter.INSTANCE);
    }

    private static final TablePrinter SCALE = WorkloadPrinters.scale();

    private void core(String resource, Supplier<TablePrinter> printer) {
        add("", resource, printer);
    }

    private void add(String group, String resource, Supplier<TablePrinter> printer) {
        printers.put(key(group, resource), printer.get());
    }

    private static String key(String group, String resource) {
        return (group == null ? "" : group) + "/" + resource;
    }
}
