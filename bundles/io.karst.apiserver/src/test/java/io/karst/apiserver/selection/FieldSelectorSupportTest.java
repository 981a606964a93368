package io.karst.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class FieldSelectorSupportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FieldSelectorSupport PODS = FieldSelectorSupport.forResource("", "pods", true);
    private static final FieldSelectorSupport EVENTS = FieldSelectorSupport.forResource("", "events", true);
    private static final FieldSelectorSupport SECRETS = FieldSelectorSupport.forResource("", "secrets", true);

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static String refusal(FieldSelectorSupport support, String selector) {
        return assertThrows(InvalidSelectorException.class,
                () -> support.convert(FieldSelector.parse(selector))).getMessage();
    }

    private static boolean matches(FieldSelectorSupport support, String selector, JsonNode object) {
        return support.matches(support.convert(FieldSelector.parse(selector)), object);
    }

    @Test
    void podsAcceptUpstreamsLabelsAndRefuseOthers() {
        assertEquals(Set.of("metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
                "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP",
                "status.podIPs", "status.nominatedNodeName", "spec.host"), PODS.acceptedLabels());
        assertEquals("field label not supported: foo", refusal(PODS, "foo=bar"));
        assertEquals("field label not supported: spec.containers", refusal(PODS, "spec.containers=x"));
    }

    @Test
    void podFieldValuesComeFromTheObject() throws Exception {
        JsonNode pod = json("{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},"
                + "\"spec\":{\"nodeName\":\"node-a\",\"restartPolicy\":\"Always\",\"schedulerName\":\"default-scheduler\","
                + "\"serviceAccountName\":\"sa\",\"hostNetwork\":true},"
                + "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.9\",\"podIPs\":[{\"ip\":\"10.0.0.5\"}],"
                + "\"nominatedNodeName\":\"node-b\"}}");
        Map<String, String> fields = PODS.fieldsOf(pod);
        assertEquals("web", fields.get("metadata.name"));
        assertEquals("default", fields.get("metadata.namespace"));
        assertEquals("node-a", fields.get("spec.nodeName"));
        assertEquals("Always", fields.get("spec.restartPolicy"));
        assertEquals("default-scheduler", fields.get("spec.schedulerName"));
        assertEquals("sa", fields.get("spec.serviceAccountName"));
        assertEquals("true", fields.get("spec.hostNetwork"));
        assertEquals("Running", fields.get("status.phase"));
        assertEquals("10.0.0.5", fields.get("status.podIP"), "the first of podIPs wins");
        assertEquals("node-b", fields.get("status.nominatedNodeName"));
        assertTrue(matches(PODS, "spec.nodeName=node-a,status.phase!=Pending", pod));
        assertFalse(matches(PODS, "status.podIPs=10.0.0.5", pod), "upstream accepts podIPs but never fills it");
    }

    @Test
    void podDefaultsAndLegacySpecHost() throws Exception {
        JsonNode pending = json("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{},"
                + "\"status\":{\"podIP\":\"10.1.1.1\"}}");
        assertEquals("false", PODS.fieldsOf(pending).get("spec.hostNetwork"));
        assertEquals("10.1.1.1", PODS.fieldsOf(pending).get("status.podIP"));
        assertTrue(matches(PODS, "spec.nodeName=", pending), "an unscheduled pod has an empty node name");
        assertEquals("spec.nodeName=n1", PODS.convert(FieldSelector.parse("spec.host=n1")).toString());
    }

    @Test
    void eventsAcceptInvolvedObjectFieldsAndTheRest() throws Exception {
        JsonNode event = json("{\"apiVersion\":\"v1\",\"kind\":\"Event\","
                + "\"metadata\":{\"name\":\"e\",\"namespace\":\"default\"},"
                + "\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"default\",\"name\":\"web\",\"uid\":\"u-1\","
                + "\"apiVersion\":\"v1\",\"resourceVersion\":\"42\",\"fieldPath\":\"spec.containers{c}\"},"
                + "\"reason\":\"Pulled\",\"reportingComponent\":\"kubelet\",\"type\":\"Normal\"}");
        for (String selector : List.of("involvedObject.kind=Pod", "involvedObject.namespace=default",
                "involvedObject.name=web", "involvedObject.uid=u-1", "involvedObject.apiVersion=v1",
                "involvedObject.resourceVersion=42", "involvedObject.fieldPath=spec.containers{c}", "reason=Pulled",
                "reportingComponent=kubelet", "type=Normal", "metadata.name=e", "metadata.namespace=default",
                "source=kubelet")) {
            assertTrue(matches(EVENTS, selector, event), selector);
        }
        assertEquals("field label not supported: message", refusal(EVENTS, "message=x"));
    }

    @Test
    void eventSourcePrefersTheSourceComponent() throws Exception {
        JsonNode event = json("{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"e\",\"namespace\":\"d\"},"
                + "\"source\":{\"component\":\"scheduler\"},\"reportingComponent\":\"kubelet\"}");
        assertEquals("scheduler", EVENTS.fieldsOf(event).get("source"));
    }

    @Test
    void eventsApiGroupUsesItsOwnLabelNamesMappedOntoTheCoreFields() throws Exception {
        FieldSelectorSupport eventsApi = FieldSelectorSupport.forResource("events.k8s.io", "events", true);
        JsonNode event = json("{\"apiVersion\":\"events.k8s.io/v1\",\"metadata\":{\"name\":\"e\",\"namespace\":\"d\"},"
                + "\"regarding\":{\"kind\":\"Node\",\"name\":\"n1\"},\"reportingController\":\"kubelet\","
                + "\"type\":\"Warning\"}");
        assertEquals("involvedObject.kind=Node",
                eventsApi.convert(FieldSelector.parse("regarding.kind=Node")).toString());
        assertTrue(matches(eventsApi, "regarding.kind=Node,regarding.name=n1,reportingController=kubelet", event));
        assertTrue(matches(eventsApi, "source=kubelet,type=Warning", event));
        assertEquals("field label not supported: involvedObject.name", refusal(eventsApi, "involvedObject.name=x"));
    }

    @Test
    void secretsSelectByType() throws Exception {
        JsonNode secret = json("{\"metadata\":{\"name\":\"s\",\"namespace\":\"d\"},"
                + "\"type\":\"kubernetes.io/service-account-token\"}");
        assertTrue(matches(SECRETS, "type=kubernetes.io/service-account-token", secret));
        assertFalse(matches(SECRETS, "type=Opaque", secret));
        assertEquals("field label not supported: data", refusal(SECRETS, "data=x"));
    }

    @Test
    void clusterScopedKindsWithAConversionFunctionRefuseTheNamespace() throws Exception {
        FieldSelectorSupport nodes = FieldSelectorSupport.forResource("", "nodes", false);
        FieldSelectorSupport namespaces = FieldSelectorSupport.forResource("", "namespaces", false);
        FieldSelectorSupport csrs = FieldSelectorSupport.forResource("certificates.k8s.io",
                "certificatesigningrequests", false);
        assertEquals("field label not supported: metadata.namespace", refusal(nodes, "metadata.namespace=x"));
        assertEquals("field label not supported: metadata.namespace", refusal(namespaces, "metadata.namespace=x"));
        assertEquals("field label not supported: metadata.namespace", refusal(csrs, "metadata.namespace=x"));
        assertTrue(matches(nodes, "spec.unschedulable=false", json("{\"metadata\":{\"name\":\"n\"},\"spec\":{}}")));
        assertTrue(matches(nodes, "spec.unschedulable=true",
                json("{\"metadata\":{\"name\":\"n\"},\"spec\":{\"unschedulable\":true}}")));
        assertTrue(matches(namespaces, "status.phase=Terminating",
                json("{\"metadata\":{\"name\":\"n\"},\"status\":{\"phase\":\"Terminating\"}}")));
        assertTrue(matches(csrs, "spec.signerName=kubernetes.io/kubelet-serving",
                json("{\"metadata\":{\"name\":\"c\"},\"spec\":{\"signerName\":\"kubernetes.io/kubelet-serving\"}}")));
    }

    @Test
    void countsAreSelectedAsDecimalText() throws Exception {
        FieldSelectorSupport rcs = FieldSelectorSupport.forResource("", "replicationcontrollers", true);
        FieldSelectorSupport jobs = FieldSelectorSupport.forResource("batch", "jobs", true);
        assertTrue(matches(rcs, "status.replicas=3", json("{\"metadata\":{\"name\":\"r\"},\"status\":{\"replicas\":3}}")));
        assertTrue(matches(rcs, "status.replicas=0", json("{\"metadata\":{\"name\":\"r\"},\"status\":{}}")));
        assertTrue(matches(jobs, "status.successful=1",
                json("{\"metadata\":{\"name\":\"j\"},\"status\":{\"succeeded\":1}}")));
        assertEquals("field label \"status.active\" not supported for Job", refusal(jobs, "status.active=1"));
    }

    @Test
    void servicesSelectByClusterIpAndType() throws Exception {
        FieldSelectorSupport services = FieldSelectorSupport.forResource("", "services", true);
        JsonNode headless = json("{\"metadata\":{\"name\":\"h\",\"namespace\":\"d\"},"
                + "\"spec\":{\"clusterIP\":\"None\",\"type\":\"ClusterIP\"}}");
        assertTrue(matches(services, "spec.clusterIP=None,spec.type=ClusterIP", headless));
        assertFalse(matches(services, "spec.clusterIP!=None", headless));
    }

    @Test
    void otherResourcesGetUpstreamsDefaultNameAndNamespaceOnly() throws Exception {
        FieldSelectorSupport configMaps = FieldSelectorSupport.forResource("", "configmaps", true);
        FieldSelectorSupport replicaSets = FieldSelectorSupport.forResource("apps", "replicasets", true);
        FieldSelectorSupport clusterRoles = FieldSelectorSupport.forResource("rbac.authorization.k8s.io",
                "clusterroles", false);
        assertEquals("\"data.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
                refusal(configMaps, "data.x=1"));
        assertEquals("\"status.replicas\" is not a known field selector: only \"metadata.name\", "
                + "\"metadata.namespace\"", refusal(replicaSets, "status.replicas=1"));
        JsonNode role = json("{\"metadata\":{\"name\":\"admin\"}}");
        assertTrue(matches(clusterRoles, "metadata.name=admin", role));
        assertTrue(matches(clusterRoles, "metadata.namespace=", role), "cluster-scoped: namespace reads as empty");
        assertFalse(matches(clusterRoles, "metadata.namespace=default", role));
    }

    @Test
    void theFirstRefusedTermInSortedOrderIsReported() {
        assertEquals("field label not supported: bbb", refusal(PODS, "zzz=1,bbb=2"));
    }

    @Test
    void customResourcesAcceptTheirSelectableFields() throws Exception {
        FieldSelectorSupport widgets = FieldSelectorSupport.forCustomResource(true, List.of(".spec.color",
                ".spec.size"));
        JsonNode widget = json("{\"metadata\":{\"name\":\"w\",\"namespace\":\"d\"},\"spec\":{\"color\":\"red\","
                + "\"size\":3}}");
        assertTrue(matches(widgets, "spec.color=red,spec.size=3,metadata.namespace=d", widget));
        assertEquals("field label not supported: spec.shape", refusal(widgets, "spec.shape=round"));
        FieldSelectorSupport clusterWidgets = FieldSelectorSupport.forCustomResource(false, List.of());
        assertEquals("field label not supported: metadata.namespace",
                refusal(clusterWidgets, "metadata.namespace=d"));
    }
}
