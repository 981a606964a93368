package io.karst.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A manifest's Pod made into a static pod without an API server: name, binding, annotations, defaults, uid. */
class StaticPodDefaultsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aManifestBecomesABoundAnnotatedAndDefaultedPod() throws Exception {
        ObjectNode manifest = (ObjectNode) JSON.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web'},"
                + "'spec':{'containers':[{'name':'a','image':'localhost/karst/busybox:1.35.0',"
                + "'ports':[{'containerPort':80}]},{'name':'b','image':'nginx'},{'name':'c','image':'nginx:latest'},"
                + "{'name':'d','image':'registry:5000/nginx@sha256:abc'}]}}").replace('\'', '"'));
        ObjectNode pod = StaticPods.toStaticPod(manifest, "u1", "Node-A");
        JsonNode meta = pod.path("metadata");
        assertEquals("web-node-a", meta.path("name").asText());
        assertEquals("default", meta.path("namespace").asText());
        assertEquals("u1", meta.path("uid").asText());
        assertEquals("u1", meta.path("annotations").path("kubernetes.io/config.hash").asText());
        assertEquals("file", meta.path("annotations").path("kubernetes.io/config.source").asText());
        JsonNode spec = pod.path("spec");
        assertEquals("Node-A", spec.path("nodeName").asText());
        assertEquals("Always", spec.path("restartPolicy").asText());
        assertEquals(30, spec.path("terminationGracePeriodSeconds").asInt());
        assertEquals("ClusterFirst", spec.path("dnsPolicy").asText());
        assertEquals("NoExecute", spec.path("tolerations").path(0).path("effect").asText());
        assertEquals("Exists", spec.path("tolerations").path(0).path("operator").asText());
        assertEquals("IfNotPresent", spec.path("containers").path(0).path("imagePullPolicy").asText());
        assertEquals("TCP", spec.path("containers").path(0).path("ports").path(0).path("protocol").asText());
        assertEquals("/dev/termination-log", spec.path("containers").path(0).path("terminationMessagePath").asText());
        assertEquals("Always", spec.path("containers").path(1).path("imagePullPolicy").asText());
        assertEquals("Always", spec.path("containers").path(2).path("imagePullPolicy").asText());
        assertEquals("IfNotPresent", spec.path("containers").path(3).path("imagePullPolicy").asText());
        assertEquals("Pending", pod.path("status").path("phase").asText());
        assertEquals("web", manifest.path("metadata").path("name").asText(), "the manifest is left as read");
    }

    @Test
    void theUidIsAHashOfContentNodeAndFile() {
        byte[] content = "kind: Pod".getBytes(StandardCharsets.UTF_8);
        String uid = StaticPods.uid(content, "node-a", "/m/web.yaml");
        assertEquals(uid, StaticPods.uid(content.clone(), "node-a", "/m/web.yaml"));
        assertEquals(32, uid.length());
        assertNotEquals(uid, StaticPods.uid("kind: Pod ".getBytes(StandardCharsets.UTF_8), "node-a", "/m/web.yaml"));
        assertNotEquals(uid, StaticPods.uid(content, "node-b", "/m/web.yaml"));
        assertNotEquals(uid, StaticPods.uid(content, "node-a", "/m/other.yaml"));
    }
}
