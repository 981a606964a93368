package io.karst.apiserver.codec.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Rbac;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtobufKindsTest {

    private final ProtobufKinds kinds = new ProtobufKinds(List.of(V1.getDescriptor(), V1Apps.getDescriptor(),
            V1Batch.getDescriptor(), V1Rbac.getDescriptor()));

    private String message(String group, String version, String kind) {
        return kinds.messageFor(group, version, kind).orElseThrow().getFullName();
    }

    @Test
    void coreGroupKindsMapToTheCorePackage() {
        assertEquals("k8s.io.api.core.v1.ConfigMap", message("", "v1", "ConfigMap"));
        assertEquals("k8s.io.api.core.v1.SecretList", message("", "v1", "SecretList"));
    }

    @Test
    void namedGroupsMapToThePackageOfTheirFirstLabel() {
        assertEquals("k8s.io.api.apps.v1.Deployment", message("apps", "v1", "Deployment"));
        assertEquals("k8s.io.api.batch.v1.Job", message("batch", "v1", "Job"));
        assertEquals("k8s.io.api.rbac.v1.ClusterRole", message("rbac.authorization.k8s.io", "v1", "ClusterRole"));
    }

    @Test
    void statusIsTheMetaMessageInEveryGroupVersion() {
        // the meta file is reached only through the imports of the indexed files
        assertEquals("k8s.io.apimachinery.pkg.apis.meta.v1.Status", message("", "v1", "Status"));
        assertEquals("k8s.io.apimachinery.pkg.apis.meta.v1.Status", message("apps", "v1", "Status"));
    }

    @Test
    void kindsWithoutAMessageHaveNoProtobufForm() {
        assertTrue(kinds.messageFor("example.com", "v1", "Widget").isEmpty());
        assertTrue(kinds.messageFor("apps", "v1", "ConfigMap").isEmpty());
        // a meta message that is not a kind served by groups is not reachable through a group
        assertTrue(kinds.messageFor("apps", "v1", "ObjectMeta").isEmpty());
    }
}
