package io.karst.apiserver.table;

import static io.karst.apiserver.table.Json.NOW;
import static io.karst.apiserver.table.Json.ago;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class OtherPrintersTest {

    private static List<Object> cells(TablePrinter printer, String json) {
        return printer.cells(Json.parse(json), NOW);
    }

    @Test
    void endpointsShowThreeAddressesThenHowManyMore() {
        assertEquals(List.of("web", "10.42.0.5:8080,10.42.0.6:8080,[fd00::7]:8080 + 4 more...", "<unknown>"),
                cells(CorePrinters.endpoints(), """
                {"metadata":{"name":"web"},"subsets":[
                  {"addresses":[{"ip":"10.42.0.5"},{"ip":"10.42.0.6"},{"ip":"fd00::7"}],
                   "ports":[{"name":"http","port":8080},{"name":"metrics","port":9090}]},
                  {"addresses":[{"ip":"10.42.1.2"}]}]}"""));
        assertEquals("<none>", cells(CorePrinters.endpoints(), "{\"metadata\":{\"name\":\"e\"}}").get(1));
    }

    @Test
    void endpointSliceShowsPortsAndAddressesOrUnset() {
        assertEquals(List.of("web-abc", "IPv4", "8080,metrics,*", "10.42.0.5,10.42.0.6", "<unknown>"),
                cells(NetworkingPrinters.endpointSlices(), """
                {"metadata":{"name":"web-abc"},"addressType":"IPv4",
                 "ports":[{"port":8080},{"name":"metrics"},{}],
                 "endpoints":[{"addresses":["10.42.0.5"]},{"addresses":["10.42.0.6"]}]}"""));
        assertEquals(List.of("<unset>", "<unset>"), cells(NetworkingPrinters.endpointSlices(),
                "{\"metadata\":{\"name\":\"s\"},\"addressType\":\"IPv4\"}").subList(2, 4));
    }

    @Test
    void ingressShowsClassHostsAddressAndTlsPorts() {
        assertEquals(List.of("site", "traefik", "a.example.com,b.example.com,c.example.com + 1 more...",
                "192.0.2.10", "80, 443", "<unknown>"), cells(NetworkingPrinters.ingresses(), """
                {"metadata":{"name":"site"},"spec":{"ingressClassName":"traefik","tls":[{"hosts":["a.example.com"]}],
                  "rules":[{"host":"a.example.com"},{"host":"b.example.com"},{"host":"c.example.com"},{"host":"d.example.com"}]},
                 "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}"""));
        assertEquals(List.of("<none>", "*", "", "80"), cells(NetworkingPrinters.ingresses(),
                "{\"metadata\":{\"name\":\"i\"},\"spec\":{\"rules\":[{}]}}").subList(1, 5));
    }

    @Test
    void ingressClassParametersNameKindGroupAndName() {
        assertEquals(List.of("nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb",
                "<unknown>"), cells(NetworkingPrinters.ingressClasses(), """
                {"metadata":{"name":"nginx"},"spec":{"controller":"k8s.io/ingress-nginx",
                  "parameters":{"apiGroup":"k8s.example.com","kind":"IngressParameters","name":"external-lb"}}}"""));
    }

    @Test
    void networkPolicyWithEmptySelectorSelectsNone() {
        assertEquals("<none>", cells(NetworkingPrinters.networkPolicies(),
                "{\"metadata\":{\"name\":\"deny\"},\"spec\":{\"podSelector\":{}}}").get(1));
        assertEquals("role=db", cells(NetworkingPrinters.networkPolicies(),
                "{\"metadata\":{\"name\":\"db\"},\"spec\":{\"podSelector\":{\"matchLabels\":{\"role\":\"db\"}}}}").get(1));
    }

    @Test
    void defaultStorageClassIsMarkedAndUnsetFieldsShowTheirDefaults() {
        assertEquals(List.of("local-path (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", false,
                "<unknown>"), cells(StoragePrinters.storageClasses(), """
                {"metadata":{"name":"local-path","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
                 "provisioner":"rancher.io/local-path","volumeBindingMode":"WaitForFirstConsumer"}"""));
        assertEquals(List.of("fast", "", "Retain", "Immediate", true, "<unknown>"), cells(StoragePrinters.storageClasses(),
                "{\"metadata\":{\"name\":\"fast\"},\"reclaimPolicy\":\"Retain\",\"allowVolumeExpansion\":true}"));
    }

    @Test
    void persistentVolumeAndClaimShowCapacityModesClaimAndClass() {
        assertEquals(List.of("pv-1", "10Gi", "RWO,RWX", "Retain", "Bound", "default/data", "slow", "<unset>", "",
                "<unknown>", "Filesystem"), cells(CorePrinters.persistentVolumes(), """
                {"metadata":{"name":"pv-1","annotations":{"volume.beta.kubernetes.io/storage-class":"slow"}},
                 "spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteMany","ReadWriteOnce","ReadWriteOnce"],
                   "persistentVolumeReclaimPolicy":"Retain","storageClassName":"fast","volumeMode":"Filesystem",
                   "claimRef":{"namespace":"default","name":"data"}},
                 "status":{"phase":"Bound"}}"""));
        assertEquals(List.of("data", "Pending", "", "", "", "local-path", "<unset>", "<unknown>", "Filesystem"),
                cells(CorePrinters.persistentVolumeClaims(), """
                {"metadata":{"name":"data"},"spec":{"storageClassName":"local-path","volumeMode":"Filesystem",
                  "resources":{"requests":{"storage":"1Gi"}}},"status":{"phase":"Pending"}}"""));
        assertEquals(List.of("Bound", "pvc-9f1", "1Gi", "RWOP"), cells(CorePrinters.persistentVolumeClaims(), """
                {"metadata":{"name":"data"},"spec":{"volumeName":"pvc-9f1"},
                 "status":{"phase":"Bound","capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOncePod"]}}""")
                .subList(1, 5));
    }

    @Test
    void secretsServiceAccountsAndConfigMapsCountTheirEntries() {
        assertEquals(List.of("tls", "kubernetes.io/tls", 2L, "<unknown>"), cells(CorePrinters.secrets(),
                "{\"metadata\":{\"name\":\"tls\"},\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"\",\"tls.key\":\"\"}}"));
        assertEquals(List.of("default", 0L, "<unknown>"), cells(CorePrinters.serviceAccounts(),
                "{\"metadata\":{\"name\":\"default\"}}"));
        assertEquals(3L, cells(CorePrinters.configMaps(),
                "{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\",\"b\":\"2\"},\"binaryData\":{\"c\":\"AA==\"}}").get(1));
    }

    @Test
    void resourceQuotaSplitsRequestsFromLimits() {
        assertEquals(List.of("compute", "pods: 3/10, requests.cpu: 500m/2, requests.memory: 0/4Gi",
                "limits.cpu: 1/4, limits.memory: 512Mi/8Gi", "<unknown>"), cells(CorePrinters.resourceQuotas(), """
                {"metadata":{"name":"compute"},"status":{
                  "hard":{"requests.cpu":"2","requests.memory":"4Gi","limits.cpu":"4","limits.memory":"8Gi","pods":"10"},
                  "used":{"requests.cpu":"500m","limits.cpu":"1","limits.memory":"512Mi","pods":"3"}}}"""));
    }

    @Test
    void roleBindingShowsRoleAndSubjectsByKind() {
        assertEquals(List.of("view", "ClusterRole/view", "<unknown>", "alice, bob", "devs",
                "default/ci, tools/deployer"), cells(ClusterPrinters.roleBindings(false), """
                {"metadata":{"name":"view"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
                 "subjects":[{"kind":"User","name":"alice"},{"kind":"ServiceAccount","name":"ci","namespace":"default"},
                   {"kind":"Group","name":"devs"},{"kind":"User","name":"bob"},
                   {"kind":"ServiceAccount","name":"deployer","namespace":"tools"}]}"""));
    }

    @Test
    void horizontalPodAutoscalerTargetsListTwoMetricsThenMore() {
        TablePrinter hpa = new HorizontalPodAutoscalerPrinter();
        assertEquals(List.of("web", "Deployment/web", "cpu: 35%/80%, memory: <unknown>/512Mi + 1 more...", "2", 10L,
                3L, "<unknown>"), cells(hpa, """
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
                   "minReplicas":2,"maxReplicas":10,"metrics":[
                     {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}},
                     {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"512Mi"}}},
                     {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}}]},
                 "status":{"currentReplicas":3,"currentMetrics":[
                   {"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":35,"averageValue":"120m"}}}]}}"""));
        assertEquals(List.of("cpu: <unknown>/50%", "<unset>"), cells(hpa, """
                {"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"old"},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"old"},"maxReplicas":4,
                   "targetCPUUtilizationPercentage":50}}""").subList(2, 4));
        assertEquals("<none>", cells(hpa, "{\"apiVersion\":\"autoscaling/v2\",\"metadata\":{\"name\":\"n\"},\"spec\":{}}").get(2));
    }

    @Test
    void certificateSigningRequestConditionOrdersDeniedApprovedPending() {
        assertEquals(List.of("node-csr-1", "<unknown>", "kubernetes.io/kube-apiserver-client-kubelet",
                "system:node:node-a", "24h", "Approved,Issued"), cells(ClusterPrinters.certificateSigningRequests(), """
                {"metadata":{"name":"node-csr-1"},"spec":{"signerName":"kubernetes.io/kube-apiserver-client-kubelet",
                  "username":"system:node:node-a","expirationSeconds":86400,"request":"cmVx"},
                 "status":{"conditions":[{"type":"Approved","status":"True"}],"certificate":"Y2VydA=="}}"""));
        assertEquals("Denied,Failed", ClusterPrinters.csrCondition(Json.parse(
                "{\"status\":{\"conditions\":[{\"type\":\"Approved\"},{\"type\":\"Denied\"},{\"type\":\"Failed\"}]}}")));
        assertEquals("Pending", ClusterPrinters.csrCondition(Json.parse("{}")));
    }

    @Test
    void leasesPriorityClassesWebhooksAndCsiDrivers() {
        assertEquals(List.of("kube-scheduler", "karst-1_7f3c", "<unknown>"), cells(ClusterPrinters.leases(),
                "{\"metadata\":{\"name\":\"kube-scheduler\"},\"spec\":{\"holderIdentity\":\"karst-1_7f3c\"}}"));
        assertEquals(List.of("system-node-critical", 2000001000L, false, "<unknown>", "PreemptLowerPriority"),
                cells(ClusterPrinters.priorityClasses(), """
                {"metadata":{"name":"system-node-critical"},"value":2000001000,"preemptionPolicy":"PreemptLowerPriority"}"""));
        assertEquals(2L, cells(ClusterPrinters.webhookConfigurations(),
                "{\"metadata\":{\"name\":\"w\"},\"webhooks\":[{},{}]}").get(1));
        assertEquals(List.of("csi.example.com", true, false, false, "<unset>", false, "Persistent,Ephemeral",
                "<unknown>"), cells(StoragePrinters.csiDrivers(), """
                {"metadata":{"name":"csi.example.com"},"spec":{"volumeLifecycleModes":["Persistent","Ephemeral"]}}"""));
    }

    @Test
    void flowSchemasListInMatchingPrecedenceOrder() {
        var order = ClusterPrinters.flowSchemas().rowOrder();
        var items = new java.util.ArrayList<>(List.of(
                Json.parse("{\"metadata\":{\"name\":\"global-default\"},\"spec\":{\"matchingPrecedence\":9900}}"),
                Json.parse("{\"metadata\":{\"name\":\"exempt\"},\"spec\":{\"matchingPrecedence\":1}}"),
                Json.parse("{\"metadata\":{\"name\":\"catch-all\"},\"spec\":{\"matchingPrecedence\":10000}}"),
                Json.parse("{\"metadata\":{\"name\":\"a-probes\"},\"spec\":{\"matchingPrecedence\":1}}")));
        items.sort(order);
        assertEquals(List.of("a-probes", "exempt", "global-default", "catch-all"),
                items.stream().map(Fields::name).toList());
    }

    @Test
    void defaultTableShowsNameAndCreationTimeInUtc() {
        assertEquals(List.of("admin", "2025-04-30T10:15:00Z"), cells(DefaultTablePrinter.INSTANCE,
                "{\"metadata\":{\"name\":\"admin\",\"creationTimestamp\":\"2025-04-30T12:15:00+02:00\"}}"));
        assertEquals(List.of("Name", "Created At"),
                DefaultTablePrinter.INSTANCE.columnDefinitions().stream().map(Column::name).toList());
        assertEquals("date", DefaultTablePrinter.INSTANCE.columnDefinitions().get(1).type());
    }
}
